// Softmax family along the last axis of [rows, n] (one row per range item),
// the backward kernels, fused softmax cross-entropy, and logSumExp over an
// axis (which shares the max / sum-of-exp / log steps).
//
// Every row goes max -> sum of exp(x - max) -> output, as tfjs does; tails
// use the same v128 code on partial vectors, with dead lanes masked out of
// sums, so a row's result never depends on which thread ran it.
import { imin, storePartial } from './common';
import { expNonPositive, expv } from './math';
import { CHUNK, COLS, F_SUM, horizontal, loadFill } from './reduce';

// log: x = 2^k * m with m in [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(s) with
// s = (m-1)/(m+1), from an even polynomial in s (the classic single-precision
// split, error below 1 ulp), plus k*ln2 in two parts. Subnormal inputs are
// scaled by 2^23 first; 0 -> -inf, negative or NaN -> NaN, +inf -> +inf.
@inline export function logv(x: v128): v128 {
  const sub = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const y = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, sub);
  let ix = i32x4.add(y, i32x4.splat(0x3f800000 - 0x3f3504f3));
  const k = i32x4.sub(i32x4.sub(i32x4.shr_s(ix, 23), i32x4.splat(0x7f)), v128.and(sub, i32x4.splat(23)));
  ix = i32x4.add(v128.and(ix, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3));
  const f = f32x4.sub(ix, f32x4.splat(1));
  const s = f32x4.div(f, f32x4.add(f32x4.splat(2), f));
  const z = f32x4.mul(s, s), w = f32x4.mul(z, z);
  const t1 = f32x4.mul(w, f32x4.add(f32x4.splat(0.40000972152), f32x4.mul(w, f32x4.splat(0.24279078841))));
  const t2 = f32x4.mul(z, f32x4.add(f32x4.splat(0.66666662693), f32x4.mul(w, f32x4.splat(0.28498786688))));
  const hfsq = f32x4.mul(f32x4.mul(f32x4.splat(0.5), f), f);
  const dk = f32x4.convert_i32x4_s(k);
  let r = f32x4.mul(s, f32x4.add(hfsq, f32x4.add(t2, t1)));
  r = f32x4.add(r, f32x4.mul(dk, f32x4.splat(9.0580006145e-06)));
  r = f32x4.add(f32x4.sub(r, hfsq), f);
  r = f32x4.add(r, f32x4.mul(dk, f32x4.splat(6.9313812256e-01)));
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(r, f32x4.splat(NaN), f32x4.ge(x, f32x4.splat(0)));
  return v128.bitselect(x, r, f32x4.eq(x, f32x4.splat(Infinity)));
}

/** All-ones in the first n lanes (n clamped to 0..4). */
@inline function laneMask(n: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n));
}

// The row maximum with pmax (one instruction; NaN-propagating max is several):
// a NaN it skips still reaches every output through x - max, as in tfjs.
@inline function rowMax(p: usize, n: i32): v128 {
  const lo = f32x4.splat(-Infinity);
  let a0 = lo, a1 = lo, a2 = lo, a3 = lo;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const q = p + (<usize>j << 2);
    a0 = f32x4.pmax(a0, v128.load(q));
    a1 = f32x4.pmax(a1, v128.load(q, 16));
    a2 = f32x4.pmax(a2, v128.load(q, 32));
    a3 = f32x4.pmax(a3, v128.load(q, 48));
  }
  for (; j < n; j += 4) a0 = f32x4.pmax(a0, loadFill(p + (<usize>j << 2), n - j, lo));
  let m = f32x4.pmax(f32x4.pmax(a0, a1), f32x4.pmax(a2, a3));
  m = f32x4.pmax(m, i32x4.shuffle(m, m, 2, 3, 0, 1));
  m = f32x4.pmax(m, i32x4.shuffle(m, m, 1, 0, 3, 2));
  return m;
}

