// Reductions over the middle axis of x viewed as [outer, r, inner].
//
// The reduced axis is cut into fixed chunks of CHUNK rows; a kernel call writes
// one partial per (outer, chunk, inner) into a [outer, ceil(r/CHUNK), inner]
// array, and the wrapper runs the same kernel again over the partials until one
// chunk is left. Chunk bounds depend only on r, never on the thread split, so
// the summation order of every output is fixed, and a full reduction of one
// long vector still gives the pool many items.
//
// inner == 1: vectorise along the reduced axis (4 accumulators of 4 lanes,
// combined in a fixed tree). inner > 1: vectorise across inner, in blocks of
// COLS columns, one accumulator per lane walking the rows in order.
//
// Range items: outer * ceil(r/CHUNK) * (inner == 1 ? 1 : ceil(inner/COLS)),
// item = (o * chunks + c) * colBlocks + colBlock.
import { imin, storePartial } from './common';

/** Rows of the reduced axis per partial; a multiple of 16. */
export const CHUNK: i32 = 4096;
/** Columns per item when inner > 1 (4 vectors of 4 lanes; 64 for bytes). */
export const COLS: i32 = 16;
const COLS8: i32 = 64;

// The range-item layout above, written once for every driver: chunks per
// outer row, items per (outer, chunk) pair oc = o·chunks + c when an item takes
// `cols` columns, and the chunk's first row.
@inline function colBlocks(inner: i32, cols: i32): i32 {
  return inner == 1 ? 1 : (inner + cols - 1) / cols;
}
@inline function chunkCount(r: i32): i32 {
  return (r + CHUNK - 1) / CHUNK;
}
@inline function chunkRow0(oc: i32, o: i32, chunks: i32): i32 {
  return (oc - o * chunks) * CHUNK;
}

// Op codes: float32 sum, prod, max, min, then the same on int32.
export const F_SUM: i32 = 0, F_PROD: i32 = 1, F_MAX: i32 = 2, F_MIN: i32 = 3;
export const I_SUM: i32 = 4, I_PROD: i32 = 5, I_MAX: i32 = 6, I_MIN: i32 = 7;

@inline function ident(op: i32): v128 {
  switch (op) {
    case F_SUM: return f32x4.splat(0);
    case F_PROD: return f32x4.splat(1);
    case F_MAX: return f32x4.splat(-Infinity);
    case F_MIN: return f32x4.splat(Infinity);
    case I_SUM: return i32x4.splat(0);
    case I_PROD: return i32x4.splat(1);
    case I_MAX: return i32x4.splat(i32.MIN_VALUE);
    default: return i32x4.splat(i32.MAX_VALUE);
  }
}

// Float max/min use pmax/pmin (one instruction each on x64, where f32x4.max
// takes about eight to get NaN and -0 right) and track NaN lanes on the side,
// so a NaN anywhere still gives NaN, as tfjs's max/min do.
@inline function combine(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case F_SUM: return f32x4.add(a, b);
    case F_PROD: return f32x4.mul(a, b);
    case F_MAX: return f32x4.pmax(a, b);
    case F_MIN: return f32x4.pmin(a, b);
    case I_SUM: return i32x4.add(a, b);
    case I_PROD: return i32x4.mul(a, b);
    case I_MAX: return i32x4.max_s(a, b);
    default: return i32x4.min_s(a, b);
  }
}

@inline function tracksNaN(op: i32): bool {
  return op == F_MAX || op == F_MIN;
}

/** Lanes of m, plus those where v is NaN (float max/min only). */
@inline function nanLanes(op: i32, m: v128, v: v128): v128 {
  return tracksNaN(op) ? v128.or(m, f32x4.ne(v, v)) : m;
}

/** Loads the first n (0..4) 4-byte lanes from p, the rest taken from fill (bit-exact). */
@inline export function loadFill(p: usize, n: i32, fill: v128): v128 {
  if (n >= 4) return v128.load(p);
  let v = fill;
  if (n > 0) v = i32x4.replace_lane(v, 0, load<i32>(p));
  if (n > 1) v = i32x4.replace_lane(v, 1, load<i32>(p, 4));
  if (n > 2) v = i32x4.replace_lane(v, 2, load<i32>(p, 8));
  return v;
}

