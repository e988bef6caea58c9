// Biased matrix factorisation on explicit ratings: one rating at a time,
// reading and writing only the rows it touches (the user's and the item's
// factor rows and biases, and for Adam their moments and step powers).
//
// Threads: the samples come in a stratified layout (DSGD, Gemulla et al.
// 2011; see src/train/strata.ts): a kernel call runs the `blocks` cells of one
// stratum, which touch disjoint user and item rows, each cell's samples in
// order. So the bytes do not depend on the split over threads (the wrapper
// checks the disjointness before it calls), and the same seed gives the same
// model at any thread count. The call's range is over the stratum's cells;
// `first` is the index of its first cell in the table's offsets and loss.
import { Word } from '../src/kernels/table';
import {
  adamScalar, adamVec, addr, at, dot, ld, real, recipCorrection, st, stepPowers, word,
} from './rows';

const SGD: i32 = 0;
const ADAM: i32 = 1;

// SGD on one vector (w lanes) of p_u and q_i, both from their old values.
@inline function sgdVec(pa: usize, qa: usize, w: i32, e: v128, vlr: v128, vreg: v128): void {
  const p = ld(pa, w), q = ld(qa, w);
  st(pa, f32x4.add(p, f32x4.mul(vlr, f32x4.sub(f32x4.mul(e, q), f32x4.mul(vreg, p)))), w);
  st(qa, f32x4.add(q, f32x4.mul(vlr, f32x4.sub(f32x4.mul(e, p), f32x4.mul(vreg, q)))), w);
}

// One rating: err = r - (mu + bu + bi + p·q); then Surprise's SVD update,
//   bu += lrB (err - regB bu), bi likewise,
//   p += lr (err q - reg p), q += lr (err p - reg q)   (both from the old values);
// or, for Adam, those directions as gradients of the rows' own Adam.
@inline function sample(rule: i32, table: usize, idx: i32, mu: f32, lr: f32, reg: f32, lrB: f32, regB: f32,
  b1: f32, b2: f32, eps: f32): f64 {
  const k = word(table, Word.Factors);
  const u = load<i32>(at(addr(table, Word.Users), idx));
  const i = load<i32>(at(addr(table, Word.Items), idx));
  if (u < 0 || u >= word(table, Word.NumUsers) || i < 0 || i >= word(table, Word.NumItems)) return 0;
  const r = load<f32>(at(addr(table, Word.Ratings), idx));
  const rowBytes = <usize>k << 2;
  const pu = addr(table, Word.UserFactors) + <usize>u * rowBytes, qi = addr(table, Word.ItemFactors) + <usize>i * rowBytes;
  const buA = addr(table, Word.UserBias), biA = addr(table, Word.ItemBias);
  const bu = buA ? at(buA, u) : 0, bi = biA ? at(biA, i) : 0;
  let pred = mu + dot(pu, qi, k);
  if (bu) pred += load<f32>(bu);
  if (bi) pred += load<f32>(bi);
  const err = r - pred;
  if (rule == SGD) {
    if (bu) store<f32>(bu, load<f32>(bu) + lrB * (err - regB * load<f32>(bu)));
    if (bi) store<f32>(bi, load<f32>(bi) + lrB * (err - regB * load<f32>(bi)));
    const e = f32x4.splat(err), vlr = f32x4.splat(lr), vreg = f32x4.splat(reg);
    let f = 0;
    for (; f + 4 <= k; f += 4) sgdVec(pu + (<usize>f << 2), qi + (<usize>f << 2), 4, e, vlr, vreg);
    if (f < k) sgdVec(pu + (<usize>f << 2), qi + (<usize>f << 2), k - f, e, vlr, vreg);
  } else {
    const pwU = addr(table, Word.UserPowers) + (<usize>u << 3), pwI = addr(table, Word.ItemPowers) + (<usize>i << 3);
    stepPowers(pwU, b1, b2);
    stepPowers(pwI, b1, b2);
    const cu1 = recipCorrection(pwU, 0), cu2 = recipCorrection(pwU, 1);
    const ci1 = recipCorrection(pwI, 0), ci2 = recipCorrection(pwI, 1);
    const vb1 = f32x4.splat(b1), vob1 = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), vob2 = f32x4.splat(1 - b2);
    const veps = f32x4.splat(eps), negLr = f32x4.splat(-lr), negLrB = f32x4.splat(-lrB);
    if (bu) {
      adamScalar(bu, regB * load<f32>(bu) - err, at(addr(table, Word.MUserBias), u), at(addr(table, Word.VUserBias), u),
        vb1, vob1, vb2, vob2, cu1, cu2, veps, negLrB);
    }
    if (bi) {
      adamScalar(bi, regB * load<f32>(bi) - err, at(addr(table, Word.MItemBias), i), at(addr(table, Word.VItemBias), i),
        vb1, vob1, vb2, vob2, ci1, ci2, veps, negLrB);
    }
    const e = f32x4.splat(err), vreg = f32x4.splat(reg);
    const mpu = addr(table, Word.MUserFactors) + <usize>u * rowBytes, vpu = addr(table, Word.VUserFactors) + <usize>u * rowBytes;
    const mqi = addr(table, Word.MItemFactors) + <usize>i * rowBytes, vqi = addr(table, Word.VItemFactors) + <usize>i * rowBytes;
    for (let f = 0; f < k; f += 4) {
      const o = <usize>f << 2, w = k - f;
      const p = ld(pu + o, w), q = ld(qi + o, w);
      const gp = f32x4.sub(f32x4.mul(vreg, p), f32x4.mul(e, q));
      const gq = f32x4.sub(f32x4.mul(vreg, q), f32x4.mul(e, p));
      st(pu + o, adamVec(p, gp, mpu + o, vpu + o, w, vb1, vob1, vb2, vob2, cu1, cu2, veps, negLr), w);
      st(qi + o, adamVec(q, gq, mqi + o, vqi + o, w, vb1, vob1, vb2, vob2, ci1, ci2, veps, negLr), w);
    }
  }
  return <f64>err * <f64>err;
}