// sum of exp(x - m) over a row (m splatted), optionally storing each exp at e.
@inline function sumExp(p: usize, n: i32, m: v128, e: usize): v128 {
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const q = p + (<usize>j << 2);
    const e0 = expNonPositive(f32x4.sub(v128.load(q), m)), e1 = expNonPositive(f32x4.sub(v128.load(q, 16), m));
    const e2 = expNonPositive(f32x4.sub(v128.load(q, 32), m)), e3 = expNonPositive(f32x4.sub(v128.load(q, 48), m));
    if (e) {
      const d = e + (<usize>j << 2);
      v128.store(d, e0); v128.store(d, e1, 16); v128.store(d, e2, 32); v128.store(d, e3, 48);
    }
    s0 = f32x4.add(s0, e0);
    s1 = f32x4.add(s1, e1);
    s2 = f32x4.add(s2, e2);
    s3 = f32x4.add(s3, e3);
  }
  s0 = f32x4.add(s0, s2);
  s1 = f32x4.add(s1, s3);
  for (; j < n; j += 4) {
    const w = imin(4, n - j);
    const v = v128.and(expNonPositive(f32x4.sub(loadFill(p + (<usize>j << 2), w, m), m)), laneMask(w));
    if (e) storePartial(e + (<usize>j << 2), v, w);
    s0 = f32x4.add(s0, v);
  }
  return f32x4.splat(f32x4.extract_lane(horizontal(F_SUM, f32x4.add(s0, s1)), 0));
}

// sum of a*b (b = 0 address: sum of a) over a row, splatted.
@inline function sumProd(a: usize, b: usize, n: i32): v128 {
  let s0 = f32x4.splat(0), s1 = s0;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const o = <usize>j << 2;
    let v0 = v128.load(a + o), v1 = v128.load(a + o, 16);
    if (b) { v0 = f32x4.mul(v0, v128.load(b + o)); v1 = f32x4.mul(v1, v128.load(b + o, 16)); }
    s0 = f32x4.add(s0, v0);
    s1 = f32x4.add(s1, v1);
  }
  for (; j < n; j += 4) {
    const w = imin(4, n - j), o = <usize>j << 2;
    let v = loadFill(a + o, w, f32x4.splat(0));
    if (b) v = f32x4.mul(v, loadFill(b + o, w, f32x4.splat(0)));
    s0 = f32x4.add(s0, v);
  }
  return f32x4.splat(f32x4.extract_lane(horizontal(F_SUM, f32x4.add(s0, s1)), 0));
}

// Row loops below run whole vectors, then one partial vector through the
// same arithmetic (loadFill / storePartial), so values never depend on position.

/**
 * y = exp(x - max) / sum(exp(x - max)) per row of x [rows, n], the division
 * done as a product with 1/sum (within an ulp of tfjs's division).
 * Range items: rows.
 */
export function softmax_f32(x: usize, y: usize, n: i32, start: i32, end: i32): void {
  for (let row = start; row < end; row++) {
    const off = <usize>row * n << 2;
    const yr = y + off;
    const inv = f32x4.div(f32x4.splat(1), sumExp(x + off, n, rowMax(x + off, n), yr));
    let j = 0;
    for (; j + 16 <= n; j += 16) {
      const q = yr + (<usize>j << 2);
      v128.store(q, f32x4.mul(v128.load(q), inv));
      v128.store(q, f32x4.mul(v128.load(q, 16), inv), 16);
      v128.store(q, f32x4.mul(v128.load(q, 32), inv), 32);
      v128.store(q, f32x4.mul(v128.load(q, 48), inv), 48);
    }
    for (; j + 4 <= n; j += 4) {
      const q = yr + (<usize>j << 2);
      v128.store(q, f32x4.mul(v128.load(q), inv));
    }
    if (j < n) {
      const q = yr + (<usize>j << 2), w = n - j;
      storePartial(q, f32x4.mul(loadFill(q, w, inv), inv), w);
    }
  }
}

/** y = (x - max) - log(sum(exp(x - max))) per row. Range items: rows. */
export function log_softmax_f32(x: usize, y: usize, n: i32, start: i32, end: i32): void {
  for (let row = start; row < end; row++) {
    const off = <usize>row * n << 2;
    const m = rowMax(x + off, n);
    const ls = logv(sumExp(x + off, n, m, 0));
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = off + (<usize>j << 2);
      v128.store(y + o, f32x4.sub(f32x4.sub(v128.load(x + o), m), ls));
    }
    if (j < n) {
      const o = off + (<usize>j << 2), w = n - j;
      storePartial(y + o, f32x4.sub(f32x4.sub(loadFill(x + o, w, m), m), ls), w);
    }
  }
}

