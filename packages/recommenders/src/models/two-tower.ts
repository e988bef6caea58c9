// Two-tower retrieval (Yi et al. 2019, "Sampling-bias-corrected neural
// modeling for large corpus item recommendations"): a user tower and an item
// tower, each an id embedding (plus optional fixed features) through dense
// layers to an L2-normalised vector; the score is their dot product over a
// temperature. Trained with in-batch negatives: each batch's items are the
// negatives of the other rows, with the logQ correction (subtract the log of
// each item's sampling probability, here its training frequency) and the
// accidental hits (the same item twice in a batch) masked out.
import type { ArtifactArrays, SavedState } from '../io/artifacts.js';
import { Random } from '@wasmml/datasets';
import { input, layers, model as functionalModel, initializers, type LayersModel, type SymbolicTensor } from '@wasmml/layers';
import { adam, type Optimizer } from '@wasmml/optimizers';
import * as ops from '@wasmml/tensor';
import { dispose, tensor, tidy, variableGrads, type Tensor } from '@wasmml/tensor';
import { toInteractions, type InteractionData } from '../data/interactions.js';
import { inBatchSoftmaxLoss, l2Normalize } from '../train/in-batch.js';
import { EpochLog, nonNegative, positiveInt, type BaseFitOptions, type TrainHistory } from '../train/history.js';
import { Recommender, type RecommenderConfig } from './base.js';
import type { ItemVectors } from './base.js';

/** Row features: a [rows, width] row-major array, or one array per row. */
export type FeatureMatrix = Float32Array | number[][];

/** Configuration of {@link twoTower}. */
export interface TwoTowerConfig extends RecommenderConfig {
  /** Size of the id embeddings (default 32). */
  embeddingDim?: number;
  /** Hidden ReLU layers of each tower (default [64]). */
  hiddenUnits?: number[];
  /** Size of the tower outputs (default 32). */
  outputDim?: number;
  /** Fixed features of every user, fed to the user tower beside the id. */
  userFeatures?: FeatureMatrix;
  /** Fixed features of every item (genres, ...), fed to the item tower beside the id. */
  itemFeatures?: FeatureMatrix;
  /** Divisor of the cosine scores in the softmax (default 0.05). */
  temperature?: number;
  /** Seed of the initialisation and of training (default 0). */
  seed?: number;
}

/** Options of `TwoTower.fit`. */
export interface TwoTowerFitOptions extends BaseFitOptions {
  /** Passes over the interactions (default 10). */
  epochs?: number;
  /** Interactions per batch; the other rows' items are the negatives (default 512). */
  batchSize?: number;
  /** Adam step size (default 0.005). */
  learningRate?: number;
  /** Subtract log(item frequency) from the logits (default true). */
  samplingCorrection?: boolean;
}

function features(f: FeatureMatrix | undefined, rows: number, what: string): { data: Float32Array; width: number } | undefined {
  if (f === undefined) return undefined;
  if (Array.isArray(f)) {
    if (f.length !== rows) throw new Error(`twoTower: ${what} has ${f.length} rows for ${rows} ids`);
    const width = f[0]?.length ?? 0;
    const data = new Float32Array(rows * width);
    f.forEach((r, k) => {
      if (r.length !== width) throw new Error(`twoTower: ${what} row ${k} has ${r.length} values, row 0 has ${width}`);
      data.set(r, k * width);
    });
    return { data, width };
  }
  if (rows === 0 || f.length % rows !== 0) throw new Error(`twoTower: ${what} has ${f.length} values, not a multiple of ${rows} rows`);
  return { data: f, width: f.length / rows };
}

/** Two-tower retrieval; see {@link twoTower}. */
export class TwoTower extends Recommender {
  readonly kind = 'twoTower';
  /** The user tower: int32 ids [n, 1] -> vectors [n, outputDim] (before normalisation). */
  readonly userTower: LayersModel;
  /** The item tower. */
  readonly itemTower: LayersModel;
  private readonly cfg: Required<Pick<TwoTowerConfig, 'embeddingDim' | 'hiddenUnits' | 'outputDim' | 'temperature' | 'seed'>>;
  private readonly userFeat: { data: Float32Array; width: number } | undefined;
  private readonly itemFeat: { data: Float32Array; width: number } | undefined;
  private optimizer: Optimizer | undefined;
  private optimizerLr: number | undefined;
  private itemCache: Float32Array | undefined;

