// BPR-MF on implicit feedback (Rendle et al. 2009): one (user, positive,
// negative) triple at a time, reading and writing only the rows it touches.
// Threads and layout as in mf.ts: a call runs the cells [first + start,
// first + end) of one stratum, whose rows are disjoint.
//
// With a context (FPMC-style, Rendle et al. 2010; table word ContextFactors,
// sgd only), the user side is p_u + mean_l s_l over the sample's valid context
// items l, and the s_l rows step with p_u. Context rows are shared by all
// users, so the wrapper runs a context on one cell per stratum.
import { Word } from '../src/kernels/table';
import {
  adamScalar, adamVec, addr, at, dot, dotDiff, ld, real, recipCorrection, sigmoid, softplus, st, stepPowers,
  validCount, word,
} from './rows';

const SGD: i32 = 0;
const ADAM: i32 = 1;

// BPR SGD on one vector of p_u, q_i, q_j at byte offset o.
@inline function sgdVec(pu: usize, qi: usize, qj: usize, o: usize, w: i32, vg: v128, vlr: v128, vreg: v128): void {
  const p = ld(pu + o, w), a = ld(qi + o, w), c = ld(qj + o, w);
  const gp = f32x4.mul(vg, p);
  st(pu + o, f32x4.add(p, f32x4.mul(vlr, f32x4.sub(f32x4.mul(vg, f32x4.sub(a, c)), f32x4.mul(vreg, p)))), w);
  st(qi + o, f32x4.add(a, f32x4.mul(vlr, f32x4.sub(gp, f32x4.mul(vreg, a)))), w);
  st(qj + o, f32x4.add(c, f32x4.mul(vlr, f32x4.sub(f32x4.neg(gp), f32x4.mul(vreg, c)))), w);
}

/** sum over the valid context items l of S_l · q (q: one row), in context order. */
@inline function ctxDot(S: usize, ctx: usize, cl: i32, numItems: i32, q: usize, k: i32): f32 {
  const rowBytes = <usize>k << 2;
  let s: f32 = 0;
  for (let c = 0; c < cl; c++) {
    const l = load<i32>(at(ctx, c));
    if (l >= 0 && l < numItems) s += dot(S + <usize>l * rowBytes, q, k);
  }
  return s;
}

/** sum over the valid context items l of S_l · (qi - qj). */
@inline function ctxDotDiff(S: usize, ctx: usize, cl: i32, numItems: i32, qi: usize, qj: usize, k: i32): f32 {
  const rowBytes = <usize>k << 2;
  let s: f32 = 0;
  for (let c = 0; c < cl; c++) {
    const l = load<i32>(at(ctx, c));
    if (l >= 0 && l < numItems) s += dotDiff(S + <usize>l * rowBytes, qi, qj, k);
  }
  return s;
}

// BPR SGD with a context on one vector at byte offset o: the user side is
// u = p + w sum_l s_l (old values), so p and every s_l step along g (qi - qj)
// (s_l scaled by w), and qi, qj along +-g u. A context item listed twice is
// stepped twice, as its gradient (it counts twice in the mean) says.
@inline function sgdCtxVec(pu: usize, qi: usize, qj: usize, S: usize, ctx: usize, cl: i32, numItems: i32, rowBytes: usize,
  o: usize, w: i32, vg: v128, vlr: v128, vreg: v128, vw: v128, vregC: v128): void {
  const p = ld(pu + o, w), a = ld(qi + o, w), c = ld(qj + o, w);
  let sum = f32x4.splat(0);
  for (let t = 0; t < cl; t++) {
    const l = load<i32>(at(ctx, t));
    if (l >= 0 && l < numItems) sum = f32x4.add(sum, ld(S + <usize>l * rowBytes + o, w));
  }
  const u = f32x4.add(p, f32x4.mul(vw, sum));
  const diff = f32x4.sub(a, c);
  const gd = f32x4.mul(vg, diff), gu = f32x4.mul(vg, u);
  st(pu + o, f32x4.add(p, f32x4.mul(vlr, f32x4.sub(gd, f32x4.mul(vreg, p)))), w);
  const gdw = f32x4.mul(gd, vw);
  for (let t = 0; t < cl; t++) {
    const l = load<i32>(at(ctx, t));
    if (l < 0 || l >= numItems) continue;
    const sa = S + <usize>l * rowBytes + o, sv = ld(sa, w);
    st(sa, f32x4.add(sv, f32x4.mul(vlr, f32x4.sub(gdw, f32x4.mul(vregC, sv)))), w);
  }
  st(qi + o, f32x4.add(a, f32x4.mul(vlr, f32x4.sub(gu, f32x4.mul(vreg, a)))), w);
  st(qj + o, f32x4.add(c, f32x4.mul(vlr, f32x4.sub(f32x4.neg(gu), f32x4.mul(vreg, c)))), w);
}