/** Softmax backward: dx = y * (dy - sum(dy * y)) per row. Range items: rows. */
export function softmax_grad_f32(y: usize, dy: usize, dx: usize, n: i32, start: i32, end: i32): void {
  const z = f32x4.splat(0);
  for (let row = start; row < end; row++) {
    const off = <usize>row * n << 2;
    const s = sumProd(dy + off, y + off, n);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = off + (<usize>j << 2);
      v128.store(dx + o, f32x4.mul(v128.load(y + o), f32x4.sub(v128.load(dy + o), s)));
    }
    if (j < n) {
      const o = off + (<usize>j << 2), w = n - j;
      storePartial(dx + o, f32x4.mul(loadFill(y + o, w, z), f32x4.sub(loadFill(dy + o, w, z), s)), w);
    }
  }
}

/** logSoftmax backward: dx = dy - exp(y) * sum(dy) per row. Range items: rows. */
export function log_softmax_grad_f32(y: usize, dy: usize, dx: usize, n: i32, start: i32, end: i32): void {
  const z = f32x4.splat(0);
  for (let row = start; row < end; row++) {
    const off = <usize>row * n << 2;
    const s = sumProd(dy + off, 0, n);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = off + (<usize>j << 2);
      v128.store(dx + o, f32x4.sub(v128.load(dy + o), f32x4.mul(expv(v128.load(y + o)), s)));
    }
    if (j < n) {
      const o = off + (<usize>j << 2), w = n - j;
      storePartial(dx + o, f32x4.sub(loadFill(dy + o, w, z), f32x4.mul(expv(loadFill(y + o, w, z)), s)), w);
    }
  }
}

// Four logits at j (w of them live; full: all four, loaded whole): adds
// label * (x - lse) to acc and turns the exps stored at dx into
// (exp * inv - label) * scale.
@inline function xentVec(sparse: bool, full: bool, xr: usize, lr: usize, dx: usize, withLoss: bool, j: i32, w: i32,
  id: i32, lse: v128, inv: v128, sc: v128, acc: v128): v128 {
  const o = <usize>j << 2;
  const one = f32x4.splat(1), z = f32x4.splat(0);
  let lab: v128;
  if (sparse) {
    lab = i32x4.eq(i32x4.add(i32x4.splat(j), i32x4(0, 1, 2, 3)), i32x4.splat(id));
    lab = v128.and(full ? lab : v128.and(lab, laneMask(w)), one);
  } else {
    lab = full ? v128.load(lr + o) : loadFill(lr + o, w, z);
  }
  if (withLoss) {
    const xv = full ? v128.load(xr + o) : loadFill(xr + o, w, lse);
    acc = f32x4.add(acc, f32x4.mul(lab, f32x4.sub(xv, lse)));
  }
  if (dx) {
    const q = dx + o;
    const d = f32x4.mul(f32x4.sub(f32x4.mul(full ? v128.load(q) : loadFill(q, w, z), inv), lab), sc);
    if (full) v128.store(q, d);
    else storePartial(q, d, w);
  }
  return acc;
}

// The shared body of both cross-entropies. Dense labels: probabilities at
// `labels`; sparse: int32 class ids at `labels` (an id outside [0, n) is an
// all-zero label row, as tfjs's oneHot makes it).
@inline function xent(sparse: bool, x: usize, labels: usize, loss: usize, dx: usize, n: i32, scale: f32,
  start: i32, end: i32): void {
  const sc = f32x4.splat(scale);
  const one = f32x4.splat(1);
  for (let row = start; row < end; row++) {
    const off = <usize>row * n << 2;
    const xr = x + off;
    const m = rowMax(xr, n);
    const s = sumExp(xr, n, m, dx ? dx + off : 0);
    const lse = f32x4.add(m, logv(s));
    const id = sparse ? load<i32>(labels + (<usize>row << 2)) : 0;
    const inv = f32x4.div(one, s);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      acc = xentVec(sparse, true, xr, labels + off, dx ? dx + off : 0, loss != 0, j, 4, id, lse, inv, sc, acc);
    }
    if (j < n) acc = xentVec(sparse, false, xr, labels + off, dx ? dx + off : 0, loss != 0, j, n - j, id, lse, inv, sc, acc);
    if (loss) store<f32>(loss + (<usize>row << 2), -f32x4.extract_lane(horizontal(F_SUM, acc), 0));
  }
}

/**
 * Softmax cross-entropy with dense labels, per row of logits [rows, n]:
 * loss[row] = -sum(labels * logSoftmax(logits)), and (dlogits != 0)
 * dlogits = (softmax(logits) - labels) * scale. loss = 0 skips the loss.
 * Range items: rows.
 */
export function softmax_xent_f32(logits: usize, labels: usize, loss: usize, dlogits: usize, n: i32, scale: f32,
  start: i32, end: i32): void {
  xent(false, logits, labels, loss, dlogits, n, scale, start, end);
}

