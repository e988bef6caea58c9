// Biased matrix factorisation for explicit ratings (Koren et al. 2009; the
// model of Surprise's SVD): r̂ = mu + b_u + b_i + p_u · q_i, trained on
// squared error with L2 by per-rating SGD or sparse Adam in one fused kernel
// pass per epoch.
import type { SavedState } from '../io/artifacts.js';
import { Random } from '@wasmml/datasets';
import { dispose, Tensor, tensor } from '@wasmml/tensor';
import { mfAdamState } from '../kernels/adam-state.js';
import { mfTrainEpoch } from '../kernels/mf-epoch.js';
import type { SparseRule } from '../kernels/types.js';
import { toInteractions, type Column, type InteractionData } from '../data/interactions.js';
import { rmse } from '../metrics/rating.js';
import { Stratifier } from '../train/strata.js';
import { EpochLog, nonNegative, positiveInt, type BaseFitOptions, type TrainHistory } from '../train/history.js';
import { FactorModel, type FactorConfig } from './factors.js';

/** Configuration of {@link matrixFactorization}. */
export interface MatrixFactorizationConfig extends FactorConfig {
  /** Latent dimension (default 100). */
  factors?: number;
  /** Learn user and item biases (default true). */
  biases?: boolean;
  /** L2 factor of the latent factors (default 0.05). */
  l2?: number;
  /** L2 factor of the biases (default: l2). */
  biasL2?: number;
  /** Standard deviation of the factor initialisation (default 0.05). */
  initStd?: number;
  /** Predictions are clipped to this range (default: the smallest and largest training rating). */
  ratingRange?: [number, number];
}

/** Options of `MatrixFactorization.fit`. */
export interface MfFitOptions extends BaseFitOptions {
  /** Passes over the ratings (default 20). */
  epochs?: number;
  /** 'sgd' (default; Surprise's update after every rating) or 'adam' (sparse, per-row Adam). */
  optimizer?: 'sgd' | 'adam';
  /** Step size of the factors (default 0.015 for sgd, 0.002 for adam). */
  learningRate?: number;
  /** Step size of the biases (default: learningRate). */
  biasLearningRate?: number;
  /**
   * User and item groups of the stratified schedule (default 8): more gives
   * threads finer work; results depend on this number, not on the thread count.
   */
  blocks?: number;
  /** Ratings to report val_rmse on after every epoch. */
  validationData?: InteractionData;
}

/** Biased matrix factorisation; see {@link matrixFactorization}. */
export class MatrixFactorization extends FactorModel {
  readonly kind = 'matrixFactorization';
  /** L2 factor of the latent factors. */
  readonly l2: number;
  /** L2 factor of the biases. */
  readonly biasL2: number;
  /** Prediction range, once known. */
  ratingRange: [number, number] | undefined;
  private readonly initStd: number;
  private readonly biases: boolean;

  /** @internal Use {@link matrixFactorization}. */
  constructor(config: MatrixFactorizationConfig, arrays?: Record<string, Float32Array | Int32Array>) {
    const biases = config.biases ?? true;
    super(config, { factors: 100, initStd: 0.05 }, { user: biases, item: biases }, 'matrixFactorization', arrays);
    this.biases = biases;
    this.initStd = config.initStd ?? 0.05;
    this.l2 = nonNegative(config.l2 ?? 0.05, 'l2', 'matrixFactorization');
    this.biasL2 = nonNegative(config.biasL2 ?? this.l2, 'biasL2', 'matrixFactorization');
    if (config.ratingRange && !(config.ratingRange[0] <= config.ratingRange[1])) {
      throw new RangeError(`matrixFactorization: ratingRange [${config.ratingRange}] must be [min, max]`);
    }
    this.ratingRange = config.ratingRange;
  }

  /** The global mean rating of the last fit (0 before). */
  get globalMean(): number {
    return this.offset;
  }

  /**
   * Trains on ratings: `users`, `items` (dense indices) and `ratings`.
   * Continues from the current factors when called again.
   */
  async fit(data: InteractionData, opts: MfFitOptions = {}): Promise<TrainHistory> {
    const op = 'matrixFactorization.fit';
    const d = toInteractions(data, op, this.numUsers, this.numItems);
    if (!d.ratings) throw new Error(`${op}: data needs ratings`);
    if (d.count === 0) throw new Error(`${op}: no ratings to train on`);
    const epochs = opts.epochs ?? 20;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`${op}: epochs = ${epochs}, expected an integer >= 0`);
    const type = opts.optimizer ?? 'sgd';
    if (type !== 'sgd' && type !== 'adam') throw new Error(`${op}: optimizer '${String(type)}' is not 'sgd' or 'adam'`);
    const lr = nonNegative(opts.learningRate ?? (type === 'sgd' ? 0.015 : 0.002), 'learningRate', op);
    const rule: SparseRule = {
      type,
      learningRate: lr,
      l2: this.l2,
      biasL2: this.biasL2,
      biasLearningRate: nonNegative(opts.biasLearningRate ?? lr, 'biasLearningRate', op),
    };
    const blocks = positiveInt(opts.blocks ?? 8, 'blocks', op);
    const val = opts.validationData
      ? toInteractions(opts.validationData, `${op} (validationData)`, this.numUsers, this.numItems)
      : undefined;
    if (val && !val.ratings) throw new Error(`${op}: validationData needs ratings`);

