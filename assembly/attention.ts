// Fused scaled dot-product attention (Keras 3's dot_product_attention layout:
// q [B, T, H, D], k and v [B, S, H, D]) for the decoder blocks, forward and
// backward, without the [B, H, T, S] score tensor the composed ops build.
//
// Work goes in tiles of 4 query rows of one head: scores come 4 queries x 4
// keys at a time (16 vector accumulators over the head dimension, one load of
// each key row per 4 queries), and the value (and gradient) products stream
// each key row once per 4 queries. The 4 rows' scores against the keys they
// may see sit in a per-thread scratch (4 x S floats): the whole key range of
// one head, not a [T, S] matrix, because the key and value rows of one head
// fit in L1 at the sizes these models run; FlashAttention (Dao et al. 2022)
// tiles keys too for the long sequences where they do not.
//
// Forward: one tile per range item; the rows' log-sum-exp is kept so backward
// rebuilds the probabilities from the scores alone (recomputation, as
// FlashAttention). Backward: one (batch, head) pair per range item, so the
// dk / dv rows it accumulates belong to one thread; per tile p = exp(s - lse),
// dv += pᵀ·do, ds = p·(do·vᵀ - rowsum(do·o)), dq = scale·ds·k, dk += scale·dsᵀ·q.
//
// Causal masks are aligned to the end: query t is at absolute position
// S - T + t and sees keys 0..S-T+t (with a key/value cache, T new queries
// after S - T cached positions; without one, S = T and the usual triangle).
import { imin, madd } from './common';
import { expNonPositive } from './math';
import { logv } from './softmax';

// a·b over D floats (D % 4 tail in scalar code).
@inline function dot(a: usize, b: usize, d: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= d; i += 4) acc = madd(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2)), acc);
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < d; i++) s += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return s;
}

// [Σa0, Σa1, Σa2, Σa3]: four horizontal sums in one vector.
@inline function hsum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const s01 = f32x4.add(i32x4.shuffle(a0, a1, 0, 4, 1, 5), i32x4.shuffle(a0, a1, 2, 6, 3, 7));
  const s23 = f32x4.add(i32x4.shuffle(a2, a3, 0, 4, 1, 5), i32x4.shuffle(a2, a3, 2, 6, 3, 7));
  return f32x4.add(i32x4.shuffle(s01, s23, 0, 1, 4, 5), i32x4.shuffle(s01, s23, 2, 3, 6, 7));
}

// Row i of out (stride `ld` floats) gets scale·[a_i·b_j, ..., a_i·b_(j+3)] for the 4
// rows a0..a3 and the 4 rows b, b + bStride, ... (columns j..j+3 of out).
@inline function tile4x4(a0: usize, a1: usize, a2: usize, a3: usize, b: usize, bStride: usize, d: i32, scale: f32,
  out: usize, ld: i32, j: i32): void {
  const b1 = b + bStride, b2 = b1 + bStride, b3 = b2 + bStride;
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
  let c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
  let i = 0;
  for (; i + 4 <= d; i += 4) {
    const o = <usize>i << 2;
    const k0 = v128.load(b + o), k1 = v128.load(b1 + o), k2 = v128.load(b2 + o), k3 = v128.load(b3 + o);
    let x = v128.load(a0 + o);
    c00 = madd(x, k0, c00); c01 = madd(x, k1, c01); c02 = madd(x, k2, c02); c03 = madd(x, k3, c03);
    x = v128.load(a1 + o);
    c10 = madd(x, k0, c10); c11 = madd(x, k1, c11); c12 = madd(x, k2, c12); c13 = madd(x, k3, c13);
    x = v128.load(a2 + o);
    c20 = madd(x, k0, c20); c21 = madd(x, k1, c21); c22 = madd(x, k2, c22); c23 = madd(x, k3, c23);
    x = v128.load(a3 + o);
    c30 = madd(x, k0, c30); c31 = madd(x, k1, c31); c32 = madd(x, k2, c32); c33 = madd(x, k3, c33);
  }
  const sv = f32x4.splat(scale);
  const row = <usize>ld << 2, at = out + (<usize>j << 2);
  v128.store(at, f32x4.mul(hsum4(c00, c01, c02, c03), sv));
  v128.store(at + row, f32x4.mul(hsum4(c10, c11, c12, c13), sv));
  v128.store(at + 2 * row, f32x4.mul(hsum4(c20, c21, c22, c23), sv));
  v128.store(at + 3 * row, f32x4.mul(hsum4(c30, c31, c32, c33), sv));
  if (i < d) {
    // The D % 4 tail of every (row, column) pair.
    for (let r = 0; r < 4; r++) {
      const a = r === 0 ? a0 : r === 1 ? a1 : r === 2 ? a2 : a3;
      for (let c = 0; c < 4; c++) {
        const bc = b + <usize>c * bStride;
        let t: f32 = 0;
        for (let e = i; e < d; e++) t += load<f32>(a + (<usize>e << 2)) * load<f32>(bc + (<usize>e << 2));
        const p = at + <usize>r * row + (<usize>c << 2);
        store<f32>(p, load<f32>(p) + t * scale);
      }
    }
  }
}

