// Sparse matrix-factorisation training: one rating (MF) or one (user,
// positive, negative) triple (BPR) at a time, reading and writing only the
// rows it touches — the user's factor row and bias, the item's (items') rows
// and biases, and for Adam their moment rows and per-row step powers.
//
// Threads: the samples come laid out in blocks ("stratified SGD", Gemulla et
// al. 2011): users and items are split into B groups, and the blocks of one
// kernel call pair every user group with a different item group, so no two
// blocks of a call touch the same row. A call's range is over those blocks;
// each block runs its samples in order. Results are therefore the same bytes
// whatever the split over threads (the wrapper checks the disjointness before
// it calls). This is deterministic parallel SGD, not Hogwild: with the same
// layout the same seed gives the same model at any thread count.
//
// The table (int32 words, addresses in bytes, 0 = absent):
//   0 P (user factors [numUsers, k])     1 Q (item factors [numItems, k])
//   2 user bias [numUsers]               3 item bias [numItems]
//   4 k   5 numUsers   6 numItems
//   7 users (int32 per sample)  8 items (int32 per sample)
//   9 MF: ratings (float32 per sample); BPR: negatives (int32 [positions, negCount])
//   10 order (int32 sample index per position)   11 negCount (BPR)
//   Adam state: 12 mP 13 vP 14 mQ 15 vQ 16 mBu 17 vBu 18 mBi 19 vBi
//   20 user powers [numUsers, 2], 21 item powers [numItems, 2]: beta1^t, beta2^t
//      of the row's own step count t (each row runs Adam over its own updates).
//   BPR context (sgd only; 22 = 0 for none): 22 S (context factors [numItems, k])
//   23 context items (int32 [samples, 24], entries outside [0, numItems) are
//   padding)   24 context length   25 L2 factor of S (float32 bits).
//   BPR item features (sgd only; 26 = 0 for none): 26 F (feature factors
//   [numFeatures, k])   27 feature biases [numFeatures] (0 = none)
//   28 feature offsets (int32 [numItems + 1]: item i's features are
//   ids[offsets[i] .. offsets[i+1]))   29 feature ids (int32)   30 numFeatures
//   31 L2 factor of F (float32 bits)   32 scratch (with features: per block
//   3 rows of k floats, rounded up to whole vectors, for the triple's sides).
// `offsets` holds blocks + 1 int32 positions into `order`; block b runs
// positions [offsets[b], offsets[b+1]). `loss` receives one float64 per block:
// the sum of squared errors (MF) or of -log sigmoid(x_uij) (BPR).
import { loadPartial, madd, storePartial } from './common';
import { expv } from './math';

const SGD: i32 = 0;
const ADAM: i32 = 1;

@inline function word(table: usize, i: i32): i32 {
  return load<i32>(table + (<usize>i << 2));
}

@inline function addr(table: usize, i: i32): usize {
  return <usize>load<i32>(table + (<usize>i << 2));
}

@inline function ld(p: usize, w: i32): v128 {
  return w >= 4 ? v128.load(p) : loadPartial(p, w);
}

@inline function st(p: usize, v: v128, w: i32): void {
  if (w >= 4) v128.store(p, v);
  else storePartial(p, v, w);
}

