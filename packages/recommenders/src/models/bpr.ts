// BPR matrix factorisation for implicit feedback (Rendle et al. 2009):
// x_ui = b_i + p_u · q_i, trained on triples (u, i, j) — an observed item i
// against an unobserved j — to maximise log sigmoid(x_ui - x_uj), per triple,
// by SGD or sparse Adam in one fused kernel pass per epoch. With several
// negative candidates per triple the kernel trains on the one the model
// currently scores highest (dynamic negative sampling, Zhang et al. 2013).
import type { SavedState } from '../io/artifacts.js';
import { Random } from '@wasmml/datasets';
import { bprTrainEpoch, dispose, mfAdamState, tensor, type SparseRule } from '@wasmml/tensor';
import { toInteractions, type InteractionData } from '../data/interactions.js';
import { sampleNegative } from '../data/negatives.js';
import { Stratifier } from '../train/strata.js';
import { EpochLog, nonNegative, positiveInt, type BaseFitOptions, type TrainHistory } from '../train/history.js';
import { FactorModel, type FactorConfig } from './factors.js';

/** Configuration of {@link bpr}. */
export interface BprConfig extends FactorConfig {
  /** Latent dimension (default 64). */
  factors?: number;
  /** Learn an item bias (default true). */
  itemBias?: boolean;
  /** L2 factor of the latent factors (default 0.01). */
  l2?: number;
  /** L2 factor of the item biases (default: l2). */
  biasL2?: number;
  /** Standard deviation of the factor initialisation (default 0.1). */
  initStd?: number;
}

/** Options of `BprModel.fit`. */
export interface BprFitOptions extends BaseFitOptions {
  /** Passes over the interactions (default 30). */
  epochs?: number;
  /** 'sgd' (default) or 'adam' (sparse, per-row). */
  optimizer?: 'sgd' | 'adam';
  /** Step size (default 0.05 for sgd, 0.005 for adam). */
  learningRate?: number;
  /** Step size of the item biases (default: learningRate). */
  biasLearningRate?: number;
  /** Negative candidates drawn per interaction; above 1, the best-scored one is used (default 1). */
  negativeCandidates?: number;
  /** User and item groups of the stratified schedule (default 8); negatives come from the positive's item group. */
  blocks?: number;
}

/** BPR matrix factorisation; see {@link bpr}. */
export class BprModel extends FactorModel {
  readonly kind = 'bpr';
  /** L2 factor of the latent factors. */
  readonly l2: number;
  /** L2 factor of the item biases. */
  readonly biasL2: number;
  private readonly initStd: number;
  private readonly itemBias: boolean;

  /** @internal Use {@link bpr}. */
  constructor(config: BprConfig, arrays?: Record<string, Float32Array | Int32Array>) {
    const itemBias = config.itemBias ?? true;
    super(config, { factors: 64, initStd: 0.1 }, { user: false, item: itemBias }, 'bpr', arrays);
    this.itemBias = itemBias;
    this.initStd = config.initStd ?? 0.1;
    this.l2 = nonNegative(config.l2 ?? 0.01, 'l2', 'bpr');
    this.biasL2 = nonNegative(config.biasL2 ?? this.l2, 'biasL2', 'bpr');
  }

  /** Items never interacted with were still trained (as negatives): their scores stand. */
  protected override get untrainedItemsAreCold(): boolean {
    return false;
  }

  /**
   * Trains on observed interactions `users`, `items` (dense indices; ratings,
   * if any, are ignored). Negatives are drawn uniformly among the items the
   * user has no interaction with, from the positive's item group of the
   * schedule. Continues from the current factors when called again.
   */
  async fit(data: InteractionData, opts: BprFitOptions = {}): Promise<TrainHistory> {
    const op = 'bpr.fit';
    const d = toInteractions(data, op, this.numUsers, this.numItems);
    if (d.count === 0) throw new Error(`${op}: no interactions to train on`);
    const epochs = opts.epochs ?? 30;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`${op}: epochs = ${epochs}, expected an integer >= 0`);
    const type = opts.optimizer ?? 'sgd';
    if (type !== 'sgd' && type !== 'adam') throw new Error(`${op}: optimizer '${String(type)}' is not 'sgd' or 'adam'`);
    const lr = nonNegative(opts.learningRate ?? (type === 'sgd' ? 0.05 : 0.005), 'learningRate', op);
    const rule: SparseRule = {
      type, learningRate: lr, l2: this.l2, biasL2: this.biasL2,
      biasLearningRate: nonNegative(opts.biasLearningRate ?? lr, 'biasLearningRate', op),
    };
    const per = positiveInt(opts.negativeCandidates ?? 1, 'negativeCandidates', op);
    const blocks = positiveInt(opts.blocks ?? 8, 'blocks', op);
    this.observe(d);
    const seen = this.seen!;
    const strat = new Stratifier(d.users, d.items, this.numUsers, this.numItems, blocks);
    const rng = new Random(`${this.seed}:bpr-fit:${this.fits++}`);
    const samples = { users: tensor(d.users, [d.count], 'int32'), items: tensor(d.items, [d.count], 'int32') };
    const state = type === 'adam' ? mfAdamState(this.vars) : undefined;
    const log = new EpochLog('bpr', { ...opts, epochs });
    const negs = new Int32Array(d.count * per);
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const lay = strat.layout(rng);
        for (let p = 0; p < d.count; p++) {
          const idx = lay.order[p]!, u = d.users[idx]!, i = d.items[idx]!;
          const pool = strat.groupItems[strat.itemGroup[i]!]!;
          for (let c = 0; c < per; c++) {
            const j = sampleNegative(rng, pool, seen, u);
            // No negative left in the group: the positive itself, which the kernel skips.
            negs[p * per + c] = j < 0 ? i : j;
          }
        }
        const order = tensor(lay.order, [d.count], 'int32'), offsets = tensor(lay.offsets, [lay.offsets.length], 'int32');
        const negT = tensor(negs, [d.count, per], 'int32');
        let loss: number;
        try {
          loss = bprTrainEpoch(this.vars, samples, negT, { order, offsets, strata: blocks, blocks }, rule, state);
        } finally {
          dispose([order, offsets, negT]);
        }
        await log.end(epoch, { loss: loss / d.count });
      }
    } finally {
      dispose(Object.values(samples));
      state?.dispose();
    }
    return log.result;
  }

  protected saveState(): SavedState {
    return {
      config: { factors: this.factors, itemBias: this.itemBias, l2: this.l2, biasL2: this.biasL2, initStd: this.initStd, seed: this.seed },
      arrays: this.factorArrays(),
    };
  }

  /** @internal Rebuilds a saved model. */
  static fromSaved(config: Record<string, unknown>, arrays: Record<string, Float32Array | Int32Array>): BprModel {
    const m = new BprModel(config as unknown as BprConfig, arrays);
    m.restoreServing(arrays);
    return m;
  }
}

/**
 * BPR matrix factorisation for implicit feedback: `fit({users, items},
 * {epochs})`, then `recommend`, `similarItems`, `scorePairs`...
 */
export function bpr(config: BprConfig): BprModel {
  return new BprModel(config);
}
