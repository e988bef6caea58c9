// Sparse matrix-factorisation training (biased MF and BPR) and pair scoring.
// The samples of an epoch come in a stratified layout (see assembly/mf.ts):
// `strata` kernel calls, each over `blocks` blocks that touch disjoint user
// and item rows, so the pool can run the blocks of a call at once and the
// result does not depend on the thread count. The layout is checked here
// before any kernel runs; a bad one throws and nothing is written.
import { runtime } from '../runtime.js';
import { i32View } from '../views.js';

/** Arena addresses (bytes) of the float32 model arrays. */
export interface MfBuffers {
  /** User factors [numUsers, factors]. */
  userFactors: number;
  /** Item factors [numItems, factors]. */
  itemFactors: number;
  /** User biases [numUsers] (omit for no user bias). */
  userBias?: number;
  /** Item biases [numItems] (omit for no item bias). */
  itemBias?: number;
  /** Latent dimension. */
  factors: number;
  /** Rows of userFactors. */
  numUsers: number;
  /** Rows of itemFactors. */
  numItems: number;
}

/**
 * Arena addresses of the Adam state of `MfBuffers`, all float32 and zeroed at
 * the start except the powers: first and second moments shaped like each
 * array, and per row [beta1^t, beta2^t] of the row's own step count t
 * (initialised to [1, 1]).
 */
export interface MfAdamBuffers {
  /** First moment of the user factors. */
  mUserFactors: number;
  /** Second moment of the user factors. */
  vUserFactors: number;
  /** First moment of the item factors. */
  mItemFactors: number;
  /** Second moment of the item factors. */
  vItemFactors: number;
  /** First moment of the user biases (when there are user biases). */
  mUserBias?: number;
  /** Second moment of the user biases. */
  vUserBias?: number;
  /** First moment of the item biases (when there are item biases). */
  mItemBias?: number;
  /** Second moment of the item biases. */
  vItemBias?: number;
  /** [numUsers, 2] step powers. */
  userPowers: number;
  /** [numItems, 2] step powers. */
  itemPowers: number;
}

/** An epoch's training samples in stratified order. */
export interface MfLayout {
  /** int32 [positions]: the sample index run at each position. */
  order: number;
  /** Number of positions in `order`. */
  positions: number;
  /** int32 [strata * blocks + 1]: block (s, b) runs positions [offsets[s*blocks+b], offsets[s*blocks+b+1]). */
  offsets: number;
  /** Kernel calls, run in order. */
  strata: number;
  /** Blocks per call; the blocks of one call must touch disjoint user rows and disjoint item rows. */
  blocks: number;
}

/** Plain SGD with L2, applied after every sample (Surprise's SVD update; Rendle's BPR update). */
export interface SparseSgdRule {
  /** Selects the rule. */
  type: 'sgd';
  /** Step size of the factors. */
  learningRate: number;
  /** L2 factor of the factors (default 0). */
  l2?: number;
  /** Step size of the biases (default: learningRate). */
  biasLearningRate?: number;
  /** L2 factor of the biases (default: l2). */
  biasL2?: number;
}

/**
 * Adam on the rows a sample touches, applied after every sample; each row keeps
 * its own step count for the bias corrections, so a row updated t times has
 * had exactly t Adam steps (rows not touched are not decayed: "lazy" Adam).
 */
export interface SparseAdamRule {
  /** Selects the rule. */
  type: 'adam';
  /** Step size of the factors (default 0.001). */
  learningRate?: number;
  /** L2 factor added to the gradient of the factors (default 0). */
  l2?: number;
  /** Step size of the biases (default: learningRate). */
  biasLearningRate?: number;
  /** L2 factor of the biases (default: l2). */
  biasL2?: number;
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment (default 1e-7). */
  epsilon?: number;
}

/** The update rules of the sparse MF / BPR kernels. */
export type SparseRule = SparseSgdRule | SparseAdamRule;