  /** @internal Use {@link twoTower}. */
  constructor(config: TwoTowerConfig) {
    super(config, 'twoTower');
    this.cfg = {
      embeddingDim: positiveInt(config.embeddingDim ?? 32, 'embeddingDim', 'twoTower'),
      hiddenUnits: config.hiddenUnits ?? [64],
      outputDim: positiveInt(config.outputDim ?? 32, 'outputDim', 'twoTower'),
      temperature: config.temperature ?? 0.05,
      seed: config.seed ?? 0,
    };
    if (!(this.cfg.temperature > 0)) throw new RangeError(`twoTower: temperature = ${this.cfg.temperature}, expected > 0`);
    this.cfg.hiddenUnits.forEach((u) => positiveInt(u, 'hiddenUnits', 'twoTower'));
    this.userFeat = features(config.userFeatures, this.numUsers, 'userFeatures');
    this.itemFeat = features(config.itemFeatures, this.numItems, 'itemFeatures');
    this.userTower = this.tower('user', this.numUsers, this.userFeat, 1);
    this.itemTower = this.tower('item', this.numItems, this.itemFeat, 2);
  }

  private tower(side: string, rows: number, feat: { data: Float32Array; width: number } | undefined, salt: number): LayersModel {
    let s = this.cfg.seed * 7919 + salt * 104729;
    const seed = () => (s = (s + 1) % 2147483647);
    const id = input({ shape: [1], dtype: 'int32', name: `${side}_id` });
    const flat = (x: SymbolicTensor) => layers.flatten().apply(x) as SymbolicTensor;
    let h = flat(
      layers
        .embedding({
          inputDim: rows,
          outputDim: this.cfg.embeddingDim,
          name: `${side}_embedding`,
          embeddingsInitializer: initializers.randomNormal({ stddev: 0.05, seed: seed() }),
        })
        .apply(id) as SymbolicTensor,
    );
    if (feat && feat.width > 0) {
      // Fixed features as a frozen lookup table, so the tower's only input is the id.
      const table = tensor(feat.data, [rows, feat.width], 'float32');
      const f = flat(
        layers
          .embedding({ inputDim: rows, outputDim: feat.width, name: `${side}_features`, trainable: false, weights: [table] })
          .apply(id) as SymbolicTensor,
      );
      table.dispose();
      h = layers.concatenate({ name: `${side}_concat` }).apply([h, f]) as SymbolicTensor;
    }
    this.cfg.hiddenUnits.forEach((units, l) => {
      h = layers
        .dense({ units, activation: 'relu', name: `${side}_hidden_${l + 1}`, kernelInitializer: initializers.heNormal({ seed: seed() }) })
        .apply(h) as SymbolicTensor;
    });
    const out = layers
      .dense({ units: this.cfg.outputDim, name: `${side}_output`, kernelInitializer: initializers.glorotUniform({ seed: seed() }) })
      .apply(h) as SymbolicTensor;
    return functionalModel({ inputs: id, outputs: out, name: `${side}_tower` });
  }

  /** L2-normalised tower outputs for ids. */
  private embed(tower: LayersModel, ids: Int32Array, training: boolean): Tensor {
    return l2Normalize(tower.execute([tensor(ids, [ids.length, 1], 'int32')], { training })[0]!);
  }