    this.observe(d);
    let sum = 0,
      lo = Infinity,
      hi = -Infinity;
    for (const r of d.ratings) {
      sum += r;
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    this.offset = sum / d.count;
    this.ratingRange ??= [lo, hi];

    const strat = new Stratifier(d.users, d.items, this.numUsers, this.numItems, blocks);
    const rng = new Random(`${this.seed}:mf-fit:${this.fits++}`);
    const samples = {
      users: tensor(d.users, [d.count], 'int32'),
      items: tensor(d.items, [d.count], 'int32'),
      ratings: tensor(d.ratings, [d.count], 'float32'),
    };
    const state = type === 'adam' ? mfAdamState(this.vars) : undefined;
    const log = new EpochLog('matrixFactorization', { ...opts, epochs });
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const lay = strat.layout(rng);
        const order = tensor(lay.order, [lay.order.length], 'int32'),
          offsets = tensor(lay.offsets, [lay.offsets.length], 'int32');
        let sse: number;
        try {
          sse = mfTrainEpoch({
            vars: this.vars,
            data: samples,
            layout: { order, offsets, strata: blocks, blocks },
            mu: this.offset,
            rule,
            ...(state ? { adam: state } : {}),
          });
        } finally {
          dispose([order, offsets]);
        }
        const logs: Record<string, number> = { loss: sse / d.count, rmse: Math.sqrt(sse / d.count) };
        if (val) logs.val_rmse = rmse(this.predict(val.users, val.items), val.ratings!);
        await log.end(epoch, logs);
      }
    } finally {
      dispose(Object.values(samples));
      state?.dispose();
    }
    return log.result;
  }

  /**
   * Predicted ratings of (user, item) pairs, clipped to the rating range. Ids
   * the model does not know get a cold-start prediction (the known side's
   * bias plus the global mean) instead of an error. Tensors in, a tensor
   * out; arrays in, a Float32Array out.
   */
  predict(users: Tensor, items: Column): Tensor;
  predict(users: ArrayLike<number>, items: Column): Float32Array;
  predict(users: Column, items: Column): Float32Array | Tensor {
    const asTensor = users instanceof Tensor;
    const u = asTensor ? (users.dataSync() as Int32Array) : users,
      i = items instanceof Tensor ? items.dataSync() : items;
    if (u.length !== i.length) throw new Error(`matrixFactorization.predict: ${u.length} users for ${i.length} items`);
    const out = this.scorePairs(
      Int32Array.from(u, (x) => (Number.isInteger(x) ? x : -1)),
      Int32Array.from(i, (x) => (Number.isInteger(x) ? x : -1)),
    );
    if (this.ratingRange) {
      const [lo, hi] = this.ratingRange;
      for (let k = 0; k < out.length; k++) out[k] = Math.min(hi, Math.max(lo, out[k]!));
    }
    return asTensor ? tensor(out, [out.length], 'float32') : out;
  }

  /** @internal recommend() reports ratings as predict() does: clipped to the rating range. */
  protected override reportedScore(raw: number): number {
    if (!this.ratingRange) return raw;
    const [lo, hi] = this.ratingRange;
    return Math.min(hi, Math.max(lo, raw));
  }

  protected saveState(): SavedState {
    return {
      config: {
        factors: this.factors,
        biases: this.biases,
        l2: this.l2,
        biasL2: this.biasL2,
        initStd: this.initStd,
        seed: this.seed,
        ...(this.ratingRange ? { ratingRange: this.ratingRange } : {}),
        globalMean: this.offset,
      },
      arrays: this.factorArrays(),
    };
  }

  /** @internal Rebuilds a saved model. */
  static fromSaved(config: Record<string, unknown>, arrays: Record<string, Float32Array | Int32Array>): MatrixFactorization {
    const m = new MatrixFactorization(config as unknown as MatrixFactorizationConfig, arrays);
    m.offset = Number(config.globalMean ?? 0);
    m.restoreServing(arrays);
    return m;
  }
}

/**
 * Biased matrix factorisation for explicit ratings: `fit({users, items,
 * ratings}, {epochs})`, `predict(users, items)`, plus the serving methods
 * (`recommend`, `similarItems`, ...).
 */
export function matrixFactorization(config: MatrixFactorizationConfig): MatrixFactorization {
  return new MatrixFactorization(config);
}