@inline function cells(rule: i32, table: usize, first: i32, start: i32, end: i32): void {
  const order = addr(table, Word.Order), offsets = addr(table, Word.Offsets), loss = addr(table, Word.Loss);
  const mu = real(table, Word.Mu), lr = real(table, Word.LearningRate), reg = real(table, Word.L2);
  const lrB = real(table, Word.BiasLearningRate), regB = real(table, Word.BiasL2);
  const b1 = real(table, Word.Beta1), b2 = real(table, Word.Beta2), eps = real(table, Word.Epsilon);
  for (let c = first + start; c < first + end; c++) {
    const p0 = load<i32>(at(offsets, c)), p1 = load<i32>(at(offsets, c + 1));
    let sum: f64 = 0;
    for (let pos = p0; pos < p1; pos++) sum += sample(rule, table, load<i32>(at(order, pos)), mu, lr, reg, lrB, regB, b1, b2, eps);
    store<f64>(loss + (<usize>c << 3), sum);
  }
}

/**
 * Biased MF, plain SGD (Surprise's SVD update), over the cells [first + start,
 * first + end) of one stratum. Range items: the stratum's cells.
 */
export function recommenders_mf_sgd_f32(table: usize, first: i32, start: i32, end: i32): void {
  cells(SGD, table, first, start, end);
}

/** Biased MF with sparse per-row Adam (moments and step counts of the touched rows only). Range items: cells. */
export function recommenders_mf_adam_f32(table: usize, first: i32, start: i32, end: i32): void {
  cells(ADAM, table, first, start, end);
}

/**
 * out[s] = mu + bu[users[s]] + bi[items[s]] + P[users[s]] · Q[items[s]] for
 * s in [start, end). An id outside [0, numUsers) / [0, numItems) contributes
 * nothing (no bias, no product): the cold-start prediction falls back to the
 * other side's bias and the global mean. bu / bi may be 0 (absent).
 * Range items: samples.
 */
export function recommenders_mf_predict_f32(P: usize, Q: usize, bu: usize, bi: usize, k: i32, numUsers: i32,
  numItems: i32, users: usize, items: usize, mu: f32, out: usize, start: i32, end: i32): void {
  const rowBytes = <usize>k << 2;
  for (let s = start; s < end; s++) {
    const u = load<i32>(at(users, s)), i = load<i32>(at(items, s));
    const uOk = u >= 0 && u < numUsers, iOk = i >= 0 && i < numItems;
    let v = mu;
    if (uOk && iOk) v += dot(P + <usize>u * rowBytes, Q + <usize>i * rowBytes, k);
    if (uOk && bu) v += load<f32>(at(bu, u));
    if (iOk && bi) v += load<f32>(at(bi, i));
    store<f32>(at(out, s), v);
  }
}
