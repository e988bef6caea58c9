// Sparse matrix-factorisation training (biased MF on ratings, BPR on implicit
// feedback) and pair scoring, over variables updated in place. Not tfjs ops:
// each epoch is one fused kernel pass that reads and writes only the rows its
// samples touch, split over threads by a stratified layout (see
// @wasmml/kernels mfTrainEpoch) so results do not depend on the thread count.
import {
  bprTrainEpoch as bprEpochK, mfPredict as mfPredictK, mfTrainEpoch as mfEpochK, type MfAdamBuffers, type MfBuffers,
  type MfLayout, type SparseRule,
} from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { fill, zeros } from '../create.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { variable, type Variable } from '../variable.js';

export type { SparseRule, SparseSgdRule, SparseAdamRule } from '@wasmml/kernels';

/**
 * A BPR context (FPMC-style, Rendle et al. 2010): per training sample, items
 * of the same user (e.g. the ones just before it) whose context factors,
 * averaged, add to the user's factors: x_ui = b_i + (p_u + mean_l s_l) · q_i.
 */
export interface BprContextTensors {
  /** Context factors S, float32 [numItems, factors], updated in place. */
  factors: Variable;
  /** int32 [samples, length]: context items of each sample; entries outside [0, numItems) (e.g. -1) are padding. */
  items: Tensor;
  /** L2 factor of S (default 0). */
  l2?: number;
}

/**
 * BPR item features (LightFM-style hybrid items): item i's side is
 * q_i + mean_f F_f and its bias b_i + mean_f fb_f over its feature ids
 * ids[offsets[i] .. offsets[i+1]); the feature rows train with the item's
 * gradient scaled by 1 / its feature count.
 */
export interface BprItemFeatureTensors {
  /** Feature factors F, float32 [numFeatures, factors], updated in place. */
  factors: Variable;
  /** Feature biases, float32 [numFeatures], updated in place (optional; they take the rule's biasL2). */
  bias?: Variable;
  /** int32 [numItems + 1], non-decreasing from 0. */
  offsets: Tensor;
  /** int32 [offsets[numItems]]: feature ids, each in [0, numFeatures). */
  ids: Tensor;
  /** L2 factor of F (default 0). */
  l2?: number;
}

/** The arrays of a matrix factorisation: float32 variables, updated in place by training. */
export interface MfVariables {
  /** [numUsers, factors]. */
  userFactors: Variable;
  /** [numItems, factors]. */
  itemFactors: Variable;
  /** [numUsers] (optional; BPR ignores it). */
  userBias?: Variable;
  /** [numItems] (optional). */
  itemBias?: Variable;
}

/** Sparse-Adam state of an MfVariables: moments per array and per-row step powers. */
export interface MfAdamState {
  /** Moments [m, v] of each array, keyed like MfVariables. */
  moments: { [K in keyof MfVariables]?: [Variable, Variable] };
  /** Shape [numUsers, 2]: beta1^t, beta2^t of each user row's own step count. */
  userPowers: Variable;
  /** Shape [numItems, 2]: the same for item rows. */
  itemPowers: Variable;
  /** Frees the state. */
  dispose(): void;
}

/**
 * An epoch's sample order in the stratified layout: `strata` passes of
 * `blocks` blocks each; block (s, b) runs positions
 * [offsets[s*blocks+b], offsets[s*blocks+b+1]) of `order`, and the blocks of
 * one pass must touch disjoint user rows and disjoint item rows (checked).
 */
export interface MfLayoutTensors {
  /** int32 [positions]: sample index at each position. */
  order: Tensor;
  /** int32 [strata * blocks + 1]. */
  offsets: Tensor;
  /** Sequential passes. */
  strata: number;
  /** Blocks per pass (run in parallel). */
  blocks: number;
}

