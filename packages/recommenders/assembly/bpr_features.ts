// BPR with item features (LightFM-style hybrid items, SGD): the item side is
// q_i + mean_f F_f over the item's features f, its bias b_i + mean_f fb_f.
// Both sides are built a vector at a time from the old values, so the user
// side may carry a context (bpr.ts) at the same time. Feature rows are shared
// by all items, so the wrapper runs features on one cell per stratum; the
// per-thread scratch (3 rows of k floats, rounded up to whole vectors) holds
// the triple's user and item sides.
import { madd } from '../../../assembly/common';
import { Word } from '../src/kernels/table';
import { addr, at, hsum, ld, real, sigmoid, softplus, st, validCount, word } from './rows';

/** base[o] + vw * sum over the valid rows l of list[0..len) of T[l][o]: a side with its averaged extra rows. */
@inline function sideVec(base: usize, T: usize, list: usize, len: i32, lim: i32, rowBytes: usize, o: usize, w: i32,
  vw: v128): v128 {
  let sum = f32x4.splat(0);
  for (let t = 0; t < len; t++) {
    const l = load<i32>(at(list, t));
    if (l >= 0 && l < lim) sum = f32x4.add(sum, ld(T + <usize>l * rowBytes + o, w));
  }
  return f32x4.add(ld(base + o, w), f32x4.mul(vw, sum));
}

/** Steps every valid row l of list[0..len) of T by lr (grad - reg T_l); a row listed twice steps twice. */
@inline function stepRows(T: usize, list: usize, len: i32, lim: i32, rowBytes: usize, o: usize, w: i32, grad: v128,
  vlr: v128, vreg: v128): void {
  for (let t = 0; t < len; t++) {
    const l = load<i32>(at(list, t));
    if (l < 0 || l >= lim) continue;
    const a = T + <usize>l * rowBytes + o, v = ld(a, w);
    st(a, f32x4.add(v, f32x4.mul(vlr, f32x4.sub(grad, f32x4.mul(vreg, v)))), w);
  }
}

/** b_i + w_i sum of the item's valid feature biases (0 without biases). */
@inline function featBias(biA: usize, fbA: usize, i: i32, fl: usize, fn: i32, nf: i32, wi: f32): f32 {
  let b: f32 = biA ? load<f32>(at(biA, i)) : 0;
  if (fbA) {
    let s: f32 = 0;
    for (let t = 0; t < fn; t++) {
      const f = load<i32>(at(fl, t));
      if (f >= 0 && f < nf) s += load<f32>(at(fbA, f));
    }
    b += wi * s;
  }
  return b;
}

/** Steps the valid feature biases of a list by lrB (gw - regB fb). */
@inline function stepFeatBias(fbA: usize, fl: usize, fn: i32, nf: i32, gw: f32, lrB: f32, regB: f32): void {
  for (let t = 0; t < fn; t++) {
    const f = load<i32>(at(fl, t));
    if (f < 0 || f >= nf) continue;
    const a = at(fbA, f);
    store<f32>(a, load<f32>(a) + lrB * (gw - regB * load<f32>(a)));
  }
}