/** Lane sum in a fixed order: (l0 + l2) + (l1 + l3). */
@inline function hsum(a: v128): f32 {
  const t = f32x4.add(a, i32x4.shuffle(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1);
}

/** a · b over k floats; the tail goes through the same v128 code on a partial vector. */
@inline function dot(a: usize, b: usize, k: i32): f32 {
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
  let f = 0;
  for (; f + 8 <= k; f += 8) {
    const o = <usize>f << 2;
    acc0 = madd(v128.load(a + o), v128.load(b + o), acc0);
    acc1 = madd(v128.load(a + o + 16), v128.load(b + o + 16), acc1);
  }
  for (; f < k; f += 4) {
    const o = <usize>f << 2, w = k - f;
    acc0 = madd(ld(a + o, w), ld(b + o, w), acc0);
  }
  return hsum(f32x4.add(acc0, acc1));
}

/** (a - c) · b: the BPR score difference p · (q_i - q_j). */
@inline function dotDiff(b: usize, a: usize, c: usize, k: i32): f32 {
  let acc = f32x4.splat(0);
  for (let f = 0; f < k; f += 4) {
    const o = <usize>f << 2, w = k - f;
    acc = madd(ld(b + o, w), f32x4.sub(ld(a + o, w), ld(c + o, w)), acc);
  }
  return hsum(acc);
}

@inline function sigmoid(x: f32): f32 {
  return 1 / (1 + f32x4.extract_lane(expv(f32x4.splat(-x)), 0));
}

/** log(1 + e^z), without overflow. */
@inline function softplus(z: f64): f64 {
  return (z > 0 ? z : 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

// Adam on one vector of a row: updates m and v in place, returns the new value.
// The rule is the fused optimizer's (tfjs's): p - lr * mHat / (sqrt(vHat) + eps).
@inline function adamVec(p: v128, g: v128, ma: usize, va: usize, w: i32, b1: v128, ob1: v128, b2: v128, ob2: v128,
  c1: v128, c2: v128, eps: v128, negLr: v128): v128 {
  const m = f32x4.add(f32x4.mul(ld(ma, w), b1), f32x4.mul(g, ob1));
  const v = f32x4.add(f32x4.mul(ld(va, w), b2), f32x4.mul(f32x4.mul(g, g), ob2));
  st(ma, m, w);
  st(va, v, w);
  const step = f32x4.div(f32x4.div(m, c1), f32x4.add(f32x4.sqrt(f32x4.div(v, c2)), eps));
  return f32x4.add(f32x4.mul(step, negLr), p);
}

/** Scalar Adam (biases), same arithmetic as one lane of adamVec. */
@inline function adamScalar(pa: usize, g: f32, ma: usize, va: usize, b1: f32, b2: f32, c1: f32, c2: f32, eps: f32,
  negLr: f32): void {
  const m = load<f32>(ma) * b1 + g * (1 - b1);
  const v = load<f32>(va) * b2 + g * g * (1 - b2);
  store<f32>(ma, m);
  store<f32>(va, v);
  store<f32>(pa, (m / c1) / (Mathf.sqrt(v / c2) + eps) * negLr + load<f32>(pa));
}

/** Advances a row's step powers (beta1^t, beta2^t) at pw; returns the address for the corrections. */
@inline function stepPowers(pw: usize, b1: f32, b2: f32): usize {
  store<f32>(pw, load<f32>(pw) * b1);
  store<f32>(pw, load<f32>(pw, 4) * b2, 4);
  return pw;
}

/** Bias correction 1 - beta1^t (lane 0) or 1 - beta2^t (lane 1) of a row. */
@inline function corr(pw: usize, lane: i32): f32 {
  return <f32>1 - load<f32>(pw + (<usize>lane << 2));
}

// SGD on one vector (w lanes) of p_u and q_i, both from their old values.
@inline function mfSgdVec(pa: usize, qa: usize, w: i32, e: v128, vlr: v128, vreg: v128): void {
  const p = ld(pa, w), q = ld(qa, w);
  st(pa, f32x4.add(p, f32x4.mul(vlr, f32x4.sub(f32x4.mul(e, q), f32x4.mul(vreg, p)))), w);
  st(qa, f32x4.add(q, f32x4.mul(vlr, f32x4.sub(f32x4.mul(e, p), f32x4.mul(vreg, q)))), w);
}

// BPR SGD on one vector of p_u, q_i, q_j at byte offset o.
@inline function bprSgdVec(pu: usize, qi: usize, qj: usize, o: usize, w: i32, vg: v128, vlr: v128, vreg: v128): void {
  const p = ld(pu + o, w), a = ld(qi + o, w), c = ld(qj + o, w);
  const gp = f32x4.mul(vg, p);
  st(pu + o, f32x4.add(p, f32x4.mul(vlr, f32x4.sub(f32x4.mul(vg, f32x4.sub(a, c)), f32x4.mul(vreg, p)))), w);
  st(qi + o, f32x4.add(a, f32x4.mul(vlr, f32x4.sub(gp, f32x4.mul(vreg, a)))), w);
  st(qj + o, f32x4.add(c, f32x4.mul(vlr, f32x4.sub(f32x4.neg(gp), f32x4.mul(vreg, c)))), w);
}

// One rating: err = r - (mu + bu + bi + p·q); then Surprise's SVD update,
//   bu += lrB (err - regB bu), bi likewise,
//   p += lr (err q - reg p), q += lr (err p - reg q)   (both from the old values);
// or, for Adam, those directions as gradients of the rows' own Adam.
@inline function mfSample(rule: i32, table: usize, idx: i32, mu: f32, lr: f32, reg: f32, lrB: f32, regB: f32,
  b1: f32, b2: f32, eps: f32): f64 {
  const k = word(table, 4);
  const u = load<i32>(addr(table, 7) + (<usize>idx << 2));
  const i = load<i32>(addr(table, 8) + (<usize>idx << 2));
  if (u < 0 || u >= word(table, 5) || i < 0 || i >= word(table, 6)) return 0;
  const r = load<f32>(addr(table, 9) + (<usize>idx << 2));
  const rowBytes = <usize>k << 2;
  const pu = addr(table, 0) + <usize>u * rowBytes, qi = addr(table, 1) + <usize>i * rowBytes;
  const buA = addr(table, 2), biA = addr(table, 3);
  const bu = buA ? buA + (<usize>u << 2) : 0, bi = biA ? biA + (<usize>i << 2) : 0;
  let pred = mu + dot(pu, qi, k);
  if (bu) pred += load<f32>(bu);
  if (bi) pred += load<f32>(bi);
  const err = r - pred;
  if (rule == SGD) {
    if (bu) store<f32>(bu, load<f32>(bu) + lrB * (err - regB * load<f32>(bu)));
    if (bi) store<f32>(bi, load<f32>(bi) + lrB * (err - regB * load<f32>(bi)));
    const e = f32x4.splat(err), vlr = f32x4.splat(lr), vreg = f32x4.splat(reg);
    let f = 0;
    for (; f + 4 <= k; f += 4) mfSgdVec(pu + (<usize>f << 2), qi + (<usize>f << 2), 4, e, vlr, vreg);
    if (f < k) mfSgdVec(pu + (<usize>f << 2), qi + (<usize>f << 2), k - f, e, vlr, vreg);
  } else {
    const pwU = stepPowers(addr(table, 20) + (<usize>u << 3), b1, b2);
    const pwI = stepPowers(addr(table, 21) + (<usize>i << 3), b1, b2);
    const cu1 = corr(pwU, 0), cu2 = corr(pwU, 1);
    const ci1 = corr(pwI, 0), ci2 = corr(pwI, 1);
    if (bu) adamScalar(bu, regB * load<f32>(bu) - err, addr(table, 16) + (<usize>u << 2), addr(table, 17) + (<usize>u << 2),
      b1, b2, cu1, cu2, eps, -lrB);
    if (bi) adamScalar(bi, regB * load<f32>(bi) - err, addr(table, 18) + (<usize>i << 2), addr(table, 19) + (<usize>i << 2),
      b1, b2, ci1, ci2, eps, -lrB);
    const e = f32x4.splat(err), vreg = f32x4.splat(reg), negLr = f32x4.splat(-lr);
    const vb1 = f32x4.splat(b1), vob1 = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), vob2 = f32x4.splat(1 - b2);
    const veps = f32x4.splat(eps);
    const mpu = addr(table, 12) + <usize>u * rowBytes, vpu = addr(table, 13) + <usize>u * rowBytes;
    const mqi = addr(table, 14) + <usize>i * rowBytes, vqi = addr(table, 15) + <usize>i * rowBytes;
    const vcu1 = f32x4.splat(cu1), vcu2 = f32x4.splat(cu2), vci1 = f32x4.splat(ci1), vci2 = f32x4.splat(ci2);
    for (let f = 0; f < k; f += 4) {
      const o = <usize>f << 2, w = k - f;
      const p = ld(pu + o, w), q = ld(qi + o, w);
      const gp = f32x4.sub(f32x4.mul(vreg, p), f32x4.mul(e, q));
      const gq = f32x4.sub(f32x4.mul(vreg, q), f32x4.mul(e, p));
      st(pu + o, adamVec(p, gp, mpu + o, vpu + o, w, vb1, vob1, vb2, vob2, vcu1, vcu2, veps, negLr), w);
      st(qi + o, adamVec(q, gq, mqi + o, vqi + o, w, vb1, vob1, vb2, vob2, vci1, vci2, veps, negLr), w);
    }
  }
  return <f64>err * <f64>err;
}

// The sample's context (FPMC-style, Rendle et al. 2010): the user's other items
// l whose context factors s_l, averaged, add to the user's factors:
// x_ui = b_i + (p_u + mean_l s_l) · q_i.

/** Valid entries (in [0, lim)) of list[0..len): a context's items, an item's features (the rest is padding). */
@inline function validCount(list: usize, len: i32, lim: i32): i32 {
  let n = 0;
  for (let t = 0; t < len; t++) {
    const l = load<i32>(list + (<usize>t << 2));
    if (l >= 0 && l < lim) n++;
  }
  return n;
}

/** sum over the valid context items l of S_l · q (q: one row), in context order. */
@inline function ctxDot(S: usize, ctx: usize, cl: i32, numItems: i32, q: usize, k: i32): f32 {
  const rowBytes = <usize>k << 2;
  let s: f32 = 0;
  for (let c = 0; c < cl; c++) {
    const l = load<i32>(ctx + (<usize>c << 2));
    if (l >= 0 && l < numItems) s += dot(S + <usize>l * rowBytes, q, k);
  }
  return s;
}

/** sum over the valid context items l of S_l · (qi - qj). */
@inline function ctxDotDiff(S: usize, ctx: usize, cl: i32, numItems: i32, qi: usize, qj: usize, k: i32): f32 {
  const rowBytes = <usize>k << 2;
  let s: f32 = 0;
  for (let c = 0; c < cl; c++) {
    const l = load<i32>(ctx + (<usize>c << 2));
    if (l >= 0 && l < numItems) s += dotDiff(S + <usize>l * rowBytes, qi, qj, k);
  }
  return s;
}

// BPR SGD with a context on one vector at byte offset o: the user side is
// u = p + w sum_l s_l (old values), so p and every s_l step along g (qi - qj)
// (s_l scaled by w), and qi, qj along +-g u. A context item listed twice is
// stepped twice, as its gradient (it counts twice in the mean) says.
@inline function bprSgdCtxVec(pu: usize, qi: usize, qj: usize, S: usize, ctx: usize, cl: i32, numItems: i32, rowBytes: usize,
  o: usize, w: i32, vg: v128, vlr: v128, vreg: v128, vw: v128, vregC: v128): void {
  const p = ld(pu + o, w), a = ld(qi + o, w), c = ld(qj + o, w);
  let sum = f32x4.splat(0);
  for (let t = 0; t < cl; t++) {
    const l = load<i32>(ctx + (<usize>t << 2));
    if (l >= 0 && l < numItems) sum = f32x4.add(sum, ld(S + <usize>l * rowBytes + o, w));
  }
  const u = f32x4.add(p, f32x4.mul(vw, sum));
  const diff = f32x4.sub(a, c);
  const gd = f32x4.mul(vg, diff), gu = f32x4.mul(vg, u);
  st(pu + o, f32x4.add(p, f32x4.mul(vlr, f32x4.sub(gd, f32x4.mul(vreg, p)))), w);
  const gdw = f32x4.mul(gd, vw);
  for (let t = 0; t < cl; t++) {
    const l = load<i32>(ctx + (<usize>t << 2));
    if (l < 0 || l >= numItems) continue;
    const sa = S + <usize>l * rowBytes + o, sv = ld(sa, w);
    st(sa, f32x4.add(sv, f32x4.mul(vlr, f32x4.sub(gdw, f32x4.mul(vregC, sv)))), w);
  }
  st(qi + o, f32x4.add(a, f32x4.mul(vlr, f32x4.sub(gu, f32x4.mul(vreg, a)))), w);
  st(qj + o, f32x4.add(c, f32x4.mul(vlr, f32x4.sub(f32x4.neg(gu), f32x4.mul(vreg, c)))), w);
}

// One BPR triple (Rendle et al. 2009): x = bi - bj + p·(qi - qj), g = sigmoid(-x);
// ascent on log sigmoid(x) with L2:
//   p += lr (g (qi - qj) - reg p), qi += lr (g p - reg qi), qj += lr (-g p - reg qj),
//   bi += lrB (g - regB bi), bj += lrB (-g - regB bj).
// With several negative candidates the highest-scored one is used (dynamic
// negative sampling, Zhang et al. 2013), first on ties. With a context (table
// word 22), p above stands for p + mean_l s_l and the s_l step with p.
@inline function bprSample(rule: i32, table: usize, pos: i32, idx: i32, lr: f32, reg: f32, lrB: f32, regB: f32,
  b1: f32, b2: f32, eps: f32): f64 {
  const k = word(table, 4), numItems = word(table, 6), negCount = word(table, 11);
  const u = load<i32>(addr(table, 7) + (<usize>idx << 2));
  const i = load<i32>(addr(table, 8) + (<usize>idx << 2));
  if (u < 0 || u >= word(table, 5) || i < 0 || i >= numItems) return 0;
  const rowBytes = <usize>k << 2;
  const pu = addr(table, 0) + <usize>u * rowBytes, Q = addr(table, 1), biA = addr(table, 3);
  const negs = addr(table, 9) + (<usize>pos * negCount << 2);
  // The context, if any (sgd only: the wrapper refuses it with adam).
  const S = addr(table, 22), cl = S ? word(table, 24) : 0;
  const ctx = S ? addr(table, 23) + (<usize>idx * <usize>cl << 2) : 0;
  const nc = S ? validCount(ctx, cl, numItems) : 0;
  const wc: f32 = nc > 0 ? <f32>1 / <f32>nc : 0;
  let j = -1, best: f32 = -Infinity;
  for (let c = 0; c < negCount; c++) {
    const cand = load<i32>(negs + (<usize>c << 2));
    if (cand < 0 || cand >= numItems || cand == i) continue;
    if (negCount == 1) { j = cand; break; }
    const qc = Q + <usize>cand * rowBytes;
    let s = dot(pu, qc, k);
    if (nc > 0) s += wc * ctxDot(S, ctx, cl, numItems, qc, k);
    if (biA) s += load<f32>(biA + (<usize>cand << 2));
    if (j < 0 || s > best) { j = cand; best = s; }
  }
  if (j < 0) return 0;
  const qi = Q + <usize>i * rowBytes, qj = Q + <usize>j * rowBytes;
  const bi = biA ? biA + (<usize>i << 2) : 0, bj = biA ? biA + (<usize>j << 2) : 0;
  let x = dotDiff(pu, qi, qj, k);
  if (nc > 0) x += wc * ctxDotDiff(S, ctx, cl, numItems, qi, qj, k);
  if (biA) x += load<f32>(bi) - load<f32>(bj);
  const g = sigmoid(-x);
  const vg = f32x4.splat(g), vreg = f32x4.splat(reg);
  if (rule == SGD) {
    if (biA) {
      store<f32>(bi, load<f32>(bi) + lrB * (g - regB * load<f32>(bi)));
      store<f32>(bj, load<f32>(bj) + lrB * (-g - regB * load<f32>(bj)));
    }
    const vlr = f32x4.splat(lr);
    if (nc > 0) {
      const vw = f32x4.splat(wc), vregC = f32x4.splat(reinterpret<f32>(word(table, 25)));
      for (let f = 0; f < k; f += 4) bprSgdCtxVec(pu, qi, qj, S, ctx, cl, numItems, rowBytes, <usize>f << 2, k - f, vg, vlr, vreg, vw, vregC);
    } else {
      let f = 0;
      for (; f + 4 <= k; f += 4) bprSgdVec(pu, qi, qj, <usize>f << 2, 4, vg, vlr, vreg);
      if (f < k) bprSgdVec(pu, qi, qj, <usize>f << 2, k - f, vg, vlr, vreg);
    }
  } else {
    const pwU = stepPowers(addr(table, 20) + (<usize>u << 3), b1, b2);
    const pwI = stepPowers(addr(table, 21) + (<usize>i << 3), b1, b2);
    const pwJ = stepPowers(addr(table, 21) + (<usize>j << 3), b1, b2);
    const cu1 = corr(pwU, 0), cu2 = corr(pwU, 1);
    const ci1 = corr(pwI, 0), ci2 = corr(pwI, 1);
    const cj1 = corr(pwJ, 0), cj2 = corr(pwJ, 1);
    if (biA) {
      const mB = addr(table, 18), vB = addr(table, 19);
      adamScalar(bi, regB * load<f32>(bi) - g, mB + (<usize>i << 2), vB + (<usize>i << 2), b1, b2, ci1, ci2, eps, -lrB);
      adamScalar(bj, regB * load<f32>(bj) + g, mB + (<usize>j << 2), vB + (<usize>j << 2), b1, b2, cj1, cj2, eps, -lrB);
    }
    const negLr = f32x4.splat(-lr), veps = f32x4.splat(eps);
    const vb1 = f32x4.splat(b1), vob1 = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), vob2 = f32x4.splat(1 - b2);
    const mpu = addr(table, 12) + <usize>u * rowBytes, vpu = addr(table, 13) + <usize>u * rowBytes;
    const mQ = addr(table, 14), vQ = addr(table, 15);
    const mqi = mQ + <usize>i * rowBytes, vqi = vQ + <usize>i * rowBytes;
    const mqj = mQ + <usize>j * rowBytes, vqj = vQ + <usize>j * rowBytes;
    const vcu1 = f32x4.splat(cu1), vcu2 = f32x4.splat(cu2), vci1 = f32x4.splat(ci1), vci2 = f32x4.splat(ci2);
    const vcj1 = f32x4.splat(cj1), vcj2 = f32x4.splat(cj2);
    for (let f = 0; f < k; f += 4) {
      const o = <usize>f << 2, w = k - f;
      const p = ld(pu + o, w), a = ld(qi + o, w), c = ld(qj + o, w);
      const gp = f32x4.mul(vg, p);
      const gu = f32x4.sub(f32x4.mul(vreg, p), f32x4.mul(vg, f32x4.sub(a, c)));
      const gi = f32x4.sub(f32x4.mul(vreg, a), gp);
      const gj = f32x4.add(f32x4.mul(vreg, c), gp);
      st(pu + o, adamVec(p, gu, mpu + o, vpu + o, w, vb1, vob1, vb2, vob2, vcu1, vcu2, veps, negLr), w);
      st(qi + o, adamVec(a, gi, mqi + o, vqi + o, w, vb1, vob1, vb2, vob2, vci1, vci2, veps, negLr), w);
      st(qj + o, adamVec(c, gj, mqj + o, vqj + o, w, vb1, vob1, vb2, vob2, vcj1, vcj2, veps, negLr), w);
    }
  }
  return softplus(-<f64>x);
}

// Item features (LightFM-style hybrid items, "BPR with item features"): the
// item side is q_i + mean_f F_f over the item's features f, its bias
// b_i + mean_f fb_f. Both sides are built a vector at a time from the old
// values, so the user side may carry a context at the same time.

/** base[o] + vw * sum over the valid rows l of list[0..len) of T[l][o]: a side with its averaged extra rows. */
@inline function sideVec(base: usize, T: usize, list: usize, len: i32, lim: i32, rowBytes: usize, o: usize, w: i32,
  vw: v128): v128 {
  let sum = f32x4.splat(0);
  for (let t = 0; t < len; t++) {
    const l = load<i32>(list + (<usize>t << 2));
    if (l >= 0 && l < lim) sum = f32x4.add(sum, ld(T + <usize>l * rowBytes + o, w));
  }
  return f32x4.add(ld(base + o, w), f32x4.mul(vw, sum));
}

/** Steps every valid row l of list[0..len) of T by lr (grad - reg T_l); a row listed twice steps twice. */
@inline function stepRows(T: usize, list: usize, len: i32, lim: i32, rowBytes: usize, o: usize, w: i32, grad: v128,
  vlr: v128, vreg: v128): void {
  for (let t = 0; t < len; t++) {
    const l = load<i32>(list + (<usize>t << 2));
    if (l < 0 || l >= lim) continue;
    const a = T + <usize>l * rowBytes + o, v = ld(a, w);
    st(a, f32x4.add(v, f32x4.mul(vlr, f32x4.sub(grad, f32x4.mul(vreg, v)))), w);
  }
}

/** b_i + w_i sum of the item's valid feature biases (0 without biases). */
@inline function featBias(biA: usize, fbA: usize, i: i32, fl: usize, fn: i32, nf: i32, wi: f32): f32 {
  let b: f32 = biA ? load<f32>(biA + (<usize>i << 2)) : 0;
  if (fbA) {
    let s: f32 = 0;
    for (let t = 0; t < fn; t++) {
      const f = load<i32>(fl + (<usize>t << 2));
      if (f >= 0 && f < nf) s += load<f32>(fbA + (<usize>f << 2));
    }
    b += wi * s;
  }
  return b;
}

/** Steps the valid feature biases of a list by lrB (gw - regB fb). */
@inline function stepFeatBias(fbA: usize, fl: usize, fn: i32, nf: i32, gw: f32, lrB: f32, regB: f32): void {
  for (let t = 0; t < fn; t++) {
    const f = load<i32>(fl + (<usize>t << 2));
    if (f < 0 || f >= nf) continue;
    const a = fbA + (<usize>f << 2);
    store<f32>(a, load<f32>(a) + lrB * (gw - regB * load<f32>(a)));
  }
}

// One BPR triple with item features (SGD; the wrapper refuses adam): with
// u = p_u + mean_l s_l (context, if any) and q'_i = q_i + w_i sum_f F_f,
// b'_i = b_i + w_i sum_f fb_f (w_i = 1 / the item's feature count),
//   x = b'_i - b'_j + u · (q'_i - q'_j), g = sigmoid(-x);
// then, from the old values, p and each s_l (scaled by w_c) step along
// g (q'_i - q'_j), q_i along g u and each of i's F_f along g u w_i, q_j and
// j's F_f along -g u (w_j); biases likewise. A feature of both i and j steps twice.
@inline function bprSampleFeat(table: usize, pos: i32, idx: i32, lr: f32, reg: f32, lrB: f32, regB: f32, scratch: usize): f64 {
  const k = word(table, 4), numItems = word(table, 6), negCount = word(table, 11);
  const u = load<i32>(addr(table, 7) + (<usize>idx << 2));
  const i = load<i32>(addr(table, 8) + (<usize>idx << 2));
  if (u < 0 || u >= word(table, 5) || i < 0 || i >= numItems) return 0;
  const rowBytes = <usize>k << 2;
  const pu = addr(table, 0) + <usize>u * rowBytes, Q = addr(table, 1), biA = addr(table, 3);
  const negs = addr(table, 9) + (<usize>pos * negCount << 2);
  const S = addr(table, 22), cl = S ? word(table, 24) : 0;
  const ctx = S ? addr(table, 23) + (<usize>idx * <usize>cl << 2) : 0;
  const nc = cl > 0 ? validCount(ctx, cl, numItems) : 0;
  const wc: f32 = nc > 0 ? <f32>1 / <f32>nc : 0;
  const vwc = f32x4.splat(wc);
  const F = addr(table, 26), fbA = addr(table, 27), fOff = addr(table, 28), fIds = addr(table, 29), nf = word(table, 30);
  // The features of the positive, and of a candidate, as (list, length, weight).
  const fo = load<i32>(fOff + (<usize>i << 2));
  const fli = fIds + (<usize>fo << 2), fni = load<i32>(fOff + (<usize>(i + 1) << 2)) - fo;
  const cnI = validCount(fli, fni, nf);
  const wi: f32 = cnI > 0 ? <f32>1 / <f32>cnI : 0;
  // The user side u, built once (its rows change only in the final update, which
  // reads these old values): scratch row 0; the two item sides go in rows 1 and 2.
  const sRow = (<usize>(k + 3) >> 2) << 4;
  const su = scratch, si = scratch + sRow, sj = scratch + 2 * sRow;
  for (let f = 0; f < k; f += 4) {
    const o = <usize>f << 2;
    v128.store(su + o, sideVec(pu, S, ctx, cl, numItems, rowBytes, o, k - f, vwc));
  }
  let j = -1, best: f32 = -Infinity;
  for (let c = 0; c < negCount; c++) {
    const cand = load<i32>(negs + (<usize>c << 2));
    if (cand < 0 || cand >= numItems || cand == i) continue;
    if (negCount == 1) { j = cand; break; }
    const co = load<i32>(fOff + (<usize>cand << 2));
    const flc = fIds + (<usize>co << 2), fnc = load<i32>(fOff + (<usize>(cand + 1) << 2)) - co;
    const cnC = validCount(flc, fnc, nf);
    const wcand: f32 = cnC > 0 ? <f32>1 / <f32>cnC : 0;
    const vwcand = f32x4.splat(wcand), qc = Q + <usize>cand * rowBytes;
    let acc = f32x4.splat(0);
    for (let f = 0; f < k; f += 4) {
      const o = <usize>f << 2, w = k - f;
      acc = madd(ld(su + o, w), sideVec(qc, F, flc, fnc, nf, rowBytes, o, w, vwcand), acc);
    }
    const s = hsum(acc) + featBias(biA, fbA, cand, flc, fnc, nf, wcand);
    if (j < 0 || s > best) { j = cand; best = s; }
  }
  if (j < 0) return 0;
  const jo = load<i32>(fOff + (<usize>j << 2));
  const flj = fIds + (<usize>jo << 2), fnj = load<i32>(fOff + (<usize>(j + 1) << 2)) - jo;
  const cnJ = validCount(flj, fnj, nf);
  const wj: f32 = cnJ > 0 ? <f32>1 / <f32>cnJ : 0;
  const qi = Q + <usize>i * rowBytes, qj = Q + <usize>j * rowBytes;
  const vwi = f32x4.splat(wi), vwj = f32x4.splat(wj);
  let acc = f32x4.splat(0);
  for (let f = 0; f < k; f += 4) {
    const o = <usize>f << 2, w = k - f;
    const a = sideVec(qi, F, fli, fni, nf, rowBytes, o, w, vwi), c = sideVec(qj, F, flj, fnj, nf, rowBytes, o, w, vwj);
    v128.store(si + o, a);
    v128.store(sj + o, c);
    acc = madd(ld(su + o, w), f32x4.sub(a, c), acc);
  }
  const x = hsum(acc) + featBias(biA, fbA, i, fli, fni, nf, wi) - featBias(biA, fbA, j, flj, fnj, nf, wj);
  const g = sigmoid(-x);
  if (biA) {
    const bi = biA + (<usize>i << 2), bj = biA + (<usize>j << 2);
    store<f32>(bi, load<f32>(bi) + lrB * (g - regB * load<f32>(bi)));
    store<f32>(bj, load<f32>(bj) + lrB * (-g - regB * load<f32>(bj)));
  }
  if (fbA) {
    stepFeatBias(fbA, fli, fni, nf, g * wi, lrB, regB);
    stepFeatBias(fbA, flj, fnj, nf, -g * wj, lrB, regB);
  }
  const vg = f32x4.splat(g), vlr = f32x4.splat(lr), vreg = f32x4.splat(reg);
  const vregC = f32x4.splat(reinterpret<f32>(word(table, 25))), vregF = f32x4.splat(reinterpret<f32>(word(table, 31)));
  for (let f = 0; f < k; f += 4) {
    const o = <usize>f << 2, w = k - f;
    const uv = ld(su + o, w), a = ld(si + o, w), c = ld(sj + o, w);
    const gd = f32x4.mul(vg, f32x4.sub(a, c)), gu = f32x4.mul(vg, uv);
    const p = ld(pu + o, w);
    st(pu + o, f32x4.add(p, f32x4.mul(vlr, f32x4.sub(gd, f32x4.mul(vreg, p)))), w);
    if (cl > 0) stepRows(S, ctx, cl, numItems, rowBytes, o, w, f32x4.mul(gd, vwc), vlr, vregC);
    const qa = ld(qi + o, w);
    st(qi + o, f32x4.add(qa, f32x4.mul(vlr, f32x4.sub(gu, f32x4.mul(vreg, qa)))), w);
    const qc = ld(qj + o, w);
    st(qj + o, f32x4.add(qc, f32x4.mul(vlr, f32x4.sub(f32x4.neg(gu), f32x4.mul(vreg, qc)))), w);
    stepRows(F, fli, fni, nf, rowBytes, o, w, f32x4.mul(gu, vwi), vlr, vregF);
    stepRows(F, flj, fnj, nf, rowBytes, o, w, f32x4.neg(f32x4.mul(gu, vwj)), vlr, vregF);
  }
  return softplus(-<f64>x);
}

@inline function mfBlocks(rule: i32, table: usize, offsets: usize, mu: f32, lr: f32, reg: f32, lrB: f32, regB: f32,
  b1: f32, b2: f32, eps: f32, loss: usize, start: i32, end: i32): void {
  const order = addr(table, 10);
  for (let b = start; b < end; b++) {
    const p0 = load<i32>(offsets + (<usize>b << 2)), p1 = load<i32>(offsets + (<usize>(b + 1) << 2));
    let sum: f64 = 0;
    for (let pos = p0; pos < p1; pos++) {
      sum += mfSample(rule, table, load<i32>(order + (<usize>pos << 2)), mu, lr, reg, lrB, regB, b1, b2, eps);
    }
    store<f64>(loss + (<usize>b << 3), sum);
  }
}

@inline function bprBlocks(rule: i32, table: usize, offsets: usize, lr: f32, reg: f32, lrB: f32, regB: f32,
  b1: f32, b2: f32, eps: f32, loss: usize, start: i32, end: i32): void {
  const order = addr(table, 10);
  const feat = rule == SGD && word(table, 26) != 0;
  const scratchRow = <usize>3 * ((<usize>(word(table, 4) + 3) >> 2) << 4);
  for (let b = start; b < end; b++) {
    const p0 = load<i32>(offsets + (<usize>b << 2)), p1 = load<i32>(offsets + (<usize>(b + 1) << 2));
    const scratch = feat ? addr(table, 32) + <usize>b * scratchRow : 0;
    let sum: f64 = 0;
    for (let pos = p0; pos < p1; pos++) {
      const idx = load<i32>(order + (<usize>pos << 2));
      sum += feat
        ? bprSampleFeat(table, pos, idx, lr, reg, lrB, regB, scratch)
        : bprSample(rule, table, pos, idx, lr, reg, lrB, regB, b1, b2, eps);
    }
    store<f64>(loss + (<usize>b << 3), sum);
  }
}

/**
 * Biased MF, plain SGD (Surprise's SVD update) over blocks [start, end) of one
 * stratum. mu: the global mean; lr/reg for factors, lrB/regB for biases.
 * Range items: blocks.
 */
export function mf_sgd_f32(table: usize, offsets: usize, mu: f32, lr: f32, reg: f32, lrB: f32, regB: f32, loss: usize,
  start: i32, end: i32): void {
  mfBlocks(SGD, table, offsets, mu, lr, reg, lrB, regB, 0, 0, 0, loss, start, end);
}

/** Biased MF with sparse per-row Adam (moments and step counts of the touched rows only). Range items: blocks. */
export function mf_adam_f32(table: usize, offsets: usize, mu: f32, lr: f32, reg: f32, lrB: f32, regB: f32,
  beta1: f32, beta2: f32, epsilon: f32, loss: usize, start: i32, end: i32): void {
  mfBlocks(ADAM, table, offsets, mu, lr, reg, lrB, regB, beta1, beta2, epsilon, loss, start, end);
}

/** BPR-MF, plain SGD, over blocks [start, end) of one stratum. Range items: blocks. */
export function bpr_sgd_f32(table: usize, offsets: usize, lr: f32, reg: f32, lrB: f32, regB: f32, loss: usize,
  start: i32, end: i32): void {
  bprBlocks(SGD, table, offsets, lr, reg, lrB, regB, 0, 0, 0, loss, start, end);
}

/** BPR-MF with sparse per-row Adam. Range items: blocks. */
export function bpr_adam_f32(table: usize, offsets: usize, lr: f32, reg: f32, lrB: f32, regB: f32,
  beta1: f32, beta2: f32, epsilon: f32, loss: usize, start: i32, end: i32): void {
  bprBlocks(ADAM, table, offsets, lr, reg, lrB, regB, beta1, beta2, epsilon, loss, start, end);
}

/**
 * out[s] = mu + bu[users[s]] + bi[items[s]] + P[users[s]] · Q[items[s]] for
 * s in [start, end). An id outside [0, numUsers) / [0, numItems) contributes
 * nothing (no bias, no product): the cold-start prediction falls back to the
 * other side's bias and the global mean. bu / bi may be 0 (absent).
 * Range items: samples.
 */
export function mf_predict_f32(P: usize, Q: usize, bu: usize, bi: usize, k: i32, numUsers: i32, numItems: i32,
  users: usize, items: usize, mu: f32, out: usize, start: i32, end: i32): void {
  const rowBytes = <usize>k << 2;
  for (let s = start; s < end; s++) {
    const u = load<i32>(users + (<usize>s << 2)), i = load<i32>(items + (<usize>s << 2));
    const uOk = u >= 0 && u < numUsers, iOk = i >= 0 && i < numItems;
    let v = mu;
    if (uOk && iOk) v += dot(P + <usize>u * rowBytes, Q + <usize>i * rowBytes, k);
    if (uOk && bu) v += load<f32>(bu + (<usize>u << 2));
    if (iOk && bi) v += load<f32>(bi + (<usize>i << 2));
    store<f32>(out + (<usize>s << 2), v);
  }
}
