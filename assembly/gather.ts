// Gather rows along an axis, and its gradient: unsorted segment sum
// (scatter-add of rows), plus the flat-index step that reduces gatherND /
// scatterND to those two. Rows are copied bit for bit, so the 4-byte gather
// serves float32 and int32 alike.
import { imin, storePartial } from './common';
import { loadFill } from './reduce';

// x [batch, outer, axisDim, inner], idx [batch, nIdx] -> y [batch, outer, nIdx, inner].
// An index outside [0, axisDim) gives a zero row: the wrappers reject such
// indices before calling, this only keeps a bad call from reading stray memory.
@inline function gatherRows(size: i32, x: usize, idx: usize, y: usize, outer: i32, axisDim: i32, nIdx: i32,
  inner: i32, start: i32, end: i32): void {
  const rowBytes = <usize>inner * size;
  for (let item = start; item < end; item++) {
    const bo = item / nIdx, k = item - bo * nIdx, b = bo / outer;
    const id = load<i32>(idx + ((<usize>b * nIdx + k) << 2));
    const dst = y + <usize>item * rowBytes;
    if (id >= 0 && id < axisDim) memory.copy(dst, x + (<usize>bo * axisDim + id) * rowBytes, rowBytes);
    else memory.fill(dst, 0, rowBytes);
  }
}

/**
 * y[b, o, k, :] = x[b, o, idx[b, k], :] for 4-byte elements; x is
 * [batch, outer, axisDim, inner], idx int32 [batch, nIdx].
 * Range items: batch * outer * nIdx output rows.
 */
export function gather_f32(x: usize, idx: usize, y: usize, outer: i32, axisDim: i32, nIdx: i32, inner: i32,
  start: i32, end: i32): void {
  gatherRows(4, x, idx, y, outer, axisDim, nIdx, inner, start, end);
}

/** As gather_f32 for 1-byte elements. */
export function gather_u8(x: usize, idx: usize, y: usize, outer: i32, axisDim: i32, nIdx: i32, inner: i32,
  start: i32, end: i32): void {
  gatherRows(1, x, idx, y, outer, axisDim, nIdx, inner, start, end);
}

// out[s, :] = sum over i with ids[i] == s of data[i, :], for s in [0, segments).
// Items are (column block, segment) pairs, item = cb * segments + s: each
// thread owns whole output cells, zeroes them and scans every id, adding rows
// in increasing i — no two threads write one cell and the order of the sum is
// fixed. Ids outside [0, segments) are dropped, as in tfjs.
@inline function segmentSum(isInt: bool, data: usize, ids: usize, out: usize, n: i32, inner: i32, segments: i32,
  colBlock: i32, start: i32, end: i32): void {
  if (start >= end) return;
  const rowBytes = <usize>inner << 2;
  const z = i32x4.splat(0);
  for (let cb = start / segments; cb * segments < end; cb++) {
    const s0 = cb * segments > start ? 0 : start - cb * segments;
    const s1 = imin(segments, end - cb * segments);
    const c0 = cb * colBlock, w = imin(colBlock, inner - c0);
    const colOff = <usize>c0 << 2;
    if (w == inner) memory.fill(out + <usize>s0 * rowBytes, 0, <usize>(s1 - s0) * rowBytes);
    else for (let s = s0; s < s1; s++) memory.fill(out + <usize>s * rowBytes + colOff, 0, <usize>w << 2);
    for (let i = 0; i < n; i++) {
      const s = load<i32>(ids + (<usize>i << 2));
      if (s < s0 || s >= s1) continue;
      const src = data + <usize>i * rowBytes + colOff;
      const dst = out + <usize>s * rowBytes + colOff;
      let j = 0;
      for (; j + 4 <= w; j += 4) {
        const o = <usize>j << 2;
        const a = v128.load(dst + o), b = v128.load(src + o);
        v128.store(dst + o, isInt ? i32x4.add(a, b) : f32x4.add(a, b));
      }
      if (j < w) {
        const o = <usize>j << 2, k = w - j;
        const a = loadFill(dst + o, k, z), b = loadFill(src + o, k, z);
        storePartial(dst + o, isInt ? i32x4.add(a, b) : f32x4.add(a, b), k);
      }
    }
  }
}

/**
 * Unsorted segment sum (the gradient of gather): data [n, inner], int32 ids
 * [n] -> out [segments, inner]. Range items: ceil(inner/colBlock) * segments.
 */
export function unsorted_segment_sum_f32(data: usize, ids: usize, out: usize, n: i32, inner: i32, segments: i32,
  colBlock: i32, start: i32, end: i32): void {
  segmentSum(false, data, ids, out, n, inner, segments, colBlock, start, end);
}

/** As unsorted_segment_sum_f32 over int32 data (wrapping sums). */
export function unsorted_segment_sum_i32(data: usize, ids: usize, out: usize, n: i32, inner: i32, segments: i32,
  colBlock: i32, start: i32, end: i32): void {
  segmentSum(true, data, ids, out, n, inner, segments, colBlock, start, end);
}

/**
 * Flat slice numbers of gatherND / scatterND index tuples: indices int32
 * [count, k] (k <= 6), s0..s5 the slice stride of each index position;
 * out[i] = sum_j indices[i, j] * s_j, or -1 when that lies outside
 * [0, limit) (tfjs checks the flattened index only). Range items: count.
 */
export function nd_flat_index_i32(indices: usize, out: usize, k: i32, s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  s5: i32, limit: i32, start: i32, end: i32): void {
  for (let i = start; i < end; i++) {
    const p = indices + (<usize>i * k << 2);
    let f: i64 = 0;
    if (k > 0) f += <i64>load<i32>(p) * s0;
    if (k > 1) f += <i64>load<i32>(p, 4) * s1;
    if (k > 2) f += <i64>load<i32>(p, 8) * s2;
    if (k > 3) f += <i64>load<i32>(p, 12) * s3;
    if (k > 4) f += <i64>load<i32>(p, 16) * s4;
    if (k > 5) f += <i64>load<i32>(p, 20) * s5;
    store<i32>(out + (<usize>i << 2), f >= 0 && f < <i64>limit ? <i32>f : -1);
  }
}