// One triple: x = bi - bj + p·(qi - qj), g = sigmoid(-x); ascent on
// log sigmoid(x) with L2:
//   p += lr (g (qi - qj) - reg p), qi += lr (g p - reg qi), qj += lr (-g p - reg qj),
//   bi += lrB (g - regB bi), bj += lrB (-g - regB bj).
// With several negative candidates the highest-scored one is used (dynamic
// negative sampling, Zhang et al. 2013), first on ties. With a context, p
// above stands for p + mean_l s_l and the s_l step with p.
@inline function sample(rule: i32, table: usize, pos: i32, idx: i32, lr: f32, reg: f32, lrB: f32, regB: f32,
  b1: f32, b2: f32, eps: f32): f64 {
  const k = word(table, Word.Factors), numItems = word(table, Word.NumItems), negCount = word(table, Word.NegCount);
  const u = load<i32>(at(addr(table, Word.Users), idx));
  const i = load<i32>(at(addr(table, Word.Items), idx));
  if (u < 0 || u >= word(table, Word.NumUsers) || i < 0 || i >= numItems) return 0;
  const rowBytes = <usize>k << 2;
  const pu = addr(table, Word.UserFactors) + <usize>u * rowBytes, Q = addr(table, Word.ItemFactors);
  const biA = addr(table, Word.ItemBias);
  const negs = addr(table, Word.Negatives) + (<usize>pos * negCount << 2);
  // The context, if any (sgd only: the wrapper refuses it with adam).
  const S = rule == SGD ? addr(table, Word.ContextFactors) : 0, cl = S ? word(table, Word.ContextLength) : 0;
  const ctx = S ? addr(table, Word.ContextItems) + (<usize>idx * <usize>cl << 2) : 0;
  const nc = S ? validCount(ctx, cl, numItems) : 0;
  const wc: f32 = nc > 0 ? <f32>1 / <f32>nc : 0;
  let j = -1, best: f32 = -Infinity;
  for (let c = 0; c < negCount; c++) {
    const cand = load<i32>(at(negs, c));
    if (cand < 0 || cand >= numItems || cand == i) continue;
    if (negCount == 1) { j = cand; break; }
    const qc = Q + <usize>cand * rowBytes;
    let s = dot(pu, qc, k);
    if (nc > 0) s += wc * ctxDot(S, ctx, cl, numItems, qc, k);
    if (biA) s += load<f32>(at(biA, cand));
    if (j < 0 || s > best) { j = cand; best = s; }
  }
  if (j < 0) return 0;
  const qi = Q + <usize>i * rowBytes, qj = Q + <usize>j * rowBytes;
  const bi = biA ? at(biA, i) : 0, bj = biA ? at(biA, j) : 0;
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
      const vw = f32x4.splat(wc), vregC = f32x4.splat(real(table, Word.ContextL2));
      for (let f = 0; f < k; f += 4) sgdCtxVec(pu, qi, qj, S, ctx, cl, numItems, rowBytes, <usize>f << 2, k - f, vg, vlr, vreg, vw, vregC);
    } else {
      let f = 0;
      for (; f + 4 <= k; f += 4) sgdVec(pu, qi, qj, <usize>f << 2, 4, vg, vlr, vreg);
      if (f < k) sgdVec(pu, qi, qj, <usize>f << 2, k - f, vg, vlr, vreg);
    }
  } else {
    const pwU = addr(table, Word.UserPowers) + (<usize>u << 3);
    const pwI = addr(table, Word.ItemPowers) + (<usize>i << 3), pwJ = addr(table, Word.ItemPowers) + (<usize>j << 3);
    stepPowers(pwU, b1, b2);
    stepPowers(pwI, b1, b2);
    stepPowers(pwJ, b1, b2);
    const cu1 = recipCorrection(pwU, 0), cu2 = recipCorrection(pwU, 1);
    const ci1 = recipCorrection(pwI, 0), ci2 = recipCorrection(pwI, 1);
    const cj1 = recipCorrection(pwJ, 0), cj2 = recipCorrection(pwJ, 1);
    const vb1 = f32x4.splat(b1), vob1 = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), vob2 = f32x4.splat(1 - b2);
    const veps = f32x4.splat(eps), negLr = f32x4.splat(-lr), negLrB = f32x4.splat(-lrB);
    if (biA) {
      const mB = addr(table, Word.MItemBias), vB = addr(table, Word.VItemBias);
      adamScalar(bi, regB * load<f32>(bi) - g, at(mB, i), at(vB, i), vb1, vob1, vb2, vob2, ci1, ci2, veps, negLrB);
      adamScalar(bj, regB * load<f32>(bj) + g, at(mB, j), at(vB, j), vb1, vob1, vb2, vob2, cj1, cj2, veps, negLrB);
    }
    const mpu = addr(table, Word.MUserFactors) + <usize>u * rowBytes, vpu = addr(table, Word.VUserFactors) + <usize>u * rowBytes;
    const mQ = addr(table, Word.MItemFactors), vQ = addr(table, Word.VItemFactors);
    const mqi = mQ + <usize>i * rowBytes, vqi = vQ + <usize>i * rowBytes;
    const mqj = mQ + <usize>j * rowBytes, vqj = vQ + <usize>j * rowBytes;
    for (let f = 0; f < k; f += 4) {
      const o = <usize>f << 2, w = k - f;
      const p = ld(pu + o, w), a = ld(qi + o, w), c = ld(qj + o, w);
      const gp = f32x4.mul(vg, p);
      const gu = f32x4.sub(f32x4.mul(vreg, p), f32x4.mul(vg, f32x4.sub(a, c)));
      const gi = f32x4.sub(f32x4.mul(vreg, a), gp);
      const gj = f32x4.add(f32x4.mul(vreg, c), gp);
      st(pu + o, adamVec(p, gu, mpu + o, vpu + o, w, vb1, vob1, vb2, vob2, cu1, cu2, veps, negLr), w);
      st(qi + o, adamVec(a, gi, mqi + o, vqi + o, w, vb1, vob1, vb2, vob2, ci1, ci2, veps, negLr), w);
      st(qj + o, adamVec(c, gj, mqj + o, vqj + o, w, vb1, vob1, vb2, vob2, cj1, cj2, veps, negLr), w);
    }
  }
  return softplus(-<f64>x);
}

