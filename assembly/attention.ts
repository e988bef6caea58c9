// Fused scaled dot-product attention (Keras 3's dot_product_attention layout:
// q [B, T, H, D], k and v [B, S, H, D]) for the decoder blocks, forward and
// backward, without the [B, H, T, S] score tensor the composed ops build.
//
// Work goes in tiles of 4 query rows of one head. The tile's scores against
// the keys it may see sit in a per-thread scratch laid out key-major — for key
// j the vector [s_0j, s_1j, s_2j, s_3j] of the 4 rows — so the softmax of the
// 4 rows is one lane-wise pass (a row per lane, its own causal limit a lane
// mask), and the products with the value / key rows take a row's weight by a
// lane shuffle of one load instead of a scalar load per row. The whole key
// range of one head is held, not a [T, S] matrix: at the sizes these models run
// the key and value rows of one head stay in cache; FlashAttention (Dao et al.
// 2022) tiles keys too for the long sequences where they do not.
//
// Register budget: x64 gives wasm 16 vector registers, so every inner loop
// keeps at most 8 accumulators (4 rows x 2 keys for the scores, 4 rows x 8
// columns for the products); 16 accumulators spilled and ran slower.
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

// [Σa0, Σa1, Σa2, Σa3]: four horizontal sums in one vector.
@inline function hsum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const s01 = f32x4.add(i32x4.shuffle(a0, a1, 0, 4, 1, 5), i32x4.shuffle(a0, a1, 2, 6, 3, 7));
  const s23 = f32x4.add(i32x4.shuffle(a2, a3, 0, 4, 1, 5), i32x4.shuffle(a2, a3, 2, 6, 3, 7));
  return f32x4.add(i32x4.shuffle(s01, s23, 0, 1, 4, 5), i32x4.shuffle(s01, s23, 2, 3, 6, 7));
}

// Σ_e a[e]·b[e] over the D % 4 tail e = from..d.
@inline function tailDot(a: usize, b: usize, from: i32, d: i32): f32 {
  let t: f32 = 0;
  for (let e = from; e < d; e++) t += load<f32>(a + (<usize>e << 2)) * load<f32>(b + (<usize>e << 2));
  return t;
}

// out[j] = scale·[a0·b_j, a1·b_j, a2·b_j, a3·b_j] for keys j < n (b_j = b + j·bStride):
// the 4 rows' scores, key-major, 2 keys at a time.
function scores4(a0: usize, a1: usize, a2: usize, a3: usize, b: usize, bStride: usize, d: i32, scale: f32, out: usize, n: i32): void {
  const sv = f32x4.splat(scale);
  const z = f32x4.splat(0);
  const d4 = d & ~3;
  for (let j = 0; j < n; j += 2) {
    const bj = b + <usize>j * bStride;
    // An odd last key pairs with itself (computed twice, stored once).
    const bk = j + 1 < n ? bj + bStride : bj;
    let c00 = z, c10 = z, c20 = z, c30 = z, c01 = z, c11 = z, c21 = z, c31 = z;
    for (let i = 0; i < d4; i += 4) {
      const o = <usize>i << 2;
      const k0 = v128.load(bj + o), k1 = v128.load(bk + o);
      let x = v128.load(a0 + o);
      c00 = madd(x, k0, c00);
      c01 = madd(x, k1, c01);
      x = v128.load(a1 + o);
      c10 = madd(x, k0, c10);
      c11 = madd(x, k1, c11);
      x = v128.load(a2 + o);
      c20 = madd(x, k0, c20);
      c21 = madd(x, k1, c21);
      x = v128.load(a3 + o);
      c30 = madd(x, k0, c30);
      c31 = madd(x, k1, c31);
    }
    let s0 = hsum4(c00, c10, c20, c30), s1 = hsum4(c01, c11, c21, c31);
    if (d4 < d) {
      s0 = f32x4.add(s0, f32x4(tailDot(a0, bj, d4, d), tailDot(a1, bj, d4, d), tailDot(a2, bj, d4, d), tailDot(a3, bj, d4, d)));
      s1 = f32x4.add(s1, f32x4(tailDot(a0, bk, d4, d), tailDot(a1, bk, d4, d), tailDot(a2, bk, d4, d), tailDot(a3, bk, d4, d)));
    }
    v128.store(out + (<usize>j << 4), f32x4.mul(s0, sv));
    if (j + 1 < n) v128.store(out + (<usize>(j + 1) << 4), f32x4.mul(s1, sv));
  }
}

// Lane i of w's key-major vectors, splatted.
@inline function lane(w: v128, i: i32): v128 {
  return i === 0 ? i32x4.shuffle(w, w, 0, 0, 0, 0) : i === 1 ? i32x4.shuffle(w, w, 1, 1, 1, 1) : i === 2 ? i32x4.shuffle(w, w, 2, 2, 2, 2) : i32x4.shuffle(w, w, 3, 3, 3, 3);
}