function shapeOf(vars: MfVariables, op: string): MfBuffers {
  const { userFactors: P, itemFactors: Q } = vars;
  P.assertLive(op);
  Q.assertLive(op);
  if (P.rank !== 2 || Q.rank !== 2 || P.shape[1] !== Q.shape[1] || P.dtype !== 'float32' || Q.dtype !== 'float32') {
    throw new Error(`${op}: userFactors ${fmtShape(P.shape)} (${P.dtype}) and itemFactors ${fmtShape(Q.shape)} (${Q.dtype}) must be float32 [rows, factors] with the same factors`);
  }
  const numUsers = P.shape[0]!, numItems = Q.shape[0]!, factors = P.shape[1]!;
  for (const [name, v, n] of [['userBias', vars.userBias, numUsers], ['itemBias', vars.itemBias, numItems]] as const) {
    if (!v) continue;
    v.assertLive(op);
    if (v.dtype !== 'float32' || v.size !== n) throw new Error(`${op}: ${name} ${fmtShape(v.shape)} (${v.dtype}) must be float32 with ${n} elements`);
  }
  return {
    userFactors: P.size ? P.ptr : 0, itemFactors: Q.size ? Q.ptr : 0, factors, numUsers, numItems,
    ...(vars.userBias && numUsers ? { userBias: vars.userBias.ptr } : {}),
    ...(vars.itemBias && numItems ? { itemBias: vars.itemBias.ptr } : {}),
  };
}

function ids(t: Tensor, name: string, op: string): Tensor {
  t.assertLive(op);
  if (t.dtype !== 'int32' || t.rank !== 1) throw new Error(`${op}: ${name} must be a 1-D int32 tensor, got ${fmtShape(t.shape)} (${t.dtype})`);
  return t;
}

function layoutOf(layout: MfLayoutTensors, op: string): MfLayout {
  const order = ids(layout.order, 'layout.order', op);
  const offsets = ids(layout.offsets, 'layout.offsets', op);
  const cells = layout.strata * layout.blocks;
  if (!Number.isInteger(cells) || cells < 0 || offsets.size !== cells + 1) {
    throw new Error(`${op}: layout.offsets has ${offsets.size} elements; strata ${layout.strata} x blocks ${layout.blocks} needs ${cells + 1}`);
  }
  return { order: order.size ? order.ptr : 0, positions: order.size, offsets: offsets.ptr, strata: layout.strata, blocks: layout.blocks };
}

function samplesOf(users: Tensor, items: Tensor, op: string) {
  ids(users, 'users', op);
  ids(items, 'items', op);
  if (users.size !== items.size) throw new Error(`${op}: users (${users.size}) and items (${items.size}) must have the same length`);
  return { users: users.size ? users.ptr : 0, items: items.size ? items.ptr : 0, count: users.size };
}

function owned(vars: MfVariables, state: MfAdamState | undefined): void {
  for (const v of [vars.userFactors, vars.itemFactors, vars.userBias, vars.itemBias]) v?.ownBuffer();
  if (!state) return;
  for (const pair of Object.values(state.moments)) for (const v of pair ?? []) v.ownBuffer();
  state.userPowers.ownBuffer();
  state.itemPowers.ownBuffer();
}

function adamBuffers(vars: MfVariables, state: MfAdamState | undefined, rule: SparseRule, op: string): MfAdamBuffers | undefined {
  if (rule.type !== 'adam') return undefined;
  if (!state) throw new Error(`${op}: the adam rule needs the state from mfAdamState(vars)`);
  const m = state.moments;
  const pair = (k: keyof MfVariables) => {
    const p = m[k];
    if (!p) throw new Error(`${op}: the adam state has no moments for ${k}; make it with mfAdamState(vars) for these variables`);
    for (const v of p) {
      v.assertLive(op);
      if (v.size !== vars[k]!.size) throw new Error(`${op}: adam moments of ${k} have ${v.size} elements, the variable ${vars[k]!.size}`);
    }
    return p[0].size ? [p[0].ptr, p[1].ptr] : [0, 0];
  };
  const [mP, vP] = pair('userFactors'), [mQ, vQ] = pair('itemFactors');
  const bu = vars.userBias ? pair('userBias') : undefined, bi = vars.itemBias ? pair('itemBias') : undefined;
  for (const [v, n] of [[state.userPowers, vars.userFactors.shape[0]!], [state.itemPowers, vars.itemFactors.shape[0]!]] as const) {
    v.assertLive(op);
    if (v.size !== 2 * n) throw new Error(`${op}: adam step powers have ${v.size} elements, expected ${2 * n}`);
  }
  return {
    mUserFactors: mP!, vUserFactors: vP!, mItemFactors: mQ!, vItemFactors: vQ!,
    ...(bu ? { mUserBias: bu[0]!, vUserBias: bu[1]! } : {}), ...(bi ? { mItemBias: bi[0]!, vItemBias: bi[1]! } : {}),
    userPowers: state.userPowers.size ? state.userPowers.ptr : 0, itemPowers: state.itemPowers.size ? state.itemPowers.ptr : 0,
  };
}