// One triple with item features: with u = p_u + mean_l s_l (context, if any)
// and q'_i = q_i + w_i sum_f F_f, b'_i = b_i + w_i sum_f fb_f (w_i = 1 / the
// item's feature count),
//   x = b'_i - b'_j + u · (q'_i - q'_j), g = sigmoid(-x);
// then, from the old values, p and each s_l (scaled by w_c) step along
// g (q'_i - q'_j), q_i along g u and each of i's F_f along g u w_i, q_j and
// j's F_f along -g u (w_j); biases likewise. A feature of both i and j steps twice.
@inline function sample(table: usize, pos: i32, idx: i32, lr: f32, reg: f32, lrB: f32, regB: f32, scratch: usize): f64 {
  const k = word(table, Word.Factors), numItems = word(table, Word.NumItems), negCount = word(table, Word.NegCount);
  const u = load<i32>(at(addr(table, Word.Users), idx));
  const i = load<i32>(at(addr(table, Word.Items), idx));
  if (u < 0 || u >= word(table, Word.NumUsers) || i < 0 || i >= numItems) return 0;
  const rowBytes = <usize>k << 2;
  const pu = addr(table, Word.UserFactors) + <usize>u * rowBytes, Q = addr(table, Word.ItemFactors);
  const biA = addr(table, Word.ItemBias);
  const negs = addr(table, Word.Negatives) + (<usize>pos * negCount << 2);
  const S = addr(table, Word.ContextFactors), cl = S ? word(table, Word.ContextLength) : 0;
  const ctx = S ? addr(table, Word.ContextItems) + (<usize>idx * <usize>cl << 2) : 0;
  const nc = cl > 0 ? validCount(ctx, cl, numItems) : 0;
  const wc: f32 = nc > 0 ? <f32>1 / <f32>nc : 0;
  const vwc = f32x4.splat(wc);
  const F = addr(table, Word.FeatureFactors), fbA = addr(table, Word.FeatureBias);
  const fOff = addr(table, Word.FeatureOffsets), fIds = addr(table, Word.FeatureIds), nf = word(table, Word.NumFeatures);
  // The features of the positive, and of a candidate, as (list, length, weight).
  const fo = load<i32>(at(fOff, i));
  const fli = at(fIds, fo), fni = load<i32>(at(fOff, i + 1)) - fo;
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
    const cand = load<i32>(at(negs, c));
    if (cand < 0 || cand >= numItems || cand == i) continue;
    if (negCount == 1) { j = cand; break; }
    const co = load<i32>(at(fOff, cand));
    const flc = at(fIds, co), fnc = load<i32>(at(fOff, cand + 1)) - co;
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
  const jo = load<i32>(at(fOff, j));
  const flj = at(fIds, jo), fnj = load<i32>(at(fOff, j + 1)) - jo;
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
    const bi = at(biA, i), bj = at(biA, j);
    store<f32>(bi, load<f32>(bi) + lrB * (g - regB * load<f32>(bi)));
    store<f32>(bj, load<f32>(bj) + lrB * (-g - regB * load<f32>(bj)));
  }
  if (fbA) {
    stepFeatBias(fbA, fli, fni, nf, g * wi, lrB, regB);
    stepFeatBias(fbA, flj, fnj, nf, -g * wj, lrB, regB);
  }
  const vg = f32x4.splat(g), vlr = f32x4.splat(lr), vreg = f32x4.splat(reg);
  const vregC = f32x4.splat(real(table, Word.ContextL2)), vregF = f32x4.splat(real(table, Word.FeatureL2));
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

/**
 * BPR-MF with item features (and a context if the table has one), plain SGD,
 * over the cells of one stratum; `scratch`: the pool's per-thread scratch of
 * 3 rows of k floats (rounded up to whole vectors). Range items: cells.
 */
export function recommenders_bpr_features_sgd_f32(table: usize, first: i32, scratch: usize, start: i32, end: i32): void {
  const order = addr(table, Word.Order), offsets = addr(table, Word.Offsets), loss = addr(table, Word.Loss);
  const lr = real(table, Word.LearningRate), reg = real(table, Word.L2);
  const lrB = real(table, Word.BiasLearningRate), regB = real(table, Word.BiasL2);
  for (let c = first + start; c < first + end; c++) {
    const p0 = load<i32>(at(offsets, c)), p1 = load<i32>(at(offsets, c + 1));
    let sum: f64 = 0;
    for (let pos = p0; pos < p1; pos++) sum += sample(table, pos, load<i32>(at(order, pos)), lr, reg, lrB, regB, scratch);
    store<f64>(loss + (<usize>c << 3), sum);
  }
}
