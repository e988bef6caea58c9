// GEMM: C = act(A·B + bias) (+ C when accumulating), batched, any transposes.
//
// B is packed once per call into panels of NR = 8 columns ([panel][k][8],
// zero-padded), so the micro-kernel streams it contiguously whatever B's layout.
// Each thread packs its current 4-row panel of A ([k][4], from A or Aᵀ through
// two strides) into its scratch, so the micro-kernel reads A through a single
// pointer (strided A with four row pointers measured 48 vs 58 GFLOP/s).
// The 4x8 micro-kernel keeps 8 accumulators in registers: per k step it loads
// 2 B vectors, splats 4 A values and issues 8 multiply-adds. (6x8 needs 15 of
// the 15 xmm registers V8 allocates on x64 and spills; measured 33 vs 58
// GFLOP/s single-threaded at 1024.)
import { madd, imin, storePartial, loadPartial, storeTransposed4x4 } from './common';
import { activate, ACT_LINEAR } from './activation';

export const MR: i32 = 4;
export const NR: i32 = 8;
// K block: a 4xKC A panel (4 KiB) and a KCx8 B panel (8 KiB) stay in L1 while
// one panel row of C is computed.
export const KC: i32 = 256;

/**
 * Packs B(k, j) at b + (k*bks + j*bjs)*4 (k < K, j < N), for `batch` matrices
 * `bBatch` elements apart, into `packed`. Range items: batch * ceil(N/8) panels.
 */
export function gemm_pack_b_f32(b: usize, bks: i32, bjs: i32, bBatch: i32, k: i32, n: i32,
  packed: usize, start: i32, end: i32): void {
  const np = (n + NR - 1) / NR;
  const panelElems = k * NR;
  for (let item = start; item < end; item++) {
    const bi = item / np, p = item - bi * np;
    const j0 = p * NR, w = imin(NR, n - j0);
    let out = packed + (<usize>bi * np * panelElems + <usize>p * panelElems) * 4;
    const src = b + (<usize>bi * bBatch) * 4;
    if (bjs == 1 && w == NR) {
      for (let kk = 0; kk < k; kk++) {
        const s = src + (<usize>kk * bks + j0) * 4;
        v128.store(out, v128.load(s));
        v128.store(out, v128.load(s, 16), 16);
        out += 32;
      }
    } else {
      for (let kk = 0; kk < k; kk++) {
        const s = src + (<usize>kk * bks + <usize>j0 * bjs) * 4;
        for (let j = 0; j < NR; j++) {
          store<f32>(out + (<usize>j << 2), j < w ? load<f32>(s + (<usize>(j * bjs) << 2)) : 0);
        }
        out += 32;
      }
    }
  }
}

/**
 * C(i, j) at c + (i*ldc + j)*4 for i < M, j < N, per batch `cBatch` apart.
 * A(i, kk) at a + (i*ars + kk*aks)*4, per batch `aBatch` apart (0 to share A).
 * `packed` from gemm_pack_b_f32; `pBatch` is 0 when one B serves every batch.
 * bias (0 for none) is a length-N vector; act/alpha as in activation.ts;
 * accumulate != 0 adds into C (bias and act must then be off).
 * scratch: 16*K bytes per thread, for the packed A panel.
 * Range items: batch * ceil(M/4) row panels.
 */
export function gemm_f32(a: usize, ars: i32, aks: i32, aBatch: i32, packed: usize, pBatch: i32,
  c: usize, ldc: i32, cBatch: i32, m: i32, n: i32, k: i32,
  bias: usize, act: i32, alpha: f32, accumulate: i32, scratch: usize, start: i32, end: i32): void {
  const mp = (m + MR - 1) / MR;
  if (k == 0) {
    // Nothing to multiply: C = act(bias) or unchanged when accumulating.
    if (accumulate == 0) {
      for (let item = start; item < end; item++) {
        const bi = item / mp, i0 = (item - bi * mp) * MR, mr = imin(MR, m - i0);
        const cb = c + (<usize>bi * cBatch) * 4;
        for (let i = i0; i < i0 + mr; i++) {
          epilogueRow(cb + <usize>i * ldc * 4, n, bias, act, alpha, true);
        }
      }
    }
    return;
  }
  for (let item = start; item < end; item++) {
    const bi = item / mp, i0 = (item - bi * mp) * MR, mr = imin(MR, m - i0);
    packA(a + (<usize>bi * aBatch + <usize>i0 * ars) * 4, ars, aks, k, mr, scratch);
    gemmPanel(scratch, packed + <usize>bi * pBatch * 4, c + (<usize>bi * cBatch + <usize>i0 * ldc) * 4, ldc,
      mr, n, k, bias, act, alpha, accumulate != 0);
  }
}

/**
 * One row panel of C (mr <= 4 rows at c, row stride ldc) from a packed A panel
 * ([k][4] at ap) and packed B: the building block other kernels (convolution)
 * reuse after writing their own A panel.
 */