// scale·a_i·b_j for the 4 rows a and the columns 0..n of b's rows (out row stride ld).
@inline function scores4(a0: usize, a1: usize, a2: usize, a3: usize, b: usize, bStride: usize, d: i32, scale: f32,
  out: usize, ld: i32, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) tile4x4(a0, a1, a2, a3, b + <usize>j * bStride, bStride, d, scale, out, ld, j);
  const row = <usize>ld << 2;
  for (; j < n; j++) {
    const bj = b + <usize>j * bStride, at = out + (<usize>j << 2);
    store<f32>(at, dot(a0, bj, d) * scale);
    store<f32>(at + row, dot(a1, bj, d) * scale);
    store<f32>(at + 2 * row, dot(a2, bj, d) * scale);
    store<f32>(at + 3 * row, dot(a3, bj, d) * scale);
  }
}

// y_i = Σ_j w[i][j]·x_j for the 4 rows y (w row stride ld, x rows bStride apart, j < n).
@inline function mix4(y0: usize, y1: usize, y2: usize, y3: usize, w: usize, ld: i32, x: usize, bStride: usize, n: i32, d: i32): void {
  const row = <usize>ld << 2;
  let c = 0;
  for (; c + 4 <= d; c += 4) {
    const o = <usize>c << 2;
    const z = f32x4.splat(0);
    let s0 = z, s1 = z, s2 = z, s3 = z;
    for (let j = 0; j < n; j++) {
      const xv = v128.load(x + <usize>j * bStride + o);
      const wj = w + (<usize>j << 2);
      s0 = madd(v128.load32_splat(wj), xv, s0);
      s1 = madd(v128.load32_splat(wj + row), xv, s1);
      s2 = madd(v128.load32_splat(wj + 2 * row), xv, s2);
      s3 = madd(v128.load32_splat(wj + 3 * row), xv, s3);
    }
    v128.store(y0 + o, s0);
    v128.store(y1 + o, s1);
    v128.store(y2 + o, s2);
    v128.store(y3 + o, s3);
  }
  for (; c < d; c++) {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (let j = 0; j < n; j++) {
      const xv = load<f32>(x + <usize>j * bStride + (<usize>c << 2));
      const wj = w + (<usize>j << 2);
      s0 += load<f32>(wj) * xv;
      s1 += load<f32>(wj + row) * xv;
      s2 += load<f32>(wj + 2 * row) * xv;
      s3 += load<f32>(wj + 3 * row) * xv;
    }
    store<f32>(y0 + (<usize>c << 2), s0);
    store<f32>(y1 + (<usize>c << 2), s1);
    store<f32>(y2 + (<usize>c << 2), s2);
    store<f32>(y3 + (<usize>c << 2), s3);
  }
}

// y_j += Σ_i w[i][j]·x_i for every column j < n (y rows bStride apart, x the 4 rows).
@inline function spread4(y: usize, bStride: usize, w: usize, ld: i32, x0: usize, x1: usize, x2: usize, x3: usize, n: i32, d: i32): void {
  const row = <usize>ld << 2;
  for (let j = 0; j < n; j++) {
    const wj = w + (<usize>j << 2), yj = y + <usize>j * bStride;
    const w0 = v128.load32_splat(wj), w1 = v128.load32_splat(wj + row), w2 = v128.load32_splat(wj + 2 * row),
      w3 = v128.load32_splat(wj + 3 * row);
    let c = 0;
    for (; c + 4 <= d; c += 4) {
      const o = <usize>c << 2;
      let s = v128.load(yj + o);
      s = madd(w0, v128.load(x0 + o), s);
      s = madd(w1, v128.load(x1 + o), s);
      s = madd(w2, v128.load(x2 + o), s);
      s = madd(w3, v128.load(x3 + o), s);
      v128.store(yj + o, s);
    }
    for (; c < d; c++) {
      const o = <usize>c << 2;
      store<f32>(yj + o, load<f32>(yj + o) + f32x4.extract_lane(w0, 0) * load<f32>(x0 + o) + f32x4.extract_lane(w1, 0) * load<f32>(x1 + o)
        + f32x4.extract_lane(w2, 0) * load<f32>(x2 + o) + f32x4.extract_lane(w3, 0) * load<f32>(x3 + o));
    }
  }
}