/** Zeroed sparse-Adam state for `vars` (step powers start at 1). */
export function mfAdamState(vars: MfVariables): MfAdamState {
  const made: Variable[] = [];
  const v = (t: Tensor) => {
    const x = variable(t, false);
    t.dispose();
    made.push(x);
    return x;
  };
  const moments: MfAdamState['moments'] = {};
  for (const k of ['userFactors', 'itemFactors', 'userBias', 'itemBias'] as const) {
    const src = vars[k];
    if (src) moments[k] = [v(zeros(src.shape)), v(zeros(src.shape))];
  }
  return {
    moments,
    userPowers: v(fill([vars.userFactors.shape[0]!, 2], 1)),
    itemPowers: v(fill([vars.itemFactors.shape[0]!, 2], 1)),
    dispose: () => made.forEach((x) => x.dispose()),
  };
}

/**
 * One epoch of biased matrix factorisation on explicit ratings, in place:
 * for each sample in layout order, err = r - (mu + bu + bi + p·q), then an
 * SGD step (Surprise's SVD update) or a sparse-Adam step on the rows it
 * touches. users / items int32 [n], ratings float32 [n]. Returns the sum of
 * squared errors over the epoch (measured before each update).
 */
export function mfTrainEpoch(vars: MfVariables, data: { users: Tensor; items: Tensor; ratings: Tensor },
  layout: MfLayoutTensors, mu: number, rule: SparseRule, state?: MfAdamState): number {
  const op = 'mfTrainEpoch';
  shapeOf(vars, op);
  const samples = samplesOf(data.users, data.items, op);
  data.ratings.assertLive(op);
  if (data.ratings.dtype !== 'float32' || data.ratings.size !== samples.count) {
    throw new Error(`${op}: ratings must be float32 with ${samples.count} elements, got ${fmtShape(data.ratings.shape)} (${data.ratings.dtype})`);
  }
  const lay = layoutOf(layout, op);
  adamBuffers(vars, state, rule, op);
  // In-place updates: give shared buffers their own copy first, then read the addresses.
  owned(vars, state);
  return mfEpochK(shapeOf(vars, op), { ...samples, ratings: data.ratings.size ? data.ratings.ptr : 0 }, lay, mu, rule,
    adamBuffers(vars, state, rule, op));
}

/**
 * One epoch of BPR matrix factorisation, in place: for each position, the
 * sample's user and positive item against a negative item taken from
 * `negatives` int32 [positions, perSample] (by position in the layout; with
 * several candidates the highest-scored one, as dynamic negative sampling),
 * then an SGD or sparse-Adam ascent step on log sigmoid(x_uij). The user
 * bias, if any, is left alone. With a `context` (sgd only), the user side is
 * p_u + mean_l s_l over the sample's context items, and those s_l rows are
 * trained with p_u. With item `features` (sgd only), the item side is
 * q_i + mean_f F_f (bias b_i + mean_f fb_f) and the feature rows train with
 * q_i; features and a context combine. Returns the sum of -log sigmoid(x_uij).
 */
export function bprTrainEpoch(vars: MfVariables, data: { users: Tensor; items: Tensor }, negatives: Tensor,
  layout: MfLayoutTensors, rule: SparseRule, state?: MfAdamState, context?: BprContextTensors,
  features?: BprItemFeatureTensors): number {
  const op = 'bprTrainEpoch';
  const shape = shapeOf(vars, op);
  const samples = samplesOf(data.users, data.items, op);
  const lay = layoutOf(layout, op);
  negatives.assertLive(op);
  const per = negatives.rank === 2 ? negatives.shape[1]! : 0;
  if (negatives.dtype !== 'int32' || negatives.rank !== 2 || negatives.shape[0] !== lay.positions || per < 1) {
    throw new Error(`${op}: negatives must be int32 [positions = ${lay.positions}, candidates >= 1], got ${fmtShape(negatives.shape)} (${negatives.dtype})`);
  }
  if (context) checkContext(context, shape, samples.count, rule, op);
  if (features) checkFeatures(features, shape, rule, op);
  adamBuffers(vars, state, rule, op);
  owned(vars, state);
  context?.factors.ownBuffer();
  features?.factors.ownBuffer();
  features?.bias?.ownBuffer();
  const feat = features && {
    factors: features.factors.ptr, offsets: features.offsets.ptr, ids: features.ids.size ? features.ids.ptr : 0,
    count: features.factors.shape[0]!, l2: features.l2 ?? 0, ...(features.bias ? { bias: features.bias.ptr } : {}),
  };
  const ctx = context && {
    factors: context.factors.size ? context.factors.ptr : 0, items: context.items.size ? context.items.ptr : 0,
    length: context.items.shape[1]!, l2: context.l2 ?? 0,
  };
  return bprEpochK(shapeOf(vars, op), samples, { negatives: negatives.size ? negatives.ptr : 0, perSample: per }, lay, rule,
    adamBuffers(vars, state, rule, op), ctx, feat);
}

