// BPR-MF on implicit feedback, optionally with a context (FPMC-style) and
// item features: fused kernels (../../assembly/bpr*.ts) run through
// @wasmml/tensor's runKernel, in the stratified layout of mf-epoch.ts.
import type { Tensor } from '@wasmml/tensor';
import {
  checkAdam,
  checkContext,
  checkFeatures,
  checkLayout,
  checkLayoutShape,
  checkSamples,
  checkVars,
  fail,
  ruleParams,
} from './checks.js';
import { baseTable, runStrata } from './tables.js';
import { Word } from './table.js';
import type { BprContextTensors, BprItemFeatureTensors, MfAdamState, MfLayoutTensors, MfVariables, SparseRule } from './types.js';

/** The arguments of one BPR epoch. */
export interface BprEpochArgs {
  /** The model, updated in place (its user bias, if any, is left alone: it cancels in x_uij). */
  vars: MfVariables;
  /** int32 users / positive items [n]. */
  data: { users: Tensor; items: Tensor };
  /** int32 [positions, candidates]: negative candidates by position in the layout. */
  negatives: Tensor;
  layout: MfLayoutTensors;
  rule: SparseRule;
  /** The state from mfAdamState(vars), for the adam rule. */
  adam?: MfAdamState;
  /** A context (sgd only, one block per stratum). */
  context?: BprContextTensors;
  /** Item features (sgd only, one block per stratum). */
  features?: BprItemFeatureTensors;
}

/**
 * One epoch of BPR matrix factorisation, in place: for each position, the
 * sample's user and positive item against a negative taken from `negatives`
 * (with several candidates the highest-scored one, as dynamic negative
 * sampling), then an SGD or sparse-Adam ascent step on log sigmoid(x_uij).
 * With a `context`, the user side is p_u + mean_l s_l over the sample's
 * context items, and those s_l rows train with p_u. With item `features`,
 * the item side is q_i + mean_f F_f (bias b_i + mean_f fb_f) and the feature
 * rows train with q_i; features and a context combine. Context and feature
 * rows are shared across users and items, so they train on layouts of one
 * block per stratum. Returns the sum of -log sigmoid(x_uij).
 */
export function bprTrainEpoch(a: BprEpochArgs): number {
  const op = 'bprTrainEpoch';
  const s = checkVars(a.vars, op);
  const { users, items } = a.data;
  const count = checkSamples(users, items, op);
  checkLayoutShape(a.layout, op);
  const { negatives, layout, rule, context, features } = a;
  const positions = layout.order.size;
  negatives.assertLive(op);
  const per = negatives.rank === 2 ? negatives.shape[1]! : 0;
  if (negatives.dtype !== 'int32' || negatives.rank !== 2 || negatives.shape[0] !== positions || per < 1) {
    fail(
      op,
      `negatives must be int32 [positions = ${positions}, candidates >= 1], got [${negatives.shape.join(',')}] (${negatives.dtype})`,
    );
  }
  const r = ruleParams(rule, op);
  if (context) checkContext(context, s, count, rule, op);
  if (features) checkFeatures(features, s, rule, op);
  if ((context || features) && layout.blocks > 1) {
    fail(
      op,
      `a ${context ? 'context' : 'model with item features'} trains on one block per stratum (its rows are shared), got blocks = ${layout.blocks}`,
    );
  }
  const vars = { ...a.vars, userBias: undefined };
  const adam = r.adam ? checkAdam(vars, a.adam, op) : undefined;
  checkLayout(op, s, users, items, layout, { data: negatives.dataSync() as Int32Array, perSample: per });
  const table = baseTable(vars, s, { users, items }, r, adam);
  table[Word.Negatives] = negatives;
  table[Word.NegCount] = per;
  if (context) {
    table[Word.ContextFactors] = { update: context.factors };
    table[Word.ContextItems] = context.items;
    table[Word.ContextLength] = context.items.shape[1]!;
    table[Word.ContextL2] = { f32: context.l2 ?? 0 };
  }
  if (features) {
    table[Word.FeatureFactors] = { update: features.factors };
    table[Word.FeatureBias] = features.bias ? { update: features.bias } : undefined;
    table[Word.FeatureOffsets] = features.offsets;
    table[Word.FeatureIds] = features.ids;
    table[Word.NumFeatures] = features.factors.shape[0]!;
    table[Word.FeatureL2] = { f32: features.l2 ?? 0 };
  }
  const perCost = per > 1 ? per : 0,
    cl = context ? context.items.shape[1]! : 0;
  // Features: about 4 rows per item side, read once per candidate and for the triple, stepped once.
  const fl = features ? 4 : 0;
  const cost = s.factors * ((r.adam ? 36 : 12) + 2 * perCost * (1 + (features ? fl : cl)) + 6 * cl + 6 * fl) + 16;
  if (features) {
    // The triple's user and item sides: 3 rows of k floats, whole vectors, per thread.
    return runStrata('recommenders_bpr_features_sgd_f32', table, layout, cost, 3 * Math.ceil(s.factors / 4) * 16);
  }
  return runStrata(r.adam ? 'recommenders_bpr_adam_f32' : 'recommenders_bpr_sgd_f32', table, layout, cost);
}