@inline function zero(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>n << 2);
}

// Keys query row t (of T, against S keys) may see.
@inline function visible(t: i32, T: i32, S: i32, causal: i32): i32 {
  if (!causal) return S;
  const n = S - T + t + 1;
  return n < 0 ? 0 : imin(n, S);
}

// The scratch row stride: S rounded up to whole vectors.
@inline function strideOf(S: i32): i32 {
  return (S + 3) & ~3;
}

// Row i's scores (stride ld) → exp(s - m) for j < n, zeros for n <= j < width; returns the sum, m in `maxOut`.
@inline function expRow(p: usize, n: i32, width: i32, lse: f32, useLse: bool, maxOut: usize): f32 {
  let m: f32 = -Infinity;
  if (useLse) m = lse;
  else for (let j = 0; j < n; j++) m = max(m, load<f32>(p + (<usize>j << 2)));
  store<f32>(maxOut, m);
  const mv = f32x4.splat(m);
  let sv = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const a = p + (<usize>j << 2);
    const e = expNonPositive(f32x4.min(f32x4.sub(v128.load(a), mv), f32x4.splat(0)));
    v128.store(a, e);
    sv = f32x4.add(sv, e);
  }
  let sum = f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3);
  for (; j < n; j++) {
    const a = p + (<usize>j << 2);
    const e = f32x4.extract_lane(expNonPositive(f32x4.splat(min<f32>(load<f32>(a) - m, 0))), 0);
    store<f32>(a, e);
    sum += e;
  }
  if (width > n) zero(p + (<usize>n << 2), width - n);
  return sum;
}

/**
 * o = softmax(scale·q·kᵀ [+ causal mask])·v and lse = the rows' log-sum-exp
 * ([B, T, H]). A row that sees no key gets o = 0 and lse = -inf.
 * scratch: 16·⌈S/4⌉·4 + 16 + 4·D bytes. Range items: tiles of 4 query rows, it = (b·H + h)·⌈T/4⌉ + t/4.
 */
export function attention_f32(q: usize, k: usize, v: usize, o: usize, lse: usize, T: i32, S: i32, H: i32, D: i32,
  scale: f32, causal: i32, scratch: usize, start: i32, end: i32): void {
  const rowK = <usize>H * D << 2; // bytes between consecutive positions of one head
  const tiles = (T + 3) >> 2, ld = strideOf(S);
  const maxes = scratch + (<usize>(4 * ld) << 2);
  for (let it = start; it < end; it++) {
    const bh = it / tiles, t0 = (it % tiles) << 2;
    const b = bh / H, h = bh % H;
    const rows = imin(4, T - t0);
    const qOff = ((<usize>(b * T + t0) * H + h) * D) << 2;
    const kb = k + ((<usize>b * S * H + h) * D << 2), vb = v + ((<usize>b * S * H + h) * D << 2);
    // Rows past T repeat the last one (computed, never stored).
    const q0 = q + qOff, q1 = q0 + rowK * <usize>imin(1, rows - 1), q2 = q0 + rowK * <usize>imin(2, rows - 1),
      q3 = q0 + rowK * <usize>imin(3, rows - 1);
    const width = visible(t0 + rows - 1, T, S, causal);
    scores4(q0, q1, q2, q3, kb, rowK, D, scale, scratch, ld, width);
    for (let i = 0; i < 4; i++) {
      const n = i < rows ? visible(t0 + i, T, S, causal) : 0;
      const p = scratch + (<usize>(i * ld) << 2);
      const sum = expRow(p, n, width, 0, false, maxes);
      // 1/sum folded into the probabilities, so the value product is the plain P·v.
      const r = f32x4.splat(n > 0 ? 1 / sum : 0);
      for (let j = 0; j < width; j += 4) v128.store(p + (<usize>j << 2), f32x4.mul(v128.load(p + (<usize>j << 2)), r));
      if (i < rows) {
        const m = load<f32>(maxes);
        store<f32>(lse + ((<usize>(b * T + t0 + i) * H + h) << 2), n > 0 ? m + f32x4.extract_lane(logv(f32x4.splat(sum)), 0) : -Infinity);
      }
    }
    // o rows = P·v (rows past T write into scratch).
    const dump = maxes + 16;
    const o0 = o + qOff, o1 = rows > 1 ? o0 + rowK : dump, o2 = rows > 2 ? o0 + 2 * rowK : dump, o3 = rows > 3 ? o0 + 3 * rowK : dump;
    mix4(o0, o1, o2, o3, scratch, ld, vb, rowK, width, D);
  }
}