// Lane 0 of the result is (a0 op a2) op (a1 op a3).
@inline export function horizontal(op: i32, a: v128): v128 {
  const t = combine(op, a, i32x4.shuffle(a, a, 2, 3, 0, 1));
  return combine(op, t, i32x4.shuffle(t, t, 1, 0, 3, 2));
}

// One contiguous run of len 4-byte values at p, reduced into lane 0.
@inline export function reduceRun(op: i32, p: usize, len: i32): v128 {
  const id = ident(op);
  let a0 = id, a1 = id, a2 = id, a3 = id;
  let m = i32x4.splat(0);
  let j = 0;
  for (; j + 16 <= len; j += 16) {
    const q = p + (<usize>j << 2);
    const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
    a0 = combine(op, a0, v0);
    a1 = combine(op, a1, v1);
    a2 = combine(op, a2, v2);
    a3 = combine(op, a3, v3);
    m = nanLanes(op, nanLanes(op, m, v0), v1);
    m = nanLanes(op, nanLanes(op, m, v2), v3);
  }
  for (; j < len; j += 4) {
    const v = loadFill(p + (<usize>j << 2), len - j, id);
    a0 = combine(op, a0, v);
    m = nanLanes(op, m, v);
  }
  const r = horizontal(op, combine(op, combine(op, a0, a1), combine(op, a2, a3)));
  return tracksNaN(op) && v128.any_true(m) ? f32x4.splat(NaN) : r;
}

// Up to COLS columns (w) of `rows` rows, `stride` bytes apart, reduced per column into out.
@inline function reduceCols(op: i32, p: usize, stride: usize, rows: i32, w: i32, out: usize, count: f32, mean: bool): void {
  const id = ident(op);
  let a0 = id, a1 = id, a2 = id, a3 = id;
  let m0 = i32x4.splat(0), m1 = m0, m2 = m0, m3 = m0;
  if (w == COLS) {
    for (let r = 0; r < rows; r++) {
      const q = p + <usize>r * stride;
      const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
      a0 = combine(op, a0, v0); m0 = nanLanes(op, m0, v0);
      a1 = combine(op, a1, v1); m1 = nanLanes(op, m1, v1);
      a2 = combine(op, a2, v2); m2 = nanLanes(op, m2, v2);
      a3 = combine(op, a3, v3); m3 = nanLanes(op, m3, v3);
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const q = p + <usize>r * stride;
      const v0 = loadFill(q, w, id);
      a0 = combine(op, a0, v0); m0 = nanLanes(op, m0, v0);
      if (w > 4) { const v = loadFill(q + 16, w - 4, id); a1 = combine(op, a1, v); m1 = nanLanes(op, m1, v); }
      if (w > 8) { const v = loadFill(q + 32, w - 8, id); a2 = combine(op, a2, v); m2 = nanLanes(op, m2, v); }
      if (w > 12) { const v = loadFill(q + 48, w - 12, id); a3 = combine(op, a3, v); m3 = nanLanes(op, m3, v); }
    }
  }
  if (tracksNaN(op)) {
    const nan = f32x4.splat(NaN);
    a0 = v128.bitselect(nan, a0, m0); a1 = v128.bitselect(nan, a1, m1);
    a2 = v128.bitselect(nan, a2, m2); a3 = v128.bitselect(nan, a3, m3);
  }
  if (mean) {
    const n = f32x4.splat(count);
    a0 = f32x4.div(a0, n); a1 = f32x4.div(a1, n); a2 = f32x4.div(a2, n); a3 = f32x4.div(a3, n);
  }
  storePartial(out, a0, w);
  if (w > 4) storePartial(out + 16, a1, w - 4);
  if (w > 8) storePartial(out + 32, a2, w - 8);
  if (w > 12) storePartial(out + 48, a3, w - 12);
}

// The shared driver of every 4-byte reduction; `count` is the divisor of mean.
@inline export function reduce4(op: i32, x: usize, out: usize, outer: i32, r: i32, inner: i32,
  count: f32, mean: bool, start: i32, end: i32): void {
  const chunks = chunkCount(r), nb = colBlocks(inner, COLS);
  for (let item = start; item < end; item++) {
    const oc = item / nb, jb = item - oc * nb, o = oc / chunks;
    const r0 = chunkRow0(oc, o, chunks), rows = imin(CHUNK, r - r0);
    if (inner == 1) {
      let v = reduceRun(op, x + ((<usize>o * r + r0) << 2), rows);
      if (mean) v = f32x4.div(v, f32x4.splat(count));
      store<i32>(out + (<usize>oc << 2), i32x4.extract_lane(v, 0));
    } else {
      const j0 = jb * COLS;
      reduceCols(op, x + ((<usize>o * r + r0) * inner + j0 << 2), <usize>inner << 2, rows,
        imin(COLS, inner - j0), out + ((<usize>oc * inner + j0) << 2), count, mean);
    }
  }
}