/** Arena addresses of int32 samples. */
export interface MfSamples {
  /** int32 user index per sample. */
  users: number;
  /** int32 item index (MF: rated item; BPR: positive item) per sample. */
  items: number;
  /** MF: float32 rating per sample. */
  ratings?: number;
  /** Number of samples. */
  count: number;
}

/** BPR negatives: int32 [layout.positions, perSample] candidates, by position in the layout. */
export interface BprNegatives {
  /** Arena address. */
  negatives: number;
  /** Candidates per position; with more than one, the highest-scored is used. */
  perSample: number;
}

/**
 * A BPR context (FPMC-style): per sample, items of the user whose context
 * factors, averaged, add to the user's factors: x_ui = b_i + (p_u + mean_l s_l) · q_i.
 */
export interface BprContext {
  /** Arena address of the context factors S, float32 [numItems, factors]. */
  factors: number;
  /** Arena address of int32 [samples, length] context items per sample; entries outside [0, numItems) are padding. */
  items: number;
  /** Context items per sample (>= 1). */
  length: number;
  /** L2 factor of S (default 0). */
  l2?: number;
}

/**
 * BPR item features (LightFM-style hybrid items): item i's side is
 * q_i + mean_f F_f and its bias b_i + mean_f fb_f over its features f
 * (ids[offsets[i] .. offsets[i+1])), all trained with the item's gradient
 * scaled by 1 / its feature count.
 */
export interface BprItemFeatures {
  /** Arena address of the feature factors F, float32 [count, factors]. */
  factors: number;
  /** Arena address of the feature biases, float32 [count] (omit for none). */
  bias?: number;
  /** Arena address of int32 [numItems + 1] offsets into `ids`. */
  offsets: number;
  /** Arena address of int32 feature ids, each in [0, count). */
  ids: number;
  /** Number of features (rows of F). */
  count: number;
  /** L2 factor of F (default 0); feature biases take the rule's biasL2. */
  l2?: number;
}

const TABLE_WORDS = 33;

function fail(op: string, msg: string): never {
  throw new RangeError(`wasmml ${op}: ${msg}`);
}

function checkBuffers(op: string, b: MfBuffers): void {
  for (const [k, v] of [['factors', b.factors], ['numUsers', b.numUsers], ['numItems', b.numItems]] as const) {
    if (!Number.isInteger(v) || v < 0) fail(op, `${k} = ${v}, expected an integer >= 0`);
  }
  for (const [k, v] of Object.entries(b)) {
    if (k.endsWith('Factors') || k.endsWith('Bias')) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v % 4 !== 0)) fail(op, `bad address ${k} = ${v}`);
    }
  }
}

interface RuleArgs { name: string; args: number[]; adam: boolean }

function ruleArgs(op: string, kind: 'mf' | 'bpr', rule: SparseRule): RuleArgs {
  const adam = rule.type === 'adam';
  if (rule.type !== 'sgd' && !adam) fail(op, `unknown rule '${(rule as { type: string }).type}' (sgd or adam)`);
  const lr = rule.learningRate ?? 0.001, l2 = rule.l2 ?? 0;
  const args = [lr, l2, rule.biasLearningRate ?? lr, rule.biasL2 ?? l2];
  if (rule.type === 'adam') args.push(rule.beta1 ?? 0.9, rule.beta2 ?? 0.999, rule.epsilon ?? 1e-7);
  for (const v of args) if (!Number.isFinite(v) || v < 0) fail(op, `hyper-parameters must be finite and >= 0, got [${args}]`);
  return { name: `${kind}_${rule.type}_f32`, args, adam };
}

