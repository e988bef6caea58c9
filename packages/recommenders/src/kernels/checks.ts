// Checks of the fused kernels' arguments, all before any kernel runs (a bad
// argument throws and nothing is written): shapes and dtypes, ids in range,
// and that the blocks of every stratum touch disjoint rows, which is what
// makes the kernels' results independent of the thread count.
import type { Tensor } from '@wasmml/tensor';
import type { BprContextTensors, BprItemFeatureTensors, MfAdamState, MfLayoutTensors, MfVariables, SparseRule } from './types.js';

/** The sizes of an MfVariables. */
export interface MfShape {
  factors: number;
  numUsers: number;
  numItems: number;
}

const shapeText = (t: Tensor) => `[${t.shape.join(',')}] (${t.dtype})`;

export function fail(op: string, msg: string): never {
  throw new Error(`${op}: ${msg}`);
}

export function checkVars(vars: MfVariables, op: string): MfShape {
  const { userFactors: P, itemFactors: Q } = vars;
  P.assertLive(op);
  Q.assertLive(op);
  if (P.rank !== 2 || Q.rank !== 2 || P.shape[1] !== Q.shape[1] || P.dtype !== 'float32' || Q.dtype !== 'float32') {
    fail(op, `userFactors ${shapeText(P)} and itemFactors ${shapeText(Q)} must be float32 [rows, factors] with the same factors`);
  }
  const numUsers = P.shape[0]!,
    numItems = Q.shape[0]!,
    factors = P.shape[1]!;
  for (const [name, v, n] of [
    ['userBias', vars.userBias, numUsers],
    ['itemBias', vars.itemBias, numItems],
  ] as const) {
    if (!v) continue;
    v.assertLive(op);
    if (v.dtype !== 'float32' || v.size !== n) fail(op, `${name} ${shapeText(v)} must be float32 with ${n} elements`);
  }
  return { factors, numUsers, numItems };
}

export function checkIds(t: Tensor, name: string, op: string): Tensor {
  t.assertLive(op);
  if (t.dtype !== 'int32' || t.rank !== 1) fail(op, `${name} must be a 1-D int32 tensor, got ${shapeText(t)}`);
  return t;
}

export function checkSamples(users: Tensor, items: Tensor, op: string): number {
  checkIds(users, 'users', op);
  checkIds(items, 'items', op);
  if (users.size !== items.size) fail(op, `users (${users.size}) and items (${items.size}) must have the same length`);
  return users.size;
}

export function checkLayoutShape(layout: MfLayoutTensors, op: string): void {
  checkIds(layout.order, 'layout.order', op);
  checkIds(layout.offsets, 'layout.offsets', op);
  const { strata, blocks } = layout;
  for (const [k, v] of [
    ['strata', strata],
    ['blocks', blocks],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) fail(op, `layout.${k} = ${v}, expected an integer >= 0`);
  }
  if (layout.offsets.size !== strata * blocks + 1) {
    fail(op, `layout.offsets has ${layout.offsets.size} elements; strata ${strata} x blocks ${blocks} needs ${strata * blocks + 1}`);
  }
}

/** The rule's hyper-parameters with their defaults; throws on an unknown rule or a bad value. */
export function ruleParams(rule: SparseRule, op: string) {
  const adam = rule.type === 'adam';
  if (rule.type !== 'sgd' && !adam) fail(op, `unknown rule '${(rule as { type: string }).type}' (sgd or adam)`);
  const lr = rule.learningRate ?? 0.001,
    l2 = rule.l2 ?? 0;
  const p = {
    adam,
    learningRate: lr,
    l2,
    biasLearningRate: rule.biasLearningRate ?? lr,
    biasL2: rule.biasL2 ?? l2,
    beta1: adam ? (rule.beta1 ?? 0.9) : 0,
    beta2: adam ? (rule.beta2 ?? 0.999) : 0,
    epsilon: adam ? (rule.epsilon ?? 1e-7) : 0,
  };
  const values = [p.learningRate, p.l2, p.biasLearningRate, p.biasL2, p.beta1, p.beta2, p.epsilon];
  if (!values.every((v) => Number.isFinite(v) && v >= 0)) fail(op, `hyper-parameters must be finite and >= 0, got [${values}]`);
  return p;
}