// The kernels reduce_{sum,prod,max,min}_{f32,i32}(x, out, outer, r, inner,
// start, end) are instances of reduce4 (generated into reduce_kernels.ts):
// per chunk of CHUNK rows of x [outer, r, inner], out [outer, ceil(r/CHUNK),
// inner] gets the chunk's sums, products, maxima or minima. float32 max / min
// let NaN win, as tfjs; int32 sums and products wrap.

/** As reduce_sum_f32, each result divided by count (the final pass of a mean). */
export function reduce_mean_f32(x: usize, out: usize, outer: i32, r: i32, inner: i32, count: f32,
  start: i32, end: i32): void {
  reduce4(F_SUM, x, out, outer, r, inner, count, true, start, end);
}

// ---- all / any over bytes (bool: zero is false, anything else true) -------

// A byte run of len at p: all -> whether no byte is zero, any -> whether some byte is not.
// Boolean results are exact, so the byte tail may be scalar without any
// dependence on the split.
@inline function boolRun(isAll: bool, p: usize, len: i32): u8 {
  let acc = i8x16.splat(0);
  const zero = i8x16.splat(0);
  let j = 0;
  for (; j + 64 <= len; j += 64) {
    const q = p + <usize>j;
    if (isAll) {
      acc = v128.or(acc, v128.or(v128.or(i8x16.eq(v128.load(q), zero), i8x16.eq(v128.load(q, 16), zero)),
        v128.or(i8x16.eq(v128.load(q, 32), zero), i8x16.eq(v128.load(q, 48), zero))));
    } else {
      acc = v128.or(acc, v128.or(v128.or(v128.load(q), v128.load(q, 16)), v128.or(v128.load(q, 32), v128.load(q, 48))));
    }
  }
  for (; j + 16 <= len; j += 16) {
    const v = v128.load(p + <usize>j);
    acc = v128.or(acc, isAll ? i8x16.eq(v, zero) : v);
  }
  let hit = v128.any_true(acc);
  for (; j < len; j++) {
    const b = load<u8>(p + <usize>j);
    if (isAll ? b == 0 : b != 0) hit = true;
  }
  return isAll ? <u8>!hit : <u8>hit;
}

@inline function reduceBool(isAll: bool, x: usize, out: usize, outer: i32, r: i32, inner: i32, start: i32, end: i32): void {
  const chunks = chunkCount(r), nb = colBlocks(inner, COLS8);
  const zero = i8x16.splat(0);
  for (let item = start; item < end; item++) {
    const oc = item / nb, jb = item - oc * nb, o = oc / chunks;
    const r0 = chunkRow0(oc, o, chunks), rows = imin(CHUNK, r - r0);
    if (inner == 1) {
      store<u8>(out + <usize>oc, boolRun(isAll, x + <usize>o * r + r0, rows));
      continue;
    }
    const j0 = jb * COLS8, w = imin(COLS8, inner - j0);
    const p = x + (<usize>o * r + r0) * inner + j0;
    const dst = out + <usize>oc * inner + j0;
    const wv = w & ~15;
    // Per column: all -> AND of (byte != 0), any -> OR of (byte != 0).
    for (let k = 0; k < wv; k += 16) {
      let acc = isAll ? i8x16.splat(-1) : zero;
      for (let rr = 0; rr < rows; rr++) {
        const nz = i8x16.ne(v128.load(p + <usize>rr * inner + k), zero);
        acc = isAll ? v128.and(acc, nz) : v128.or(acc, nz);
      }
      v128.store(dst + <usize>k, v128.and(acc, i8x16.splat(1)));
    }
    for (let k = wv; k < w; k++) {
      let acc: bool = isAll;
      for (let rr = 0; rr < rows; rr++) {
        const nz = load<u8>(p + <usize>rr * inner + k) != 0;
        acc = isAll ? acc && nz : acc || nz;
      }
      store<u8>(dst + <usize>k, <u8>acc);
    }
  }
}