function checkFeatures(f: BprItemFeatureTensors, b: MfBuffers, rule: SparseRule, op: string): void {
  for (const t of [f.factors, f.offsets, f.ids, ...(f.bias ? [f.bias] : [])]) t.assertLive(op);
  if (rule.type !== 'sgd') throw new Error(`${op}: item features train with the sgd rule only, got '${rule.type}'`);
  const F = f.factors;
  if (F.dtype !== 'float32' || F.rank !== 2 || F.shape[0]! < 1 || F.shape[1] !== b.factors) {
    throw new Error(`${op}: features.factors must be float32 [numFeatures >= 1, factors = ${b.factors}], got ${fmtShape(F.shape)} (${F.dtype})`);
  }
  if (f.bias && (f.bias.dtype !== 'float32' || f.bias.size !== F.shape[0])) {
    throw new Error(`${op}: features.bias must be float32 with ${F.shape[0]} elements, got ${fmtShape(f.bias.shape)} (${f.bias.dtype})`);
  }
  ids(f.offsets, 'features.offsets', op);
  ids(f.ids, 'features.ids', op);
  if (f.offsets.size !== b.numItems + 1) throw new Error(`${op}: features.offsets has ${f.offsets.size} elements, expected numItems + 1 = ${b.numItems + 1}`);
  const nnz = (f.offsets.dataSync() as Int32Array)[b.numItems]!;
  if (nnz !== f.ids.size) throw new Error(`${op}: features.offsets ends at ${nnz}, but features.ids has ${f.ids.size} elements`);
  const l2 = f.l2 ?? 0;
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new Error(`${op}: features.l2 = ${l2}, expected a finite number >= 0`);
}

function checkContext(ctx: BprContextTensors, b: MfBuffers, count: number, rule: SparseRule, op: string): void {
  const S = ctx.factors, C = ctx.items;
  S.assertLive(op);
  C.assertLive(op);
  if (rule.type !== 'sgd') throw new Error(`${op}: a context trains with the sgd rule only, got '${rule.type}'`);
  if (S.dtype !== 'float32' || S.rank !== 2 || S.shape[0] !== b.numItems || S.shape[1] !== b.factors) {
    throw new Error(`${op}: context.factors must be float32 [numItems = ${b.numItems}, factors = ${b.factors}], got ${fmtShape(S.shape)} (${S.dtype})`);
  }
  if (C.dtype !== 'int32' || C.rank !== 2 || C.shape[0] !== count || C.shape[1]! < 1) {
    throw new Error(`${op}: context.items must be int32 [samples = ${count}, length >= 1], got ${fmtShape(C.shape)} (${C.dtype})`);
  }
  const l2 = ctx.l2 ?? 0;
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new Error(`${op}: context.l2 = ${l2}, expected a finite number >= 0`);
}

/**
 * Scores of (user, item) pairs: mu + bu[u] + bi[i] + P[u] · Q[i], float32 [n].
 * An id outside the model's range adds nothing (so an unknown user gets
 * mu + bi[i], the cold-start baseline). Not differentiable.
 */
export function mfPredict(vars: MfVariables, users: Tensor | TensorLike, items: Tensor | TensorLike, mu = 0): Tensor {
  const op = 'mfPredict';
  const u = convert(users, 'users', op, 'int32'), i = convert(items, 'items', op, 'int32');
  try {
    const b = shapeOf(vars, op);
    const s = samplesOf(u, i, op);
    const out = emptyTensor([s.count], 'float32');
    if (s.count > 0) mfPredictK(b, s.users, s.items, s.count, mu, out.ptr);
    return out;
  } finally {
    if (u !== users) u.dispose();
    if (i !== items) i.dispose();
  }
}