  /**
   * Trains on observed interactions `users`, `items` (dense indices) with
   * in-batch negatives and the sampling-bias correction.
   */
  async fit(data: InteractionData, opts: TwoTowerFitOptions = {}): Promise<TrainHistory> {
    const op = 'twoTower.fit';
    const d = toInteractions(data, op, this.numUsers, this.numItems);
    if (d.count < 2) throw new Error(`${op}: needs at least 2 interactions (in-batch negatives)`);
    const epochs = opts.epochs ?? 10;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`${op}: epochs = ${epochs}, expected an integer >= 0`);
    const batchSize = positiveInt(opts.batchSize ?? 512, 'batchSize', op);
    const lr = nonNegative(opts.learningRate ?? 0.005, 'learningRate', op);
    if (!this.optimizer || this.optimizerLr !== lr) {
      this.optimizer?.dispose();
      this.optimizer = adam(lr);
      this.optimizerLr = lr;
    }
    this.observe(d);
    this.itemCache = undefined;
    const correct = opts.samplingCorrection ?? true;
    const logQ = Float32Array.from(this.popularity!, (c) => Math.log(Math.max(c, 1) / d.count));
    const vars = [...this.userTower.trainableWeights, ...this.itemTower.trainableWeights];
    const rng = new Random(`${this.cfg.seed}:two-tower-fit:${this.fits++}`);
    const log = new EpochLog('twoTower', { ...opts, epochs });
    for (let epoch = 0; epoch < epochs; epoch++) {
      const perm = rng.permutation(d.count);
      let lossSum = 0,
        seen = 0;
      for (let b = 0; b + 1 < d.count; b += batchSize) {
        const rows = perm.subarray(b, Math.min(d.count, b + batchSize));
        const n = rows.length;
        if (n < 2) break;
        const us = Int32Array.from(rows, (r) => d.users[r]!),
          is = Int32Array.from(rows, (r) => d.items[r]!);
        const { value, grads } = variableGrads(
          () =>
            inBatchSoftmaxLoss(
              this.embed(this.userTower, us, true),
              this.embed(this.itemTower, is, true),
              is,
              this.cfg.temperature,
              correct ? logQ : undefined,
            ),
          vars,
        );
        try {
          this.optimizer.applyGradients(grads);
          lossSum += value.dataSync()[0]! * n;
          seen += n;
        } finally {
          dispose(grads);
          value.dispose();
        }
      }
      await log.end(epoch, { loss: lossSum / Math.max(1, seen) });
    }
    return log.result;
  }

  /** Normalised user vectors [users.length, outputDim]. */
  userVectors(users: ArrayLike<number>): Float32Array {
    const ids = Int32Array.from(users, (u) => (u >= 0 && u < this.numUsers ? u : 0));
    return tidy(() => this.embed(this.userTower, ids, false).dataSync() as Float32Array);
  }

  /** Normalised vectors of every item [numItems, outputDim] (cached until the next fit). */
  allItemVectors(): Float32Array {
    if (!this.itemCache) {
      const ids = Int32Array.from({ length: this.numItems }, (_, i) => i);
      this.itemCache = tidy(() => this.embed(this.itemTower, ids, false).dataSync() as Float32Array);
    }
    return this.itemCache;
  }

  /** Cosine similarity of user and item vectors (0 for ids out of range). */
  scorePairs(users: Int32Array, items: Int32Array): Float32Array {
    if (users.length !== items.length) throw new Error(`twoTower.scorePairs: ${users.length} users for ${items.length} items`);
    const dim = this.cfg.outputDim;
    const uv = this.userVectors(users),
      iv = this.allItemVectors();
    return Float32Array.from(users, (u, r) => {
      const i = items[r]!;
      if (!(u >= 0 && u < this.numUsers && i >= 0 && i < this.numItems)) return 0;
      let s = 0;
      for (let f = 0; f < dim; f++) s += uv[r * dim + f]! * iv[i * dim + f]!;
      return s;
    });
  }

  protected scoreAllItems(users: Int32Array): Float32Array {
    const dim = this.cfg.outputDim;
    const uv = this.userVectors(users),
      iv = this.allItemVectors();
    return tidy(
      () => ops.matMul(tensor(uv, [users.length, dim]), tensor(iv, [this.numItems, dim]), false, true).dataSync() as Float32Array,
    );
  }

  protected itemVectors(): ItemVectors {
    return { data: this.allItemVectors(), dim: this.cfg.outputDim };
  }

  protected saveState(): SavedState {
    const arrays: ArtifactArrays = {};
    for (const [side, t] of [
      ['user', this.userTower],
      ['item', this.itemTower],
    ] as const) {
      t.weights.forEach((w, k) => (arrays[`${side}.w${k}`] = { data: w.dataSync() as Float32Array, shape: [...w.shape] }));
    }
    if (this.userFeat) arrays.userFeatures = { data: this.userFeat.data, shape: [this.numUsers, this.userFeat.width] };
    if (this.itemFeat) arrays.itemFeatures = { data: this.itemFeat.data, shape: [this.numItems, this.itemFeat.width] };
    return { config: { ...this.cfg }, arrays };
  }

  /** @internal Rebuilds a saved model. */
  static fromSaved(config: Record<string, unknown>, arrays: Record<string, Float32Array | Int32Array>): TwoTower {
    const f = (k: string) => (arrays[k] instanceof Float32Array ? (arrays[k] as Float32Array) : undefined);
    const m = new TwoTower({
      ...(config as unknown as TwoTowerConfig),
      ...(f('userFeatures') ? { userFeatures: f('userFeatures') } : {}),
      ...(f('itemFeatures') ? { itemFeatures: f('itemFeatures') } : {}),
    });
    for (const [side, t] of [
      ['user', m.userTower],
      ['item', m.itemTower],
    ] as const) {
      const ws = t.weights.map((w, k) => {
        const a = arrays[`${side}.w${k}`];
        if (!(a instanceof Float32Array) || a.length !== w.size)
          throw new Error(`loadRecommender: twoTower weight ${side}.w${k} is missing or not float32 of shape [${w.shape}]`);
        return tensor(a, [...w.shape], 'float32');
      });
      t.setWeights(ws);
      dispose(ws);
    }
    m.restoreServing(arrays);
    return m;
  }

  dispose(): void {
    this.userTower.dispose();
    this.itemTower.dispose();
    this.optimizer?.dispose();
  }
}

/**
 * A two-tower retrieval model: `fit({users, items}, {epochs, batchSize})`,
 * then full-catalogue `recommend`, `similarItems`, `scoreItems`...
 */
export function twoTower(config: TwoTowerConfig): TwoTower {
  return new TwoTower(config);
}