/** Logical AND of bytes per chunk (1 or 0), [outer, r, inner] -> [outer, ceil(r/CHUNK), inner]. */
export function reduce_all_u8(x: usize, out: usize, outer: i32, r: i32, inner: i32, start: i32, end: i32): void {
  reduceBool(true, x, out, outer, r, inner, start, end);
}

/** Logical OR of bytes per chunk (1 or 0). */
export function reduce_any_u8(x: usize, out: usize, outer: i32, r: i32, inner: i32, start: i32, end: i32): void {
  reduceBool(false, x, out, outer, r, inner, start, end);
}


// ---- argMax / argMin: int32 index of the first extreme, as tfjs -----------
//
// tfjs keeps the first value and replaces it only by a strictly greater one,
// so NaN never wins unless it comes first (then the answer is 0). Every lane
// and every chunk therefore starts from the first value of the whole axis at
// index 0 and takes strictly better values; merging candidates prefers the
// better value, then the smaller index, which gives the sequential answer.

@inline function better(isMin: bool, isInt: bool, v: v128, b: v128): v128 {
  if (isInt) return isMin ? i32x4.lt_s(v, b) : i32x4.gt_s(v, b);
  return isMin ? f32x4.lt(v, b) : f32x4.gt(v, b);
}

@inline function worst(isMin: bool, isInt: bool): v128 {
  if (isInt) return i32x4.splat(isMin ? i32.MAX_VALUE : i32.MIN_VALUE);
  return f32x4.splat(isMin ? Infinity : -Infinity);
}

@inline function equal(isInt: bool, a: v128, b: v128): v128 {
  return isInt ? i32x4.eq(a, b) : f32x4.eq(a, b);
}

// Candidate (ov, oi) replaces (bv, bi) per lane where better, or equal with a smaller index.
@inline function takeMask(isMin: bool, isInt: bool, ov: v128, oi: v128, bv: v128, bi: v128): v128 {
  return v128.or(better(isMin, isInt, ov, bv), v128.and(equal(isInt, ov, bv), i32x4.lt_s(oi, bi)));
}

/** One chunk along a contiguous axis; the winner lands in lane 0 of the returned pair. */
@inline function argRun(isMin: bool, isInt: bool, p: usize, len: i32, base: i32, first: v128,
  outVal: usize, outIdx: usize): void {
  let b0 = first, b1 = first;
  let i0 = i32x4.splat(0), i1 = i0;
  let idx = i32x4.add(i32x4.splat(base), i32x4(0, 1, 2, 3));
  const four = i32x4.splat(4), eight = i32x4.splat(8);
  let j = 0;
  for (; j + 8 <= len; j += 8) {
    const q = p + (<usize>j << 2);
    const v0 = v128.load(q), v1 = v128.load(q, 16);
    const m0 = better(isMin, isInt, v0, b0), m1 = better(isMin, isInt, v1, b1);
    b0 = v128.bitselect(v0, b0, m0); i0 = v128.bitselect(idx, i0, m0);
    b1 = v128.bitselect(v1, b1, m1); i1 = v128.bitselect(i32x4.add(idx, four), i1, m1);
    idx = i32x4.add(idx, eight);
  }
  for (; j < len; j += 4) {
    const v = loadFill(p + (<usize>j << 2), len - j, worst(isMin, isInt));
    const m = better(isMin, isInt, v, b0);
    b0 = v128.bitselect(v, b0, m); i0 = v128.bitselect(idx, i0, m);
    idx = i32x4.add(idx, four);
  }
  let t = takeMask(isMin, isInt, b1, i1, b0, i0);
  b0 = v128.bitselect(b1, b0, t); i0 = v128.bitselect(i1, i0, t);
  b1 = i32x4.shuffle(b0, b0, 2, 3, 0, 1); i1 = i32x4.shuffle(i0, i0, 2, 3, 0, 1);
  t = takeMask(isMin, isInt, b1, i1, b0, i0);
  b0 = v128.bitselect(b1, b0, t); i0 = v128.bitselect(i1, i0, t);
  b1 = i32x4.shuffle(b0, b0, 1, 0, 3, 2); i1 = i32x4.shuffle(i0, i0, 1, 0, 3, 2);
  t = takeMask(isMin, isInt, b1, i1, b0, i0);
  b0 = v128.bitselect(b1, b0, t); i0 = v128.bitselect(i1, i0, t);
  if (outVal) store<i32>(outVal, i32x4.extract_lane(b0, 0));
  store<i32>(outIdx, i32x4.extract_lane(i0, 0));
}

