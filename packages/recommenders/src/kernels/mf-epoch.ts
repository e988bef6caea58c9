// Biased MF on explicit ratings, and pair scoring: fused kernels
// (../../assembly/mf.ts) run through @wasmml/tensor's runKernel. Not tfjs
// ops: an epoch is one pass that reads and writes only the rows its samples
// touch, split over threads by a stratified layout so results do not depend
// on the thread count.
import { dispose, runKernel, Tensor, tensor } from '@wasmml/tensor';
import { checkAdam, checkIds, checkLayout, checkLayoutShape, checkSamples, checkVars, fail, ruleParams } from './checks.js';
import { baseTable, runStrata } from './tables.js';
import { Word } from './table.js';
import type { MfAdamState, MfLayoutTensors, MfVariables, SparseRule } from './types.js';

/** The arguments of one MF epoch. */
export interface MfEpochArgs {
  /** The model, updated in place. */
  vars: MfVariables;
  /** int32 users / items [n] and float32 ratings [n]. */
  data: { users: Tensor; items: Tensor; ratings: Tensor };
  /** The epoch's stratified sample order. */
  layout: MfLayoutTensors;
  /** The global mean added to every prediction. */
  mu: number;
  rule: SparseRule;
  /** The state from mfAdamState(vars), for the adam rule. */
  adam?: MfAdamState;
}

/**
 * One epoch of biased matrix factorisation on explicit ratings, in place:
 * for each sample in layout order, err = r - (mu + bu + bi + p·q), then an
 * SGD step (Surprise's SVD update) or a sparse-Adam step on the rows it
 * touches. Returns the sum of squared errors over the epoch (measured before
 * each update). Everything is checked first: a bad argument writes nothing.
 */
export function mfTrainEpoch(a: MfEpochArgs): number {
  const op = 'mfTrainEpoch';
  const s = checkVars(a.vars, op);
  const { users, items, ratings } = a.data;
  const count = checkSamples(users, items, op);
  ratings.assertLive(op);
  if (ratings.dtype !== 'float32' || ratings.size !== count) {
    fail(op, `ratings must be float32 with ${count} elements, got [${ratings.shape.join(',')}] (${ratings.dtype})`);
  }
  checkLayoutShape(a.layout, op);
  if (!Number.isFinite(a.mu)) fail(op, `mu = ${a.mu}, expected a finite number`);
  const r = ruleParams(a.rule, op);
  const adam = r.adam ? checkAdam(a.vars, a.adam, op) : undefined;
  checkLayout(op, s, users, items, a.layout);
  const table = baseTable(a.vars, s, { users, items }, r, adam);
  table[Word.Ratings] = ratings;
  table[Word.Mu] = { f32: a.mu };
  return runStrata(r.adam ? 'recommenders_mf_adam_f32' : 'recommenders_mf_sgd_f32', table, a.layout, s.factors * (r.adam ? 24 : 8) + 8);
}

function idTensor(x: Tensor | ArrayLike<number>, name: string, op: string): Tensor {
  if (!(x instanceof Tensor)) return tensor(Int32Array.from(x), [x.length], 'int32');
  return checkIds(x, name, op);
}

/**
 * Scores of (user, item) pairs: mu + bu[u] + bi[i] + P[u] · Q[i], float32 [n].
 * An id outside the model's range adds nothing (so an unknown user gets
 * mu + bi[i], the cold-start baseline). Not differentiable.
 */
export function mfPredict(vars: MfVariables, users: Tensor | ArrayLike<number>, items: Tensor | ArrayLike<number>, mu = 0): Tensor {
  const op = 'mfPredict';
  const s = checkVars(vars, op);
  const u = idTensor(users, 'users', op),
    i = idTensor(items, 'items', op);
  try {
    const n = checkSamples(u, i, op);
    return runKernel(
      'recommenders_mf_predict_f32',
      {
        P: vars.userFactors,
        Q: vars.itemFactors,
        bu: vars.userBias ?? 0,
        bi: vars.itemBias ?? 0,
        k: s.factors,
        numUsers: s.numUsers,
        numItems: s.numItems,
        users: u,
        items: i,
        mu,
        out: { output: [n] },
      },
      { items: n, cost: 2 * s.factors + 8 },
    )[0]!;
  } finally {
    dispose([...(u !== users ? [u] : []), ...(i !== items ? [i] : [])]);
  }
}