@inline export function gemmPanel(ap: usize, pb: usize, c: usize, ldc: i32, mr: i32, n: i32, k: i32,
  bias: usize, act: i32, alpha: f32, accumulate: bool): void {
  const np = (n + NR - 1) / NR;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kb = imin(KC, k - k0);
    const acc = accumulate || k0 > 0;
    const last = k0 + kb >= k;
    for (let p = 0; p < np; p++) {
      const j0 = p * NR;
      const nr = imin(NR, n - j0);
      const ct = c + (<usize>j0 << 2);
      micro4x8(ap + (<usize>k0 * MR << 2), pb + (<usize>p * k * NR + <usize>k0 * NR) * 4, 32, kb, ct, ldc, mr, nr, acc);
      if (last && (bias != 0 || act != ACT_LINEAR)) {
        for (let r = 0; r < mr; r++) {
          epilogueTile(ct + <usize>r * ldc * 4, bias + (<usize>j0 << 2), nr, bias != 0, act, alpha);
        }
      }
    }
  }
}

// Copies an mr-row panel of A into [k][4] (rows past mr zero) so the
// micro-kernel reads A through one pointer with constant offsets.
@inline export function packA(a: usize, ars: i32, aks: i32, k: i32, mr: i32, out: usize): void {
  const rs = <usize>ars << 2, ks = <usize>aks << 2;
  let kk = 0;
  if (mr == MR && aks == 1) {
    // Rows contiguous in k: load 4x4 blocks and transpose them in registers.
    for (; kk + 4 <= k; kk += 4) {
      const p = a + (<usize>kk << 2);
      storeTransposed4x4(out + (<usize>kk << 4), v128.load(p), v128.load(p + rs), v128.load(p + 2 * rs), v128.load(p + 3 * rs));
    }
  } else if (mr == MR && ars == 1) {
    // Aᵀ: the panel's four values at each k are adjacent.
    for (; kk < k; kk++) v128.store(out + (<usize>kk << 4), v128.load(a + <usize>kk * ks));
  }
  for (; kk < k; kk++) {
    const o = out + (<usize>kk << 4);
    const p = a + <usize>kk * ks;
    for (let r = 0; r < MR; r++) store<f32>(o + (<usize>r << 2), r < mr ? load<f32>(p + <usize>r * rs) : 0);
  }
}

@inline export function epilogueTile(c: usize, bias: usize, nr: i32, hasBias: bool, act: i32, alpha: f32): void {
  for (let j = 0; j < nr; j += 4) {
    const w = imin(4, nr - j);
    let v = loadPartial(c + (<usize>j << 2), w);
    if (hasBias) v = f32x4.add(v, loadPartial(bias + (<usize>j << 2), w));
    storePartial(c + (<usize>j << 2), activate(act, v, alpha), w);
  }
}

@inline function epilogueRow(c: usize, n: i32, bias: usize, act: i32, alpha: f32, overwrite: bool): void {
  for (let j = 0; j < n; j += 4) {
    const w = imin(4, n - j);
    let v = overwrite ? f32x4.splat(0) : loadPartial(c + (<usize>j << 2), w);
    if (bias != 0) v = f32x4.add(v, loadPartial(bias + (<usize>j << 2), w));
    storePartial(c + (<usize>j << 2), activate(act, v, alpha), w);
  }
}

@inline function storeRow(c: usize, lo: v128, hi: v128, nr: i32, acc: bool): void {
  if (nr == NR) {
    if (acc) {
      lo = f32x4.add(lo, v128.load(c));
      hi = f32x4.add(hi, v128.load(c, 16));
    }
    v128.store(c, lo);
    v128.store(c, hi, 16);
  } else {
    const w0 = imin(4, nr), w1 = nr - 4;
    if (acc) {
      lo = f32x4.add(lo, loadPartial(c, w0));
      if (w1 > 0) hi = f32x4.add(hi, loadPartial(c + 16, w1));
    }
    storePartial(c, lo, w0);
    if (w1 > 0) storePartial(c + 16, hi, w1);
  }
}

// Rows past mr are zero in the packed panel and never stored.
// `bs`: bytes from one k step of the B panel to the next (32 when packed, the
// row stride when gemm_cols_f32 reads B in place).
@inline export function micro4x8(a: usize, b: usize, bs: usize, k: i32, c: usize, ldc: i32, mr: i32, nr: i32, acc: bool): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let kk = 0; kk < k; kk++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let av: v128;
    if (ASC_FEATURE_RELAXED_SIMD) {
      // One load of the four A values, splatted in registers: fewer memory accesses. Deno runs wasm without V8's
      // trap handler, so every access carries an explicit bounds check; there this form measured 46 against 31-40
      // GFLOP/s (64x64x256, one thread), where Node (trap handler) runs it 5-8 % slower than four load-splats.
      const a4 = v128.load(a);
      av = i32x4.shuffle(a4, a4, 0, 0, 0, 0);
      c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
      av = i32x4.shuffle(a4, a4, 1, 1, 1, 1);
      c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
      av = i32x4.shuffle(a4, a4, 2, 2, 2, 2);
      c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
      av = i32x4.shuffle(a4, a4, 3, 3, 3, 3);
      c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    } else {
      av = v128.load32_splat(a);
      c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
      av = v128.load32_splat(a, 4);
      c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
      av = v128.load32_splat(a, 8);
      c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
      av = v128.load32_splat(a, 12);
      c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    }
    a += 16;
    b += bs;
  }
  const r = <usize>ldc << 2;
  storeRow(c, c00, c01, nr, acc);
  if (mr > 1) storeRow(c + r, c10, c11, nr, acc);
  if (mr > 2) storeRow(c + 2 * r, c20, c21, nr, acc);
  if (mr > 3) storeRow(c + 3 * r, c30, c31, nr, acc);
}