@inline function argReduce(isMin: bool, isInt: bool, x: usize, outVal: usize, outIdx: usize,
  outer: i32, r: i32, inner: i32, start: i32, end: i32): void {
  const chunks = chunkCount(r), nb = colBlocks(inner, COLS);
  for (let item = start; item < end; item++) {
    const oc = item / nb, jb = item - oc * nb, o = oc / chunks;
    const r0 = chunkRow0(oc, o, chunks), rows = imin(CHUNK, r - r0);
    if (inner == 1) {
      const row = x + (<usize>o * r << 2);
      argRun(isMin, isInt, row + (<usize>r0 << 2), rows, r0, v128.load32_splat(row),
        outVal ? outVal + (<usize>oc << 2) : 0, outIdx + (<usize>oc << 2));
      continue;
    }
    const j0 = jb * COLS, w = imin(COLS, inner - j0);
    const stride = <usize>inner << 2;
    const first = x + ((<usize>o * r * inner + j0) << 2);
    const off = (<usize>oc * inner + j0) << 2;
    for (let k = 0; k < w; k += 4) {
      const wk = imin(4, w - k);
      const q = first + (<usize>k << 2) + <usize>r0 * stride;
      let b = loadFill(first + (<usize>k << 2), wk, worst(isMin, isInt));
      let bi = i32x4.splat(0);
      for (let rr = 0; rr < rows; rr++) {
        const v = loadFill(q + <usize>rr * stride, wk, worst(isMin, isInt));
        const m = better(isMin, isInt, v, b);
        b = v128.bitselect(v, b, m);
        bi = v128.bitselect(i32x4.splat(r0 + rr), bi, m);
      }
      if (outVal) storePartial(outVal + off + (<usize>k << 2), b, wk);
      storePartial(outIdx + off + (<usize>k << 2), bi, wk);
    }
  }
}

// Chunk winners (values at pv, indices at pi; [outer, chunks, inner]) -> indices [outer, inner].
// Range items: outer * ceil(inner/4).
@inline function argMerge(isMin: bool, isInt: bool, pv: usize, pi: usize, out: usize,
  outer: i32, chunks: i32, inner: i32, start: i32, end: i32): void {
  const nb = (inner + 3) >> 2;
  const stride = <usize>inner << 2;
  for (let item = start; item < end; item++) {
    const o = item / nb, j0 = (item - o * nb) << 2, w = imin(4, inner - j0);
    const base = (<usize>o * chunks * inner + j0) << 2;
    let b = loadFill(pv + base, w, worst(isMin, isInt));
    let bi = loadFill(pi + base, w, i32x4.splat(0));
    for (let c = 1; c < chunks; c++) {
      const v = loadFill(pv + base + <usize>c * stride, w, worst(isMin, isInt));
      const vi = loadFill(pi + base + <usize>c * stride, w, i32x4.splat(0));
      const m = takeMask(isMin, isInt, v, vi, b, bi);
      b = v128.bitselect(v, b, m);
      bi = v128.bitselect(vi, bi, m);
    }
    storePartial(out + ((<usize>o * inner + j0) << 2), bi, w);
  }
}

/**
 * The arg-reduce kernels, one generic over the value type T (f32 or i32), the
 * direction and the stage (exported instances: reduce_kernels.ts, generated).
 * Stage 1, argmax_<T>(x, outVal, outIdx, outer, r, inner, start, end): per
 * chunk of x [outer, r, inner] the index (int32, along r) of the first maximum
 * (minimum) at outIdx, and (when outVal != 0) its value at outVal. Stage 2,
 * argmax_merge_<T>(pv, pi, out, outer, chunks, inner, start, end): merges the
 * chunk winners into the final indices.
 */
@inline export function argKernel<T>(isMin: bool, merge: bool, p0: usize, p1: usize, p2: usize,
  outer: i32, n: i32, inner: i32, start: i32, end: i32): void {
  const isInt = isInteger<T>();
  if (merge) argMerge(isMin, isInt, p0, p1, p2, outer, n, inner, start, end);
  else argReduce(isMin, isInt, p0, p1, p2, outer, n, inner, start, end);
}
