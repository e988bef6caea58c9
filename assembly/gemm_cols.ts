// GEMM split by columns, for few rows: each work item owns a group of 8-column
// panels over every row, so B, the large operand when m is small, is read once
// in all instead of once per 4-row panel (the row split's cost once B outgrows
// L2: the seed CNN's dense layer, m = 32, k = 5408, n = 128, read 2.7 MB from
// L3 eight times). A is packed once for every item by gemm_pack_a_f32; B is read
// in place when it is row-major in whole panels, else packed by gemm_pack_b_f32.
// The micro-kernel, k blocks and epilogue are gemm_f32's, in the same order per
// tile, so both splits give the same bits.
import { imin } from './common';
import { ACT_LINEAR } from './activation';
import { MR, NR, KC, micro4x8, packA, epilogueTile } from './gemm';

// Panels per work item: 16 columns, one 64-byte line of an in-place B row.
const GROUP: i32 = 2;

/**
 * Packs A's row panels ([k][4] each, rows past m zero; A(i, kk) at
 * a + (i*ars + kk*aks)*4) for `batch` matrices `aBatch` elements apart, panel
 * after panel. Range items: batch * ceil(m/4).
 */
export function gemm_pack_a_f32(a: usize, ars: i32, aks: i32, aBatch: i32, m: i32, k: i32, packed: usize,
  start: i32, end: i32): void {
  const mp = (m + MR - 1) / MR;
  for (let item = start; item < end; item++) {
    const bi = item / mp, i0 = (item - bi * mp) * MR;
    packA(a + (<usize>bi * aBatch + <usize>i0 * ars) * 4, ars, aks, k, imin(MR, m - i0), packed + <usize>item * k * MR * 4);
  }
}

/**
 * C as gemm_f32 computes it, from gemm_pack_a_f32's panels (`paBatch` elements
 * per batch, 0 to share one A) and B panels whose k step kk of panel p is at
 * b + (p*bps + kk*bks)*4, `bBatch` elements per batch (packed: bps = 8k, bks = 8;
 * row-major in place: bps = 8, bks = n). bias, act, alpha and accumulate as in
 * gemm_f32. Range items: batch * ceil(ceil(n/8) / 2) column groups.
 */
export function gemm_cols_f32(pa: usize, paBatch: i32, b: usize, bps: i32, bks: i32, bBatch: i32,
  c: usize, ldc: i32, cBatch: i32, m: i32, n: i32, k: i32,
  bias: usize, act: i32, alpha: f32, accumulate: i32, start: i32, end: i32): void {
  const np = (n + NR - 1) / NR, groups = (np + GROUP - 1) / GROUP, mp = (m + MR - 1) / MR;
  const epilogue = bias != 0 || act != ACT_LINEAR;
  const bstep = <usize>bks << 2;
  for (let item = start; item < end; item++) {
    const bi = item / groups, p0 = (item - bi * groups) * GROUP, p1 = imin(np, p0 + GROUP);
    const pab = pa + <usize>bi * paBatch * 4, bb = b + <usize>bi * bBatch * 4, cb = c + <usize>bi * cBatch * 4;
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kb = imin(KC, k - k0);
      const acc = accumulate != 0 || k0 > 0, last = k0 + kb >= k;
      for (let i = 0; i < mp; i++) {
        const i0 = i * MR, mr = imin(MR, m - i0);
        const ap = pab + (<usize>i * k * MR + <usize>k0 * MR) * 4;
        for (let p = p0; p < p1; p++) {
          const j0 = p * NR, nr = imin(NR, n - j0);
          const ct = cb + (<usize>i0 * ldc + <usize>j0) * 4;
          micro4x8(ap, bb + (<usize>p * bps + <usize>k0 * bks) * 4, bstep, kb, ct, ldc, mr, nr, acc);
          if (last && epilogue) {
            for (let r = 0; r < mr; r++) epilogueTile(ct + <usize>r * ldc * 4, bias + (<usize>j0 << 2), nr, bias != 0, act, alpha);
          }
        }
      }
    }
  }
}
