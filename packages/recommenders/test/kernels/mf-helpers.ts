// Shared plumbing of the MF / BPR kernel tests: random problems, uploads into
// variables, stratified layouts, float64 references, and running a body once
// on the calling thread and once forced onto the pool.
import { getParallelThreshold, setParallelThreshold } from '@wasmml/kernels';
import { singleAndThreaded as both } from '@wasmml/test-utils/threads';
import { dispose, init, setThreads, tensor, variable, type Tensor, type Variable } from '@wasmml/tensor';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { mfAdamState } from '../../src/kernels/adam-state.js';
import type { MfAdamState, MfLayoutTensors, MfVariables, SparseRule } from '../../src/kernels/types.js';

/** Runs fn with work forced onto one thread, then onto the pool; returns both results. */
export const singleAndThreaded = <T>(fn: () => T) => both({ getParallelThreshold, setParallelThreshold }, fn);

export async function setup(threads = 2): Promise<void> {
  await init({ threads });
  await setThreads(threads);
}

/** A float32 variable holding a copy of data (shape [n] or the given one). */
export function put(data: ArrayLike<number>, shape = [data.length]): Variable {
  const t = tensor(Float32Array.from(data), shape, 'float32');
  const v = variable(t, false);
  t.dispose();
  return v;
}

export function putI32(data: ArrayLike<number>, shape = [data.length]): Tensor {
  return tensor(Int32Array.from(data), shape, 'int32');
}