export function checkAdam(vars: MfVariables, state: MfAdamState | undefined, op: string): MfAdamState {
  if (!state) fail(op, 'the adam rule needs the state from mfAdamState(vars) (it needs its state buffers: moments and step powers)');
  for (const k of ['userFactors', 'itemFactors', 'userBias', 'itemBias'] as const) {
    const v = vars[k];
    if (!v) continue;
    const pair = state.moments[k];
    if (!pair) fail(op, `the adam state has no moments for ${k}; make it with mfAdamState(vars) for these variables`);
    for (const m of pair) {
      m.assertLive(op);
      if (m.size !== v.size) fail(op, `adam moments of ${k} have ${m.size} elements, the variable ${v.size}`);
    }
  }
  for (const [p, n] of [
    [state.userPowers, vars.userFactors.shape[0]!],
    [state.itemPowers, vars.itemFactors.shape[0]!],
  ] as const) {
    p.assertLive(op);
    if (p.size !== 2 * n) fail(op, `adam step powers have ${p.size} elements, expected ${2 * n}`);
  }
  return state;
}

const checkL2 = (l2: number | undefined, name: string, op: string) => {
  if (!(Number.isFinite(l2 ?? 0) && (l2 ?? 0) >= 0)) fail(op, `${name} = ${l2}, expected a finite number >= 0`);
};

export function checkContext(ctx: BprContextTensors, s: MfShape, count: number, rule: SparseRule, op: string): void {
  const S = ctx.factors,
    C = ctx.items;
  S.assertLive(op);
  C.assertLive(op);
  if (rule.type !== 'sgd') fail(op, `a context trains with the sgd rule only, got '${rule.type}'`);
  if (S.dtype !== 'float32' || S.rank !== 2 || S.shape[0] !== s.numItems || S.shape[1] !== s.factors) {
    fail(op, `context.factors must be float32 [numItems = ${s.numItems}, factors = ${s.factors}], got ${shapeText(S)}`);
  }
  if (C.dtype !== 'int32' || C.rank !== 2 || C.shape[0] !== count || C.shape[1]! < 1) {
    fail(op, `context.items must be int32 [samples = ${count}, length >= 1], got ${shapeText(C)}`);
  }
  checkL2(ctx.l2, 'context.l2', op);
}

/** Checks the feature tensors and their CSR table (offsets non-decreasing from 0, ids in range). */
export function checkFeatures(f: BprItemFeatureTensors, s: MfShape, rule: SparseRule, op: string): void {
  for (const t of [f.factors, f.offsets, f.ids, ...(f.bias ? [f.bias] : [])]) t.assertLive(op);
  if (rule.type !== 'sgd') fail(op, `item features train with the sgd rule only, got '${rule.type}'`);
  const F = f.factors;
  if (F.dtype !== 'float32' || F.rank !== 2 || F.shape[0]! < 1 || F.shape[1] !== s.factors) {
    fail(op, `features.factors must be float32 [numFeatures >= 1, factors = ${s.factors}], got ${shapeText(F)}`);
  }
  const count = F.shape[0]!;
  if (f.bias && (f.bias.dtype !== 'float32' || f.bias.size !== count)) {
    fail(op, `features.bias must be float32 with ${count} elements, got ${shapeText(f.bias)}`);
  }
  checkIds(f.offsets, 'features.offsets', op);
  checkIds(f.ids, 'features.ids', op);
  if (f.offsets.size !== s.numItems + 1)
    fail(op, `features.offsets has ${f.offsets.size} elements, expected numItems + 1 = ${s.numItems + 1}`);
  const offsets = f.offsets.dataSync() as Int32Array;
  if (offsets[0] !== 0) fail(op, `features.offsets[0] = ${offsets[0]}, expected 0`);
  for (let i = 0; i < s.numItems; i++) {
    if (offsets[i + 1]! < offsets[i]!) fail(op, `features.offsets decrease at item ${i} (${offsets[i]} > ${offsets[i + 1]})`);
  }
  const nnz = offsets[s.numItems]!;
  if (nnz !== f.ids.size) fail(op, `features.offsets ends at ${nnz}, but features.ids has ${f.ids.size} elements`);
  const ids = f.ids.dataSync() as Int32Array;
  for (let k = 0; k < nnz; k++) {
    if (!(ids[k]! >= 0 && ids[k]! < count)) fail(op, `feature id ${ids[k]} at entry ${k} is not in [0, ${count})`);
  }
  checkL2(f.l2, 'features.l2', op);
}