/** As softmax_xent_f32 with int32 class ids as labels (one per row). */
export function sparse_softmax_xent_f32(logits: usize, labels: usize, loss: usize, dlogits: usize, n: i32,
  scale: f32, start: i32, end: i32): void {
  xent(true, logits, labels, loss, dlogits, n, scale, start, end);
}

// ---- logSumExp: max + log(sum(exp(x - max))) --------------------------------

// Chunked like the reductions in reduce.ts: each chunk's partial is the pair
// (max, sum of exp(x - max)), merged by logsumexp_merge_f32 with the sums
// rescaled to the overall max.

/**
 * Per chunk of x [outer, r, inner]: with one chunk, out = logSumExp; with more,
 * out gets the chunk maxima and sums (at `sums`) for logsumexp_merge_f32.
 */
export function logsumexp_f32(x: usize, out: usize, sums: usize, outer: i32, r: i32, inner: i32,
  start: i32, end: i32): void {
  const chunks = (r + CHUNK - 1) / CHUNK;
  const nb = inner == 1 ? 1 : (inner + COLS - 1) / COLS;
  const final = chunks == 1;
  for (let item = start; item < end; item++) {
    const oc = item / nb, jb = item - oc * nb;
    const o = oc / chunks, c = oc - o * chunks;
    const r0 = c * CHUNK, rows = imin(CHUNK, r - r0);
    if (inner == 1) {
      const p = x + ((<usize>o * r + r0) << 2);
      const m = rowMax(p, rows);
      const s = sumExp(p, rows, m, 0);
      const dst = out + (<usize>oc << 2);
      if (final) store<f32>(dst, f32x4.extract_lane(f32x4.add(m, logv(s)), 0));
      else {
        store<f32>(dst, f32x4.extract_lane(m, 0));
        store<f32>(sums + (<usize>oc << 2), f32x4.extract_lane(s, 0));
      }
    } else {
      const j0 = jb * COLS, w = imin(COLS, inner - j0);
      const p = x + ((<usize>o * r + r0) * inner + j0 << 2);
      const stride = <usize>inner << 2;
      const off = (<usize>oc * inner + j0) << 2;
      for (let k = 0; k < w; k += 4) {
        const wk = imin(4, w - k);
        const q = p + (<usize>k << 2);
        let m = f32x4.splat(-Infinity);
        for (let rr = 0; rr < rows; rr++) m = f32x4.max(m, loadFill(q + <usize>rr * stride, wk, m));
        let s = f32x4.splat(0);
        for (let rr = 0; rr < rows; rr++) {
          s = f32x4.add(s, expNonPositive(f32x4.sub(loadFill(q + <usize>rr * stride, wk, m), m)));
        }
        const dst = out + off + (<usize>k << 2);
        if (final) storePartial(dst, f32x4.add(m, logv(s)), wk);
        else {
          storePartial(dst, m, wk);
          storePartial(sums + off + (<usize>k << 2), s, wk);
        }
      }
    }
  }
}

/**
 * Merges logsumexp_f32 partials (maxima m, sums s; [outer, chunks, inner])
 * into out [outer, inner]: M + log(sum_c s_c * exp(m_c - M)), M = max_c m_c.
 * Range items: outer * ceil(inner/4).
 */
export function logsumexp_merge_f32(m: usize, s: usize, out: usize, outer: i32, chunks: i32, inner: i32,
  start: i32, end: i32): void {
  const nb = (inner + 3) >> 2;
  for (let item = start; item < end; item++) {
    const o = item / nb, j0 = (item - o * nb) << 2, w = imin(4, inner - j0);
    const base = (<usize>o * chunks * inner + j0) << 2;
    const stride = <usize>inner << 2;
    let mx = f32x4.splat(-Infinity);
    for (let c = 0; c < chunks; c++) mx = f32x4.max(mx, loadFill(m + base + <usize>c * stride, w, mx));
    let sum = f32x4.splat(0);
    for (let c = 0; c < chunks; c++) {
      const mc = loadFill(m + base + <usize>c * stride, w, mx);
      const sc = loadFill(s + base + <usize>c * stride, w, f32x4.splat(0));
      sum = f32x4.add(sum, f32x4.mul(sc, expNonPositive(f32x4.sub(mc, mx))));
    }
    storePartial(out + ((<usize>o * inner + j0) << 2), f32x4.add(mx, logv(sum)), w);
  }
}