export function get(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

export function release(...ts: Tensor[]): void {
  dispose(ts);
}

export interface Problem {
  nu: number;
  ni: number;
  k: number;
  n: number;
  bias: boolean;
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  P: Float32Array;
  Q: Float32Array;
  bu: Float32Array;
  bi: Float32Array;
}

export function problem(nu: number, ni: number, k: number, n: number, bias: boolean, seed: number): Problem {
  const r = rng(seed);
  const users = Int32Array.from({ length: n }, () => Math.floor(r() * nu));
  const items = Int32Array.from({ length: n }, () => Math.floor(r() * ni));
  const ratings = Float32Array.from({ length: n }, () => 1 + Math.floor(r() * 9) / 2);
  return {
    nu,
    ni,
    k,
    n,
    bias,
    users,
    items,
    ratings,
    P: randomFloats(nu * k, seed + 1, -0.3, 0.3),
    Q: randomFloats(ni * k, seed + 2, -0.3, 0.3),
    bu: bias ? randomFloats(nu, seed + 3, -0.2, 0.2) : new Float32Array(nu),
    bi: bias ? randomFloats(ni, seed + 4, -0.2, 0.2) : new Float32Array(ni),
  };
}

/**
 * A valid stratified layout: user block u % B, item block i % B; stratum s
 * pairs user block b with item block (b + s) % B. Samples keep file order
 * inside a block. Returns the order and offsets.
 */
export function stratify(users: Int32Array, itemsOf: (idx: number) => number[], B: number): { order: Int32Array; offsets: Int32Array } {
  const cells: number[][] = Array.from({ length: B * B }, () => []);
  for (let idx = 0; idx < users.length; idx++) {
    const ub = users[idx]! % B;
    const ibs = new Set(itemsOf(idx).map((i) => i % B));
    if (ibs.size !== 1) continue; // a triple whose items fall in different blocks is dropped
    const ib = [...ibs][0]!;
    const s = (ib - ub + B) % B;
    cells[s * B + ub]!.push(idx);
  }
  const order = Int32Array.from(cells.flat());
  const offsets = new Int32Array(B * B + 1);
  cells.forEach((c, i) => (offsets[i + 1] = offsets[i]! + c.length));
  return { order, offsets };
}

export interface Adam64 {
  mP: Float64Array;
  vP: Float64Array;
  mQ: Float64Array;
  vQ: Float64Array;
  mbu: Float64Array;
  vbu: Float64Array;
  mbi: Float64Array;
  vbi: Float64Array;
  tu: Int32Array;
  ti: Int32Array;
}

export function adam64(nu: number, ni: number, k: number): Adam64 {
  return {
    mP: new Float64Array(nu * k),
    vP: new Float64Array(nu * k),
    mQ: new Float64Array(ni * k),
    vQ: new Float64Array(ni * k),
    mbu: new Float64Array(nu),
    vbu: new Float64Array(nu),
    mbi: new Float64Array(ni),
    vbi: new Float64Array(ni),
    tu: new Int32Array(nu),
    ti: new Int32Array(ni),
  };
}

export function adamStep(
  p: Float64Array,
  m: Float64Array,
  v: Float64Array,
  at: number,
  g: number,
  t: number,
  lr: number,
  b1: number,
  b2: number,
  eps: number,
): void {
  m[at] = b1 * m[at]! + (1 - b1) * g;
  v[at] = b2 * v[at]! + (1 - b2) * g * g;
  p[at]! -= (lr * (m[at]! / (1 - b1 ** t))) / (Math.sqrt(v[at]! / (1 - b2 ** t)) + eps);
}

/** A rule's rates and decays with the kernels' defaults, as the float64 references use them. */
export function ruleConstants(rule: SparseRule) {
  const lr = rule.learningRate ?? 0.001,
    l2 = rule.l2 ?? 0;
  const adam = rule.type === 'adam';
  return {
    lr,
    l2,
    lrB: rule.biasLearningRate ?? lr,
    l2B: rule.biasL2 ?? l2,
    b1: adam ? (rule.beta1 ?? 0.9) : 0,
    b2: adam ? (rule.beta2 ?? 0.999) : 0,
    eps: adam ? (rule.epsilon ?? 1e-7) : 0,
  };
}

/** Float64 reference of one MF epoch over `order`. Returns the squared-error sum. */
export function refMf(
  pr: Problem,
  order: Int32Array,
  mu: number,
  rule: SparseRule,
  st: Adam64 | undefined,
  P: Float64Array,
  Q: Float64Array,
  bu: Float64Array,
  bi: Float64Array,
): number {
  const { k } = pr;
  const { lr, l2, lrB, l2B, b1, b2, eps } = ruleConstants(rule);
  let loss = 0;
  for (const idx of order) {
    const u = pr.users[idx]!,
      i = pr.items[idx]!;
    let pred = mu + (pr.bias ? bu[u]! + bi[i]! : 0);
    for (let f = 0; f < k; f++) pred += P[u * k + f]! * Q[i * k + f]!;
    const err = pr.ratings[idx]! - pred;
    loss += err * err;
    if (rule.type === 'sgd') {
      if (pr.bias) {
        bu[u]! += lrB * (err - l2B * bu[u]!);
        bi[i]! += lrB * (err - l2B * bi[i]!);
      }
      for (let f = 0; f < k; f++) {
        const p = P[u * k + f]!,
          q = Q[i * k + f]!;
        P[u * k + f] = p + lr * (err * q - l2 * p);
        Q[i * k + f] = q + lr * (err * p - l2 * q);
      }
    } else {
      const tu = ++st!.tu[u]!,
        ti = ++st!.ti[i]!;
      if (pr.bias) {
        adamStep(bu, st!.mbu, st!.vbu, u, l2B * bu[u]! - err, tu, lrB, b1, b2, eps);
        adamStep(bi, st!.mbi, st!.vbi, i, l2B * bi[i]! - err, ti, lrB, b1, b2, eps);
      }
      for (let f = 0; f < k; f++) {
        const p = P[u * k + f]!,
          q = Q[i * k + f]!;
        adamStep(P, st!.mP, st!.vP, u * k + f, l2 * p - err * q, tu, lr, b1, b2, eps);
        adamStep(Q, st!.mQ, st!.vQ, i * k + f, l2 * q - err * p, ti, lr, b1, b2, eps);
      }
    }
  }
  return loss;
}

export interface Device {
  vars: MfVariables;
  adam?: MfAdamState;
  samples: { users: Tensor; items: Tensor; ratings: Tensor };
  /** Everything to release after the test. */
  ptrs: Tensor[];
}

export function upload(pr: Problem, withAdam: boolean): Device {
  const ptrs: Tensor[] = [];
  const keep = <T extends Tensor>(t: T) => (ptrs.push(t), t);
  const vars: MfVariables = {
    userFactors: keep(put(pr.P, [pr.nu, pr.k])),
    itemFactors: keep(put(pr.Q, [pr.ni, pr.k])),
    ...(pr.bias ? { userBias: keep(put(pr.bu)), itemBias: keep(put(pr.bi)) } : {}),
  };
  const adam = withAdam ? mfAdamState(vars) : undefined;
  if (adam) ptrs.push(...Object.values(adam.moments).flat(), adam.userPowers, adam.itemPowers);
  const samples = { users: keep(putI32(pr.users)), items: keep(putI32(pr.items)), ratings: keep(put(pr.ratings)) };
  return { vars, ...(adam ? { adam } : {}), samples, ptrs };
}

export function layoutOf(order: Int32Array, offsets: Int32Array, B: number, ptrs: Tensor[]): MfLayoutTensors {
  const o = putI32(order),
    off = putI32(offsets);
  ptrs.push(o, off);
  return { order: o, offsets: off, strata: B, blocks: B };
}

export function modelOut(d: Device, pr: Problem): Float32Array[] {
  const out = [get(d.vars.userFactors), get(d.vars.itemFactors)];
  if (pr.bias) out.push(get(d.vars.userBias!), get(d.vars.itemBias!));
  return out;
}

/** Checks the model's P, Q and item biases against their float64 references. */
export function expectModel(d: Device, pr: Problem, P: Float64Array, Q: Float64Array, bi: Float64Array): void {
  const [gP, gQ, , gbi] = modelOut(d, pr);
  expectClose(gP!, P, 1e-3, 1e-4, 'P');
  expectClose(gQ!, Q, 1e-3, 1e-4, 'Q');
  expectClose(gbi!, bi, 1e-3, 1e-4, 'bi');
}

/**
 * Two samples in two blocks of one stratum (users 0 | 1, items 0 | 1, negatives
 * 2 | 3): the set-up of the checks that context and feature rows, shared by all
 * users, train on one block per stratum.
 */
export function twoBlocks() {
  const pr = problem(6, 8, 4, 2, true, 8);
  pr.users.set([0, 1]);
  pr.items.set([0, 1]);
  const d = upload(pr, true);
  const layout = layoutOf(Int32Array.of(0, 1), Int32Array.of(0, 1, 2), 1, d.ptrs);
  layout.blocks = 2;
  const negPtr = putI32(Int32Array.of(2, 3), [2, 1]);
  d.ptrs.push(negPtr);
  return { pr, d, layout, negPtr };
}

export const RULES: SparseRule[] = [
  { type: 'sgd', learningRate: 0.05, l2: 0.02 },
  { type: 'sgd', learningRate: 0.03, l2: 0.01, biasLearningRate: 0.07, biasL2: 0.2 },
  { type: 'adam', learningRate: 0.01, l2: 0.01, biasL2: 0.03 },
];

/**
 * The negative the BPR kernels train on at `pos`: the best-scored of its
 * `per` candidates other than the positive i (the first when per is 1, no
 * scoring), first on ties; -1 when none is left.
 */
export function pickNegative(negs: ArrayLike<number>, pos: number, per: number, i: number, score: (item: number) => number): number {
  let j = -1,
    best = -Infinity;
  for (let c = 0; c < per; c++) {
    const cand = negs[pos * per + c]!;
    if (cand === i) continue;
    const s = per === 1 ? 0 : score(cand);
    if (j < 0 || s > best) {
      j = cand;
      best = s;
    }
  }
  return j;
}

/** `per` uniform negatives per sample, never its positive, drawn from r: int32 [n * per] in sample order. */
export function uniformNegatives(r: () => number, pr: Problem, per: number): Int32Array {
  return Int32Array.from({ length: pr.n * per }, (_, t) => {
    for (;;) {
      const j = Math.floor(r() * pr.ni);
      if (j !== pr.items[Math.floor(t / per)]) return j;
    }
  });
}

/**
 * `per` negatives per sample from r, each from the positive's item block of a
 * B-block stratified layout (so a triple stays in one cell), and that layout:
 * order, offsets and the negatives by position.
 */
export function blockNegatives(
  r: () => number,
  pr: Problem,
  per: number,
  B: number,
): { order: Int32Array; offsets: Int32Array; negs: Int32Array } {
  const cand = Array.from({ length: pr.n }, (_, idx) =>
    Array.from({ length: per }, () => {
      for (;;) {
        const j = Math.floor(r() * pr.ni);
        if (j % B === pr.items[idx]! % B && j !== pr.items[idx]) return j;
      }
    }),
  );
  const { order, offsets } = stratify(pr.users, (idx) => [pr.items[idx]!, ...cand[idx]!], B);
  return { order, offsets, negs: Int32Array.from(Array.from(order).flatMap((idx) => cand[idx]!)) };
}