/**
 * Checks ids, offsets and that the blocks of every stratum touch disjoint
 * user rows and disjoint item rows (items and, for BPR, the negatives).
 */
export function checkLayout(
  op: string,
  s: MfShape,
  users: Tensor,
  items: Tensor,
  layout: MfLayoutTensors,
  negatives?: { data: Int32Array; perSample: number },
): void {
  const { strata, blocks } = layout;
  const cells = strata * blocks,
    positions = layout.order.size,
    count = users.size;
  const offsets = layout.offsets.dataSync() as Int32Array;
  if (offsets[0] !== 0 || offsets[cells] !== positions) {
    fail(op, `offsets must run from 0 to positions (${positions}), got ${offsets[0]} .. ${offsets[cells]}`);
  }
  for (let c = 0; c < cells; c++) {
    if (offsets[c + 1]! < offsets[c]!) fail(op, `offsets decrease at block ${c} (${offsets[c]} > ${offsets[c + 1]})`);
  }
  const order = layout.order.dataSync() as Int32Array;
  const us = users.dataSync() as Int32Array,
    is = items.dataSync() as Int32Array;
  const per = negatives?.perSample ?? 0,
    negs = negatives?.data;
  // owner[row] = the last (stratum * blocks + block + 1) that touched it; a row
  // seen earlier in the same stratum under another block is a conflict.
  const userOwner = new Int32Array(s.numUsers),
    itemOwner = new Int32Array(s.numItems);
  const claim = (owner: Int32Array, row: number, stamp: number, base: number, what: string, pos: number) => {
    const prev = owner[row]!;
    if (prev > base && prev !== stamp) {
      fail(
        op,
        `${what} ${row} at position ${pos} is in two blocks (${prev - base - 1} and ${stamp - base - 1}) of stratum ${Math.floor(base / blocks)}: the blocks of a stratum must touch disjoint rows`,
      );
    }
    owner[row] = stamp;
  };
  for (let st = 0; st < strata; st++) {
    const base = st * blocks;
    for (let bl = 0; bl < blocks; bl++) {
      const stamp = base + bl + 1;
      for (let pos = offsets[base + bl]!; pos < offsets[base + bl + 1]!; pos++) {
        const idx = order[pos]!;
        if (!(idx >= 0 && idx < count)) fail(op, `order[${pos}] = ${idx} is not a sample index in [0, ${count})`);
        const u = us[idx]!,
          i = is[idx]!;
        if (!(u >= 0 && u < s.numUsers)) fail(op, `user ${u} of sample ${idx} is not in [0, ${s.numUsers})`);
        if (!(i >= 0 && i < s.numItems)) fail(op, `item ${i} of sample ${idx} is not in [0, ${s.numItems})`);
        claim(userOwner, u, stamp, base, 'user', pos);
        claim(itemOwner, i, stamp, base, 'item', pos);
        for (let c = 0; c < per; c++) {
          const j = negs![pos * per + c]!;
          if (!(j >= 0 && j < s.numItems)) fail(op, `negative ${j} at position ${pos} is not in [0, ${s.numItems})`);
          claim(itemOwner, j, stamp, base, 'negative item', pos);
        }
      }
    }
  }
}