// y + Σ_i w_i·x_i over the 4 rows' lanes of one key-major vector w, added in
// row order (the order every caller's sums are defined in).
@inline function addRows(y: v128, w: v128, x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  return madd(lane(w, 3), x3, madd(lane(w, 2), x2, madd(lane(w, 1), x1, madd(lane(w, 0), x0, y))));
}

// The tile's rows that exist (i < rows) at p + i·stride: vector v_i, or lane i of one vector.
@inline function storeRows(p: usize, stride: usize, rows: i32, v0: v128, v1: v128, v2: v128, v3: v128): void {
  v128.store(p, v0);
  if (rows > 1) v128.store(p + stride, v1);
  if (rows > 2) v128.store(p + 2 * stride, v2);
  if (rows > 3) v128.store(p + 3 * stride, v3);
}
@inline function storeLanes(p: usize, stride: usize, rows: i32, v: v128): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (rows > 1) store<f32>(p + stride, f32x4.extract_lane(v, 1));
  if (rows > 2) store<f32>(p + 2 * stride, f32x4.extract_lane(v, 2));
  if (rows > 3) store<f32>(p + 3 * stride, f32x4.extract_lane(v, 3));
}

// Row i (of `rows`) of y (rows yStride apart) = r_i·Σ_{j<n} w[j]_i·x_j, with w key-major
// and x_j = x + j·xStride, over D floats in chunks of 8, then 4, then one.
function mix4(y: usize, yStride: usize, rows: i32, r: v128, w: usize, x: usize, xStride: usize, n: i32, d: i32): void {
  const z = f32x4.splat(0);
  let c = 0;
  for (; c + 8 <= d; c += 8) {
    const o = <usize>c << 2;
    let a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
    for (let j = 0; j < n; j++) {
      const wj = v128.load(w + (<usize>j << 4));
      const xj = x + <usize>j * xStride + o;
      const xa = v128.load(xj), xb = v128.load(xj + 16);
      let s = lane(wj, 0);
      a0 = madd(s, xa, a0);
      b0 = madd(s, xb, b0);
      s = lane(wj, 1);
      a1 = madd(s, xa, a1);
      b1 = madd(s, xb, b1);
      s = lane(wj, 2);
      a2 = madd(s, xa, a2);
      b2 = madd(s, xb, b2);
      s = lane(wj, 3);
      a3 = madd(s, xa, a3);
      b3 = madd(s, xb, b3);
    }
    const p = y + o;
    storeRows(p, yStride, rows, f32x4.mul(a0, lane(r, 0)), f32x4.mul(a1, lane(r, 1)), f32x4.mul(a2, lane(r, 2)), f32x4.mul(a3, lane(r, 3)));
    storeRows(p + 16, yStride, rows, f32x4.mul(b0, lane(r, 0)), f32x4.mul(b1, lane(r, 1)), f32x4.mul(b2, lane(r, 2)), f32x4.mul(b3, lane(r, 3)));
  }
  for (; c + 4 <= d; c += 4) {
    const o = <usize>c << 2;
    let a0 = z, a1 = z, a2 = z, a3 = z;
    for (let j = 0; j < n; j++) {
      const wj = v128.load(w + (<usize>j << 4));
      const xa = v128.load(x + <usize>j * xStride + o);
      a0 = madd(lane(wj, 0), xa, a0);
      a1 = madd(lane(wj, 1), xa, a1);
      a2 = madd(lane(wj, 2), xa, a2);
      a3 = madd(lane(wj, 3), xa, a3);
    }
    storeRows(y + o, yStride, rows, f32x4.mul(a0, lane(r, 0)), f32x4.mul(a1, lane(r, 1)), f32x4.mul(a2, lane(r, 2)), f32x4.mul(a3, lane(r, 3)));
  }
  for (; c < d; c++) {
    // One column: the 4 rows in the lanes of one accumulator.
    let a = z;
    for (let j = 0; j < n; j++) a = madd(v128.load(w + (<usize>j << 4)), v128.load32_splat(x + <usize>j * xStride + (<usize>c << 2)), a);
    storeLanes(y + (<usize>c << 2), yStride, rows, f32x4.mul(a, r));
  }
}