function writeTable(b: MfBuffers, s: MfSamples, third: number, layout: MfLayout, negCount: number,
  adam: MfAdamBuffers | undefined, ctx?: BprContext, feat?: BprItemFeatures, scratch = 0): number {
  const rt = runtime();
  const table = rt.arena.alloc(TABLE_WORDS * 4);
  const a = adam;
  const words = i32View(table, TABLE_WORDS);
  words.set([
    b.userFactors, b.itemFactors, b.userBias ?? 0, b.itemBias ?? 0, b.factors, b.numUsers, b.numItems,
    s.users, s.items, third, layout.order, negCount,
    a?.mUserFactors ?? 0, a?.vUserFactors ?? 0, a?.mItemFactors ?? 0, a?.vItemFactors ?? 0,
    a?.mUserBias ?? 0, a?.vUserBias ?? 0, a?.mItemBias ?? 0, a?.vItemBias ?? 0, a?.userPowers ?? 0, a?.itemPowers ?? 0,
    ctx?.factors ?? 0, ctx?.items ?? 0, ctx?.length ?? 0, 0,
    feat?.factors ?? 0, feat?.bias ?? 0, feat?.offsets ?? 0, feat?.ids ?? 0, feat?.count ?? 0, 0, scratch,
  ]);
  // Words 25 and 31 hold the float32 L2 factors of the context and feature factors.
  const f32 = new Float32Array(words.buffer, words.byteOffset, TABLE_WORDS);
  f32[25] = ctx?.l2 ?? 0;
  f32[31] = feat?.l2 ?? 0;
  return table;
}

function checkContext(op: string, b: MfBuffers, s: MfSamples, ctx: BprContext): void {
  if (!Number.isInteger(ctx.length) || ctx.length < 1) fail(op, `context.length = ${ctx.length}, expected an integer >= 1`);
  if (b.numItems > 0 && s.count > 0) {
    if (!Number.isInteger(ctx.factors) || ctx.factors <= 0 || ctx.factors % 4 !== 0) fail(op, `bad address context.factors = ${ctx.factors}`);
    if (!Number.isInteger(ctx.items) || ctx.items <= 0 || ctx.items % 4 !== 0) fail(op, `bad address context.items = ${ctx.items}`);
  }
  const l2 = ctx.l2 ?? 0;
  if (!Number.isFinite(l2) || l2 < 0) fail(op, `context.l2 = ${l2}, expected a finite number >= 0`);
}

/** Checks the feature table and returns int32 views of its offsets and ids (valid until the next arena allocation). */
function checkFeatures(op: string, b: MfBuffers, f: BprItemFeatures): { offsets: Int32Array; ids: Int32Array } {
  if (!Number.isInteger(f.count) || f.count < 1) fail(op, `features.count = ${f.count}, expected an integer >= 1`);
  const l2 = f.l2 ?? 0;
  if (!Number.isFinite(l2) || l2 < 0) fail(op, `features.l2 = ${l2}, expected a finite number >= 0`);
  for (const [k, v] of [['factors', f.factors], ['offsets', f.offsets]] as const) {
    if (!Number.isInteger(v) || v <= 0 || v % 4 !== 0) fail(op, `bad address features.${k} = ${v}`);
  }
  if (f.bias !== undefined && (!Number.isInteger(f.bias) || f.bias <= 0 || f.bias % 4 !== 0)) fail(op, `bad address features.bias = ${f.bias}`);
  const offsets = i32View(f.offsets, b.numItems + 1);
  if (offsets[0] !== 0) fail(op, `features.offsets[0] = ${offsets[0]}, expected 0`);
  for (let i = 0; i < b.numItems; i++) {
    if (offsets[i + 1]! < offsets[i]!) fail(op, `features.offsets decrease at item ${i} (${offsets[i]} > ${offsets[i + 1]})`);
  }
  const nnz = offsets[b.numItems]!;
  if (nnz > 0 && (!Number.isInteger(f.ids) || f.ids <= 0 || f.ids % 4 !== 0)) fail(op, `bad address features.ids = ${f.ids}`);
  const ids = nnz > 0 ? i32View(f.ids, nnz) : new Int32Array(0);
  for (let k = 0; k < nnz; k++) {
    if (!(ids[k]! >= 0 && ids[k]! < f.count)) fail(op, `feature id ${ids[k]} at entry ${k} is not in [0, ${f.count})`);
  }
  return { offsets, ids };
}

