// Filling the kernels' parameter table (table.ts names the words) and running
// an epoch's strata through @wasmml/tensor's runKernel.
import { kernelScratch, runKernel, type TableWord } from '@wasmml/tensor';
import type { ruleParams } from './checks.js';
import { Word } from './table.js';
import type { MfAdamState, MfLayoutTensors, MfVariables } from './types.js';
import type { MfShape } from './checks.js';

/** The words every MF / BPR kernel reads: the model, the samples, the rule and (for adam) its state. */
export function baseTable(
  vars: MfVariables,
  s: MfShape,
  data: { users: TableWord; items: TableWord },
  rule: ReturnType<typeof ruleParams>,
  adam: MfAdamState | undefined,
): TableWord[] {
  const t: TableWord[] = new Array<TableWord>(Word.Count).fill(undefined);
  const upd = (v: MfVariables[keyof MfVariables]) => (v ? { update: v } : undefined);
  t[Word.UserFactors] = upd(vars.userFactors);
  t[Word.ItemFactors] = upd(vars.itemFactors);
  t[Word.UserBias] = upd(vars.userBias);
  t[Word.ItemBias] = upd(vars.itemBias);
  t[Word.Factors] = s.factors;
  t[Word.NumUsers] = s.numUsers;
  t[Word.NumItems] = s.numItems;
  t[Word.Users] = data.users;
  t[Word.Items] = data.items;
  t[Word.LearningRate] = { f32: rule.learningRate };
  t[Word.L2] = { f32: rule.l2 };
  t[Word.BiasLearningRate] = { f32: rule.biasLearningRate };
  t[Word.BiasL2] = { f32: rule.biasL2 };
  t[Word.Beta1] = { f32: rule.beta1 };
  t[Word.Beta2] = { f32: rule.beta2 };
  t[Word.Epsilon] = { f32: rule.epsilon };
  if (adam) {
    const m = adam.moments;
    const pair = (k: keyof MfVariables, w0: Word, w1: Word) => {
      const p = vars[k] ? m[k] : undefined;
      t[w0] = p ? { update: p[0] } : undefined;
      t[w1] = p ? { update: p[1] } : undefined;
    };
    pair('userFactors', Word.MUserFactors, Word.VUserFactors);
    pair('itemFactors', Word.MItemFactors, Word.VItemFactors);
    pair('userBias', Word.MUserBias, Word.VUserBias);
    pair('itemBias', Word.MItemBias, Word.VItemBias);
    t[Word.UserPowers] = { update: adam.userPowers };
    t[Word.ItemPowers] = { update: adam.itemPowers };
  }
  return t;
}

/**
 * Runs `kernel` once per stratum (in order; the pool splits the stratum's
 * blocks) and returns the loss summed over every cell. costPerSample: the
 * work of one sample, for the pool's split decision.
 */
export function runStrata(
  kernel: string,
  table: TableWord[],
  layout: MfLayoutTensors,
  costPerSample: number,
  threadScratchBytes = 0,
): number {
  const { strata, blocks } = layout;
  const cells = strata * blocks,
    positions = layout.order.size;
  if (cells === 0 || positions === 0) return 0;
  const loss = kernelScratch(cells * 8);
  try {
    table[Word.Order] = layout.order;
    table[Word.Offsets] = layout.offsets;
    table[Word.Loss] = loss;
    const cost = Math.max(1, Math.ceil((positions / cells) * costPerSample));
    for (let st = 0; st < strata; st++) {
      runKernel(kernel, { table: { table, names: Word }, first: st * blocks }, { items: blocks, cost, threadScratchBytes });
    }
    const parts = loss.read('float64');
    let sum = 0;
    for (let c = 0; c < cells; c++) sum += parts[c]!;
    return sum;
  } finally {
    loss.dispose();
  }
}