// y_j += Σ_i w[j]_i·x_i for keys j < n (y_j = y + j·yStride), x the 4 rows, w key-major;
// the 4 rows' columns c..c+7 stay in registers while the keys stream past.
function spread4(y: usize, yStride: usize, w: usize, x0: usize, x1: usize, x2: usize, x3: usize, n: i32, d: i32): void {
  let c = 0;
  for (; c + 8 <= d; c += 8) {
    const o = <usize>c << 2;
    const p0 = v128.load(x0 + o), q0 = v128.load(x0 + o + 16), p1 = v128.load(x1 + o), q1 = v128.load(x1 + o + 16);
    const p2 = v128.load(x2 + o), q2 = v128.load(x2 + o + 16), p3 = v128.load(x3 + o), q3 = v128.load(x3 + o + 16);
    for (let j = 0; j < n; j++) {
      const wj = v128.load(w + (<usize>j << 4));
      const yj = y + <usize>j * yStride + o;
      const ya = addRows(v128.load(yj), wj, p0, p1, p2, p3), yb = addRows(v128.load(yj + 16), wj, q0, q1, q2, q3);
      v128.store(yj, ya);
      v128.store(yj + 16, yb);
    }
  }
  for (; c + 4 <= d; c += 4) {
    const o = <usize>c << 2;
    const p0 = v128.load(x0 + o), p1 = v128.load(x1 + o), p2 = v128.load(x2 + o), p3 = v128.load(x3 + o);
    for (let j = 0; j < n; j++) {
      const wj = v128.load(w + (<usize>j << 4));
      const yj = y + <usize>j * yStride + o;
      v128.store(yj, addRows(v128.load(yj), wj, p0, p1, p2, p3));
    }
  }
  for (; c < d; c++) {
    const o = <usize>c << 2;
    const xc = f32x4(load<f32>(x0 + o), load<f32>(x1 + o), load<f32>(x2 + o), load<f32>(x3 + o));
    for (let j = 0; j < n; j++) {
      const m = f32x4.mul(v128.load(w + (<usize>j << 4)), xc);
      const yj = y + <usize>j * yStride + o;
      store<f32>(yj, load<f32>(yj) + (f32x4.extract_lane(m, 0) + f32x4.extract_lane(m, 1) + f32x4.extract_lane(m, 2) + f32x4.extract_lane(m, 3)));
    }
  }
}

// Keys query row t (of T, against S keys) may see.
@inline function visible(t: i32, T: i32, S: i32, causal: i32): i32 {
  if (!causal) return S;
  const n = S - T + t + 1;
  return n < 0 ? 0 : imin(n, S);
}

// The 4 rows' visible key counts from row t0 (0 for rows past `rows`).
@inline function limits(t0: i32, rows: i32, T: i32, S: i32, causal: i32): v128 {
  return i32x4(
    visible(t0, T, S, causal),
    rows > 1 ? visible(t0 + 1, T, S, causal) : 0,
    rows > 2 ? visible(t0 + 2, T, S, causal) : 0,
    rows > 3 ? visible(t0 + 3, T, S, causal) : 0,
  );
}

// Key-major scores p[j] for j < n → exp(s - m) per lane (m each row's max, or
// the given lse), zero where key j is past the row's limit; returns the
// lane-wise sums, the maxes in `maxOut`.
@inline function expTile(p: usize, n: i32, lim: v128, m0: v128, useLse: bool, maxOut: usize): v128 {
  let m = m0;
  const ninf = f32x4.splat(-Infinity);
  if (!useLse) {
    m = ninf;
    for (let j = 0; j < n; j++) m = f32x4.max(m, v128.bitselect(v128.load(p + (<usize>j << 4)), ninf, i32x4.lt_s(i32x4.splat(j), lim)));
  }
  v128.store(maxOut, m);
  const zero = f32x4.splat(0);
  let sum = zero;
  for (let j = 0; j < n; j++) {
    const a = p + (<usize>j << 4);
    const e = expNonPositive(f32x4.min(f32x4.sub(v128.load(a), m), zero));
    const kept = v128.and(e, i32x4.lt_s(i32x4.splat(j), lim));
    v128.store(a, kept);
    sum = f32x4.add(sum, kept);
  }
  return sum;
}

// Gathers lane i from p + i·stride (rows past `rows` repeat row 0).
@inline function gather4(p: usize, stride: usize, rows: i32): v128 {
  const v0 = load<f32>(p);
  return f32x4(v0, rows > 1 ? load<f32>(p + stride) : v0, rows > 2 ? load<f32>(p + 2 * stride) : v0, rows > 3 ? load<f32>(p + 3 * stride) : v0);
}

/**
 * o = softmax(scale·q·kᵀ [+ causal mask])·v and lse = the rows' log-sum-exp
 * ([B, T, H]). A row that sees no key gets o = 0 and lse = -inf.
 * scratch: 16·S + 16 bytes. Range items: tiles of 4 query rows, it = (b·H + h)·⌈T/4⌉ + t/4.
 */