function checkAdam(op: string, b: MfBuffers, a: MfAdamBuffers | undefined): void {
  if (!a) fail(op, 'the adam rule needs its state buffers (MfAdamBuffers)');
  const need: Array<[string, number | undefined]> = [
    ['mUserFactors', a.mUserFactors], ['vUserFactors', a.vUserFactors], ['mItemFactors', a.mItemFactors],
    ['vItemFactors', a.vItemFactors], ['userPowers', a.userPowers], ['itemPowers', a.itemPowers],
  ];
  if (b.userBias) need.push(['mUserBias', a.mUserBias], ['vUserBias', a.vUserBias]);
  if (b.itemBias) need.push(['mItemBias', a.mItemBias], ['vItemBias', a.vItemBias]);
  const rows = (k: string) => (k.includes('User') || k === 'userPowers' ? b.numUsers : b.numItems);
  for (const [k, v] of need) {
    if (rows(k) > 0 && (!v || v % 4 !== 0)) fail(op, `adam state ${k} has bad address ${v}`);
  }
}

/**
 * Checks ids, offsets and that the blocks of every stratum touch disjoint
 * user rows and disjoint item rows (items and, for BPR, negatives).
 */
function checkLayout(op: string, b: MfBuffers, s: MfSamples, layout: MfLayout, neg?: BprNegatives, ctx?: BprContext,
  feat?: { offsets: Int32Array; ids: Int32Array; count: number }): void {
  const { strata, blocks, positions } = layout;
  for (const [k, v] of [['strata', strata], ['blocks', blocks], ['positions', positions], ['count', s.count]] as const) {
    if (!Number.isInteger(v) || v < 0) fail(op, `${k} = ${v}, expected an integer >= 0`);
  }
  const cells = strata * blocks;
  // Views, not copies: nothing below allocates in the arena, so they stay valid.
  const offsets = i32View(layout.offsets, cells + 1);
  if (offsets[0] !== 0 || offsets[cells] !== positions) {
    fail(op, `offsets must run from 0 to positions (${positions}), got ${offsets[0]} .. ${offsets[cells]}`);
  }
  for (let c = 0; c < cells; c++) {
    if (offsets[c + 1]! < offsets[c]!) fail(op, `offsets decrease at block ${c} (${offsets[c]} > ${offsets[c + 1]})`);
  }
  const order = i32View(layout.order, positions);
  const users = i32View(s.users, s.count), items = i32View(s.items, s.count);
  const per = neg?.perSample ?? 0;
  const negs = neg ? i32View(neg.negatives, positions * per) : undefined;
  // owner[row] = the last (stratum * blocks + block + 1) that touched it; a row
  // seen earlier in the same stratum under another block is a conflict.
  const userOwner = new Int32Array(b.numUsers), itemOwner = new Int32Array(b.numItems);
  // Context factor rows are a third table: two blocks of a stratum must not share one either.
  const cl = ctx?.length ?? 0;
  const ctxItems = ctx && s.count > 0 ? i32View(ctx.items, s.count * cl) : undefined;
  const ctxOwner = ctxItems ? new Int32Array(b.numItems) : undefined;
  // Feature rows are shared across items: a fourth table (one block per stratum cannot conflict).
  const featOwner = feat && blocks > 1 ? new Int32Array(feat.count) : undefined;
  const claimFeatures = (item: number, stamp: number, stratumBase: number, pos: number) => {
    for (let k = feat!.offsets[item]!; k < feat!.offsets[item + 1]!; k++) claim(featOwner!, feat!.ids[k]!, stamp, stratumBase, 'feature', pos);
  };
  const claim = (owner: Int32Array, row: number, stamp: number, stratumBase: number, what: string, pos: number) => {
    const prev = owner[row]!;
    if (prev > stratumBase && prev !== stamp) {
      fail(op, `${what} ${row} at position ${pos} is in two blocks (${prev - stratumBase - 1} and ${stamp - stratumBase - 1}) of stratum ${Math.floor(stratumBase / blocks)}: the blocks of a stratum must touch disjoint rows`);
    }
    owner[row] = stamp;
  };
  for (let st = 0; st < strata; st++) {
    const base = st * blocks;
    for (let bl = 0; bl < blocks; bl++) {
      const stamp = base + bl + 1;
      for (let pos = offsets[base + bl]!; pos < offsets[base + bl + 1]!; pos++) {
        const idx = order[pos]!;
        if (!(idx >= 0 && idx < s.count)) fail(op, `order[${pos}] = ${idx} is not a sample index in [0, ${s.count})`);
        const u = users[idx]!, i = items[idx]!;
        if (!(u >= 0 && u < b.numUsers)) fail(op, `user ${u} of sample ${idx} is not in [0, ${b.numUsers})`);
        if (!(i >= 0 && i < b.numItems)) fail(op, `item ${i} of sample ${idx} is not in [0, ${b.numItems})`);
        claim(userOwner, u, stamp, base, 'user', pos);
        claim(itemOwner, i, stamp, base, 'item', pos);
        if (featOwner) claimFeatures(i, stamp, base, pos);
        for (let c = 0; c < per; c++) {
          const j = negs![pos * per + c]!;
          if (!(j >= 0 && j < b.numItems)) fail(op, `negative ${j} at position ${pos} is not in [0, ${b.numItems})`);
          claim(itemOwner, j, stamp, base, 'negative item', pos);
          if (featOwner) claimFeatures(j, stamp, base, pos);
        }
        if (ctxItems) {
          for (let c = 0; c < cl; c++) {
            const l = ctxItems[idx * cl + c]!;
            if (l >= 0 && l < b.numItems) claim(ctxOwner!, l, stamp, base, 'context item', pos);
          }
        }
      }
    }
  }
}