/**
 * Gradients of attention_f32 from do (its output gradient), o and lse:
 * dq [B, T, H, D], dk and dv [B, S, H, D] (all overwritten).
 * scratch: 32·⌈S/4⌉·4 + 4·D bytes. Range items: (batch, head) pairs bh = b·H + h.
 */
export function attention_grad_f32(q: usize, k: usize, v: usize, o: usize, lse: usize, dout: usize,
  dq: usize, dk: usize, dv: usize, T: i32, S: i32, H: i32, D: i32, scale: f32, causal: i32, scratch: usize,
  start: i32, end: i32): void {
  const rowK = <usize>H * D << 2;
  const ld = strideOf(S);
  const P = scratch, DS = scratch + (<usize>(4 * ld) << 2), dump = DS + (<usize>(4 * ld) << 2);
  for (let bh = start; bh < end; bh++) {
    const b = bh / H, h = bh % H;
    const kOff = (<usize>b * S * H + h) * D << 2, qBase = (<usize>b * T * H + h) * D << 2;
    for (let j = 0; j < S; j++) {
      zero(dk + kOff + <usize>j * rowK, D);
      zero(dv + kOff + <usize>j * rowK, D);
    }
    for (let t0 = 0; t0 < T; t0 += 4) {
      const rows = imin(4, T - t0);
      const at = qBase + <usize>t0 * rowK;
      const r1 = rowK * <usize>imin(1, rows - 1), r2 = rowK * <usize>imin(2, rows - 1), r3 = rowK * <usize>imin(3, rows - 1);
      const q0 = q + at, do0 = dout + at, oo = o + at;
      const width = visible(t0 + rows - 1, T, S, causal);
      // P = exp(scale·q·kᵀ - lse) (zero past each row's keys and for repeated rows).
      scores4(q0, q0 + r1, q0 + r2, q0 + r3, k + kOff, rowK, D, scale, P, ld, width);
      // DP = do·vᵀ, then DS = P·(DP - rowsum(do·o))·scale.
      scores4(do0, do0 + r1, do0 + r2, do0 + r3, v + kOff, rowK, D, 1, DS, ld, width);
      for (let i = 0; i < 4; i++) {
        const n = i < rows ? visible(t0 + i, T, S, causal) : 0;
        const l = i < rows ? load<f32>(lse + ((<usize>(b * T + t0 + i) * H + h) << 2)) : 0;
        const pr = P + (<usize>(i * ld) << 2), dr = DS + (<usize>(i * ld) << 2);
        expRow(pr, n, width, l, true, dump);
        const ri = <usize>i * rowK;
        const delta = f32x4.splat(i < rows ? dot(do0 + ri, oo + ri, D) : 0);
        const sv = f32x4.splat(scale);
        for (let j = 0; j < width; j += 4) {
          const a = <usize>j << 2;
          v128.store(dr + a, f32x4.mul(f32x4.mul(v128.load(pr + a), f32x4.sub(v128.load(dr + a), delta)), sv));
        }
      }
      spread4(dv + kOff, rowK, P, ld, do0, do0 + r1, do0 + r2, do0 + r3, width, D);
      spread4(dk + kOff, rowK, DS, ld, q0, q0 + r1, q0 + r2, q0 + r3, width, D);
      const g0 = dq + at, g1 = rows > 1 ? g0 + rowK : dump, g2 = rows > 2 ? g0 + 2 * rowK : dump, g3 = rows > 3 ? g0 + 3 * rowK : dump;
      mix4(g0, g1, g2, g3, DS, ld, k + kOff, rowK, width, D);
    }
  }
}