export function attention_f32(q: usize, k: usize, v: usize, o: usize, lse: usize, T: i32, S: i32, H: i32, D: i32,
  scale: f32, causal: i32, scratch: usize, start: i32, end: i32): void {
  const rowK = <usize>H * D << 2; // bytes between consecutive positions of one head
  const tiles = (T + 3) >> 2;
  const P = scratch, maxes = scratch + (<usize>S << 4);
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
    const lim = limits(t0, rows, T, S, causal);
    scores4(q0, q1, q2, q3, kb, rowK, D, scale, P, width);
    const sum = expTile(P, width, lim, f32x4.splat(0), false, maxes);
    const seen = i32x4.gt_s(lim, i32x4.splat(0));
    // 1/sum scales the value product's rows as they are stored.
    const r = v128.and(f32x4.div(f32x4.splat(1), sum), seen);
    const l = v128.bitselect(f32x4.add(v128.load(maxes), logv(sum)), f32x4.splat(-Infinity), seen);
    storeLanes(lse + ((<usize>(b * T + t0) * H + h) << 2), <usize>H << 2, rows, l);
    mix4(o + qOff, rowK, rows, r, P, vb, rowK, width, D);
  }
}

/**
 * Gradients of attention_f32 from do (its output gradient), o and lse:
 * dq [B, T, H, D], dk and dv [B, S, H, D] (all overwritten).
 * scratch: 32·S + 16 bytes. Range items: (batch, head) pairs bh = b·H + h.
 */
export function attention_grad_f32(q: usize, k: usize, v: usize, o: usize, lse: usize, dout: usize,
  dq: usize, dk: usize, dv: usize, T: i32, S: i32, H: i32, D: i32, scale: f32, causal: i32, scratch: usize,
  start: i32, end: i32): void {
  const rowK = <usize>H * D << 2;
  const P = scratch, DS = scratch + (<usize>S << 4), dump = DS + (<usize>S << 4);
  const ones = f32x4.splat(1), sv = f32x4.splat(scale);
  for (let bh = start; bh < end; bh++) {
    const b = bh / H, h = bh % H;
    const kOff = (<usize>b * S * H + h) * D << 2, qBase = (<usize>b * T * H + h) * D << 2;
    for (let j = 0; j < S; j++) {
      memory.fill(dk + kOff + <usize>j * rowK, 0, <usize>D << 2);
      memory.fill(dv + kOff + <usize>j * rowK, 0, <usize>D << 2);
    }
    for (let t0 = 0; t0 < T; t0 += 4) {
      const rows = imin(4, T - t0);
      const at = qBase + <usize>t0 * rowK;
      const r1 = rowK * <usize>imin(1, rows - 1), r2 = rowK * <usize>imin(2, rows - 1), r3 = rowK * <usize>imin(3, rows - 1);
      const q0 = q + at, do0 = dout + at, oo = o + at;
      const width = visible(t0 + rows - 1, T, S, causal);
      const lim = limits(t0, rows, T, S, causal);
      // P = exp(scale·q·kᵀ - lse), zero past each row's keys and for rows past T.
      scores4(q0, q0 + r1, q0 + r2, q0 + r3, k + kOff, rowK, D, scale, P, width);
      const l = gather4(lse + ((<usize>(b * T + t0) * H + h) << 2), <usize>H << 2, rows);
      expTile(P, width, lim, l, true, dump);
      // DP = do·vᵀ, then DS = P·(DP - rowsum(do·o))·scale.
      scores4(do0, do0 + r1, do0 + r2, do0 + r3, v + kOff, rowK, D, 1, DS, width);
      const zero = f32x4.splat(0);
      let d0 = zero, d1 = zero, d2 = zero, d3 = zero;
      let c = 0;
      for (; c + 4 <= D; c += 4) {
        const e = <usize>c << 2;
        d0 = madd(v128.load(do0 + e), v128.load(oo + e), d0);
        d1 = madd(v128.load(do0 + r1 + e), v128.load(oo + r1 + e), d1);
        d2 = madd(v128.load(do0 + r2 + e), v128.load(oo + r2 + e), d2);
        d3 = madd(v128.load(do0 + r3 + e), v128.load(oo + r3 + e), d3);
      }
      let delta = hsum4(d0, d1, d2, d3);
      if (c < D) delta = f32x4.add(delta, f32x4(tailDot(do0, oo, c, D), tailDot(do0 + r1, oo + r1, c, D), tailDot(do0 + r2, oo + r2, c, D), tailDot(do0 + r3, oo + r3, c, D)));
      for (let j = 0; j < width; j++) {
        const a = <usize>j << 4;
        v128.store(DS + a, f32x4.mul(f32x4.mul(v128.load(P + a), f32x4.sub(v128.load(DS + a), delta)), sv));
      }
      spread4(dv + kOff, rowK, P, do0, do0 + r1, do0 + r2, do0 + r3, width, D);
      spread4(dk + kOff, rowK, DS, q0, q0 + r1, q0 + r2, q0 + r3, width, D);
      mix4(dq + at, rowK, rows, ones, DS, k + kOff, rowK, width, D);
    }
  }
}