function runStrata(name: string, table: number, layout: MfLayout, args: number[], costPerSample: number): number {
  const rt = runtime();
  const cells = layout.strata * layout.blocks;
  if (cells === 0 || layout.positions === 0) return 0;
  const loss = rt.arena.alloc(cells * 8);
  try {
    const cost = Math.max(1, Math.ceil((layout.positions / cells) * costPerSample));
    for (let st = 0; st < layout.strata; st++) {
      rt.pool.run(name, [table, layout.offsets + st * layout.blocks * 4, ...args, loss + st * layout.blocks * 8],
        layout.blocks, { cost });
    }
    const parts = new Float64Array(rt.memory.buffer, loss, cells);
    let sum = 0;
    for (let c = 0; c < cells; c++) sum += parts[c]!;
    return sum;
  } finally {
    rt.arena.free(loss);
  }
}

/**
 * One epoch of biased MF on explicit ratings: for each sample in layout order,
 * err = r - (mu + bu + bi + p·q) and an SGD or sparse-Adam step on the rows it
 * touches. Returns the sum of squared errors seen during the epoch.
 */
export function mfTrainEpoch(buffers: MfBuffers, samples: MfSamples, layout: MfLayout, mu: number, rule: SparseRule,
  adam?: MfAdamBuffers): number {
  const op = 'mfTrainEpoch';
  checkBuffers(op, buffers);
  if (!samples.ratings) fail(op, 'samples.ratings is required');
  if (!Number.isFinite(mu)) fail(op, `mu = ${mu}, expected a finite number`);
  const r = ruleArgs(op, 'mf', rule);
  if (r.adam) checkAdam(op, buffers, adam);
  checkLayout(op, buffers, samples, layout);
  const rt = runtime();
  const table = writeTable(buffers, samples, samples.ratings, layout, 0, r.adam ? adam : undefined);
  try {
    return runStrata(r.name, table, layout, [mu, ...r.args], buffers.factors * (r.adam ? 24 : 8) + 8);
  } finally {
    rt.arena.free(table);
  }
}