@inline function cells(rule: i32, table: usize, first: i32, start: i32, end: i32): void {
  const order = addr(table, Word.Order), offsets = addr(table, Word.Offsets), loss = addr(table, Word.Loss);
  const lr = real(table, Word.LearningRate), reg = real(table, Word.L2);
  const lrB = real(table, Word.BiasLearningRate), regB = real(table, Word.BiasL2);
  const b1 = real(table, Word.Beta1), b2 = real(table, Word.Beta2), eps = real(table, Word.Epsilon);
  for (let c = first + start; c < first + end; c++) {
    const p0 = load<i32>(at(offsets, c)), p1 = load<i32>(at(offsets, c + 1));
    let sum: f64 = 0;
    for (let pos = p0; pos < p1; pos++) {
      sum += sample(rule, table, pos, load<i32>(at(order, pos)), lr, reg, lrB, regB, b1, b2, eps);
    }
    store<f64>(loss + (<usize>c << 3), sum);
  }
}

/** BPR-MF, plain SGD (with a context if the table has one), over the cells of one stratum. Range items: cells. */
export function recommenders_bpr_sgd_f32(table: usize, first: i32, start: i32, end: i32): void {
  cells(SGD, table, first, start, end);
}

/** BPR-MF with sparse per-row Adam. Range items: cells. */
export function recommenders_bpr_adam_f32(table: usize, first: i32, start: i32, end: i32): void {
  cells(ADAM, table, first, start, end);
}