/**
 * One epoch of BPR-MF: for each position, the sample's user and positive item
 * against a negative (the best-scored of `perSample` candidates), with an SGD
 * or sparse-Adam ascent step on log sigmoid(x_uij). `buffers.userBias` is
 * ignored (it cancels in x_uij). With a `context` (sgd only) the user side is
 * p_u + mean_l s_l over the sample's context items, and the s_l rows step
 * with p_u (their rows must be disjoint across the blocks of a stratum too).
 * With item `features` (sgd only) the item side is q_i + mean_f F_f and the
 * bias b_i + mean_f fb_f, the feature rows stepping with q_i (scaled by 1 /
 * the item's feature count; disjoint across blocks too). Context and features
 * combine. Returns the sum of -log sigmoid(x_uij).
 */
export function bprTrainEpoch(buffers: MfBuffers, samples: MfSamples, negatives: BprNegatives, layout: MfLayout,
  rule: SparseRule, adam?: MfAdamBuffers, context?: BprContext, features?: BprItemFeatures): number {
  const op = 'bprTrainEpoch';
  checkBuffers(op, buffers);
  if (!Number.isInteger(negatives.perSample) || negatives.perSample < 1) {
    fail(op, `negatives.perSample = ${negatives.perSample}, expected an integer >= 1`);
  }
  const r = ruleArgs(op, 'bpr', rule);
  if (context && r.adam) fail(op, 'a context trains with the sgd rule only');
  if (features && r.adam) fail(op, 'item features train with the sgd rule only');
  if (context) checkContext(op, buffers, samples, context);
  const fv = features ? checkFeatures(op, buffers, features) : undefined;
  const b = { ...buffers, userBias: undefined };
  if (r.adam) checkAdam(op, b, adam);
  checkLayout(op, b, samples, layout, negatives, context, fv && { ...fv, count: features!.count });
  const rt = runtime();
  // With features, each block keeps the triple's user and item sides in 3 rows of scratch.
  const scratch = features ? rt.arena.alloc(Math.max(1, layout.blocks) * 3 * Math.ceil(buffers.factors / 4) * 16 + 16) : 0;
  const table = writeTable(b, samples, negatives.negatives, layout, negatives.perSample, r.adam ? adam : undefined, context, features, scratch);
  try {
    const per = negatives.perSample > 1 ? negatives.perSample : 0, cl = context ? context.length : 0;
    // Features: about 4 rows per item side, read once per candidate and for the triple, stepped once.
    const fl = features ? 4 : 0;
    const cost = buffers.factors * ((r.adam ? 36 : 12) + 2 * per * (1 + (features ? fl : cl)) + 6 * cl + 6 * fl) + 16;
    return runStrata(r.name, table, layout, r.args, cost);
  } finally {
    rt.arena.free(table);
    if (scratch) rt.arena.free(scratch);
  }
}

/**
 * out[s] = mu + bu[users[s]] + bi[items[s]] + P[users[s]] · Q[items[s]] for
 * `count` int32 (user, item) pairs. An id outside the model's range adds
 * nothing (cold start: the known side's bias plus mu).
 */
export function mfPredict(buffers: MfBuffers, users: number, items: number, count: number, mu: number, out: number): void {
  const op = 'mfPredict';
  checkBuffers(op, buffers);
  if (!Number.isInteger(count) || count < 0) fail(op, `count = ${count}, expected an integer >= 0`);
  if (count === 0) return;
  runtime().pool.run('mf_predict_f32', [buffers.userFactors, buffers.itemFactors, buffers.userBias ?? 0,
    buffers.itemBias ?? 0, buffers.factors, buffers.numUsers, buffers.numItems, users, items, mu, out], count,
  { cost: 2 * buffers.factors + 8 });
}
