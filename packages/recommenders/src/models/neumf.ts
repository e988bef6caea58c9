// NeuMF (He et al. 2017, "Neural Collaborative Filtering"): a GMF branch
// (element-wise product of user and item embeddings) and an MLP branch (the
// concatenated embeddings through ReLU layers), joined by one output unit;
// trained as a layers model on observed interactions against uniformly
// sampled unobserved items (label 0) with binary cross-entropy and Adam.
// Optionally the user side adds the user's recent items (userContext), and
// the GMF branch starts from a BPR model trained by the fused kernel (the
// paper's pre-training recipe, with its slow GMF stage replaced by the kernel).
// With `itemYears` the logits add an item-age prior counted at fit (age-prior.ts).
import type { ArtifactArrays, SavedState } from '../io/artifacts.js';
import { Random } from '@wasmml/datasets';
import { losses, type LayersModel } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { dispose, tensor, tidy, type Tensor } from '@wasmml/tensor';
import { toInteractions, type InteractionData } from '../data/interactions.js';
import { allIndices, sampleNegative } from '../data/negatives.js';
import { EpochLog, nonNegative, positiveInt, type BaseFitOptions, type TrainHistory } from '../train/history.js';
import { Recommender, type RecommenderConfig } from './base.js';
import type { ItemVectors } from './base.js';
import { buildNeuMF } from './neumf-net.js';
import { latestItems, recentContext, userTimelines } from '../data/sequences.js';
import { pretrainGmf } from './neumf-pretrain.js';
import { AgePrior } from './age-prior.js';
import { checkFeatureTable, featureTable, paddedFeatures, withFeatures, type ItemFeatureTable } from '../data/item-features.js';

/** Configuration of {@link neuMF}. */
export interface NeuMFConfig extends RecommenderConfig {
  /** Embedding size of the GMF branch (default 16). */
  gmfDim?: number;
  /** Units of the MLP layers; the user and item MLP embeddings are half the first (default [64, 32, 16]). */
  mlpLayers?: number[];
  /** Seed of the initialisation and of training (default 0). */
  seed?: number;
  /**
   * What the user side is made of: 'none' (default) — the user embeddings
   * (He et al.); 'recent' — plus, in each branch, the mean embedding of the
   * user's `contextLength` latest items (each training interaction sees the
   * items just before it, by `timestamps`, else row order).
   */
  userContext?: 'none' | 'recent';
  /** Items in the 'recent' context (default 5). */
  contextLength?: number;
  /**
   * Item side information, as for `bpr`: per item, a list of feature ids in
   * [0, numItemFeatures). Each branch's item embedding gets the mean embedding
   * of the item's features added (a masked mean: an item without features
   * adds nothing); GMF pre-training then trains BPR with the same features.
   * Saved with the model. Default: none.
   */
  itemFeatures?: ArrayLike<ArrayLike<number>>;
  /** Number of distinct item features (required with `itemFeatures`). */
  numItemFeatures?: number;
  /**
   * Release year of each item (NaN or null when unknown), as for `bpr`: the
   * logits add the item-age prior counted at fit (needs `timestamps` in Unix
   * seconds). Default: none.
   */
  itemYears?: ArrayLike<number | null>;
}

/** Options of `NeuMF.fit`. */
export interface NeuMFFitOptions extends BaseFitOptions {
  /** Passes over the interactions (default 20). */
  epochs?: number;
  /** Sampled negatives per observed interaction, redrawn every epoch (default 4). */
  negatives?: number;
  /** Samples per step (default 256). */
  batchSize?: number;
  /** Adam step size (default 0.001). */
  learningRate?: number;
  /**
   * Epochs of GMF pre-training before the first NeuMF epoch (default 0: none).
   * He et al. pre-train GMF and MLP, then initialise NeuMF from them; here the
   * GMF branch is pre-trained as BPR-MF (with the same user context) by the
   * fused kernel — gmfDim - 1 factors, the item bias folded into the last
   * dimension (user 1, item b_i) — so NeuMF starts scoring exactly as that
   * model, with the random MLP's output weights scaled down to 0.1.
   */
  pretrainEpochs?: number;
}

/** NeuMF; see {@link neuMF}. */
export class NeuMF extends Recommender {
  readonly kind = 'neuMF';
  /** GMF embedding size. */
  readonly gmfDim: number;
  /** MLP layer units. */
  readonly mlpLayers: number[];
  /** The layers model: inputs [user, item] int32 [n, 1], output the logit [n, 1]. */
  readonly net: LayersModel;
  /** The user side: 'none' or 'recent' (plus the latest items' mean embedding). */
  readonly userContext: 'none' | 'recent';
  /** Items in the 'recent' context. */
  readonly contextLength: number;
  private readonly seed: number;
  private compiledLr: number | undefined;
  /** Each user's latest training items [numUsers, contextLength], -1 padded ('recent', after fit). */
  private context: Int32Array | undefined;
  /** Number of item features (0 without). */
  readonly numItemFeatures: number;
  /** Item features (CSR) and their padded form for the network's input. */
  private readonly features: { table: ItemFeatureTable; padded: Int32Array; width: number } | undefined;
  /** The item-age prior (with itemYears), counted at fit. */
  private readonly agePrior: AgePrior | undefined;

  /** @internal Use {@link neuMF}. */
  constructor(config: NeuMFConfig, arrays?: Record<string, Float32Array | Int32Array>) {
    super(config, 'neuMF');
    this.gmfDim = positiveInt(config.gmfDim ?? 16, 'gmfDim', 'neuMF');
    this.mlpLayers = config.mlpLayers ?? [64, 32, 16];
    if (this.mlpLayers.length < 1 || this.mlpLayers.some((u) => !Number.isInteger(u) || u < 1) || this.mlpLayers[0]! % 2 !== 0) {
      throw new RangeError(`neuMF: mlpLayers [${this.mlpLayers}] must be positive integers, the first even`);
    }
    this.seed = config.seed ?? 0;
    const uc = config.userContext ?? 'none';
    if (uc !== 'none' && uc !== 'recent') throw new Error(`neuMF: userContext '${String(uc)}' is not 'none' or 'recent'`);
    this.userContext = uc;
    this.contextLength = positiveInt(config.contextLength ?? 5, 'contextLength', 'neuMF');
    if (config.itemFeatures !== undefined) {
      const nf = config.numItemFeatures ?? NaN;
      let table: ItemFeatureTable;
      if (arrays) {
        const off = arrays.itemFeatureOffsets,
          ids = arrays.itemFeatureIds;
        if (!(off instanceof Int32Array && ids instanceof Int32Array))
          throw new Error('loadRecommender: neuMF arrays itemFeatureOffsets / itemFeatureIds are missing or not int32');
        table = checkFeatureTable({ offsets: off, ids, numFeatures: nf }, this.numItems, 'loadRecommender: neuMF');
      } else {
        table = featureTable(config.itemFeatures, this.numItems, nf, 'neuMF');
      }
      const { data, width } = paddedFeatures(table);
      this.features = { table, padded: data, width };
    } else if (config.numItemFeatures !== undefined) {
      throw new Error('neuMF: numItemFeatures is given without itemFeatures');
    }
    this.numItemFeatures = this.features?.table.numFeatures ?? 0;
    this.agePrior = AgePrior.of(config.itemYears, this.numItems, this.numUsers, arrays, 'neuMF');
    this.net = buildNeuMF({
      numUsers: this.numUsers,
      numItems: this.numItems,
      gmfDim: this.gmfDim,
      mlpLayers: this.mlpLayers,
      seed: this.seed,
      contextLength: uc === 'recent' ? this.contextLength : 0,
      ...(this.features ? { featureLength: this.features.width, numItemFeatures: this.numItemFeatures } : {}),
    });
  }

  /** int32 [n, width] item-features input (feature id + 1, 0 pads) of `items`; undefined without features. */
  private featureInput(items: Int32Array): Tensor | undefined {
    const f = this.features;
    if (!f) return undefined;
    const W = f.width,
      out = new Int32Array(items.length * W);
    items.forEach((i, r) => out.set(f.padded.subarray(i * W, (i + 1) * W), r * W));
    return tensor(out, [items.length, W], 'int32');
  }

  /** int32 [n, contextLength] context input (item + 1, 0 pads) of users by their latest items; undefined without a context. */
  private servingContext(users: Int32Array): Tensor | undefined {
    if (this.userContext === 'none') return undefined;
    const L = this.contextLength,
      out = new Int32Array(users.length * L);
    if (this.context) {
      users.forEach((u, r) => {
        for (let c = 0; c < L; c++) out[r * L + c] = this.context![u * L + c]! + 1;
      });
    }
    return tensor(out, [users.length, L], 'int32');
  }

  /**
   * Trains on observed interactions `users`, `items` (dense indices). Each
   * epoch pairs every interaction with `negatives` items the user has no
   * interaction with, shuffles, and runs one pass of minibatch Adam.
   */
  async fit(data: InteractionData, opts: NeuMFFitOptions = {}): Promise<TrainHistory> {
    const op = 'neuMF.fit';
    const d = toInteractions(data, op, this.numUsers, this.numItems);
    if (d.count === 0) throw new Error(`${op}: no interactions to train on`);
    const epochs = opts.epochs ?? 20;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`${op}: epochs = ${epochs}, expected an integer >= 0`);
    const negatives = opts.negatives ?? 4;
    if (!Number.isInteger(negatives) || negatives < 0) throw new RangeError(`${op}: negatives = ${negatives}, expected an integer >= 0`);
    const batchSize = positiveInt(opts.batchSize ?? 256, 'batchSize', op);
    const lr = nonNegative(opts.learningRate ?? 0.001, 'learningRate', op);
    const pretrain = opts.pretrainEpochs ?? 0;
    if (!Number.isInteger(pretrain) || pretrain < 0) throw new RangeError(`${op}: pretrainEpochs = ${pretrain}, expected an integer >= 0`);
    if (pretrain > 0 && this.gmfDim < 2)
      throw new RangeError(`${op}: pretrainEpochs needs gmfDim >= 2 (gmfDim - 1 factors plus the item bias), got ${this.gmfDim}`);
    // Counted before any training; a missing timestamp column fails with nothing changed.
    this.agePrior?.fit(d, this.numUsers, op);
    if (pretrain > 0) {
      await pretrainGmf(this.net, d, {
        numUsers: this.numUsers,
        numItems: this.numItems,
        gmfDim: this.gmfDim,
        seed: this.seed,
        epochs: pretrain,
        userContext: this.userContext,
        contextLength: this.contextLength,
        ...(this.features ? { features: this.features.table } : {}),
      });
    }
    if (this.compiledLr !== lr) {
      this.net.compile({ optimizer: adam(lr), loss: losses.binaryCrossentropy({ fromLogits: true }) });
      this.compiledLr = lr;
    }
    this.observe(d);
    const seen = this.seen!;
    const pool = allIndices(this.numItems);
    const L = this.contextLength;
    const tl = this.userContext === 'recent' ? userTimelines(d, this.numUsers) : undefined;
    const ctxOf = tl ? recentContext(d, tl, L) : undefined;
    this.context = tl ? latestItems(d, tl, L) : undefined;
    const rng = new Random(`${this.seed}:neumf-fit:${this.fits++}`);
    const n = d.count * (1 + negatives);
    const log = new EpochLog('neuMF', { ...opts, epochs });
    for (let epoch = 0; epoch < epochs; epoch++) {
      const us = new Int32Array(n),
        is = new Int32Array(n),
        ys = new Float32Array(n);
      const cs = ctxOf ? new Int32Array(n * L) : undefined;
      const perm = rng.permutation(n);
      let w = 0;
      for (let r = 0; r < d.count; r++) {
        const u = d.users[r]!;
        const put = (i: number, y: number) => {
          const at = perm[w++]!;
          us[at] = u;
          is[at] = i;
          ys[at] = y;
          if (cs) for (let c = 0; c < L; c++) cs[at * L + c] = ctxOf![r * L + c]! + 1;
        };
        put(d.items[r]!, 1);
        for (let c = 0; c < negatives; c++) {
          const j = sampleNegative(rng, pool, seen, u);
          put(j < 0 ? d.items[r]! : j, j < 0 ? 1 : 0);
        }
      }
      const fi = this.featureInput(is);
      const x = [
        tensor(us, [n, 1], 'int32'),
        tensor(is, [n, 1], 'int32'),
        ...(cs ? [tensor(cs, [n, L], 'int32')] : []),
        ...(fi ? [fi] : []),
      ];
      const y = tensor(ys, [n, 1], 'float32');
      let loss: number;
      try {
        const h = await this.net.fit(x, y, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
        loss = h.history.loss![0] as number;
      } finally {
        dispose([...x, y]);
      }
      await log.end(epoch, { loss });
    }
    return log.result;
  }

  /**
   * Logits of (user, item) pairs (higher = more likely), plus the age prior
   * (with itemYears); unknown ids score as their embedding rows, or 0 out of range.
   */
  scorePairs(users: Int32Array, items: Int32Array): Float32Array {
    if (users.length !== items.length) throw new Error(`neuMF.scorePairs: ${users.length} users for ${items.length} items`);
    const n = users.length;
    if (n === 0) return new Float32Array(0);
    const ok = (v: number, lim: number) => v >= 0 && v < lim;
    const u = Int32Array.from(users, (v) => (ok(v, this.numUsers) ? v : 0));
    const i = Int32Array.from(items, (v) => (ok(v, this.numItems) ? v : 0));
    const out = tidy(() => {
      const ctx = this.servingContext(u);
      const fi = this.featureInput(i);
      const p = this.net.predict([tensor(u, [n, 1], 'int32'), tensor(i, [n, 1], 'int32'), ...(ctx ? [ctx] : []), ...(fi ? [fi] : [])], {
        batchSize: 8192,
      }) as Tensor;
      return p.dataSync() as Float32Array;
    });
    for (let r = 0; r < n; r++) if (!ok(users[r]!, this.numUsers) || !ok(items[r]!, this.numItems)) out[r] = 0;
    this.agePrior?.addPairs(users, items, out);
    return out;
  }

  protected scoreAllItems(users: Int32Array): Float32Array {
    const n = users.length * this.numItems;
    const u = new Int32Array(n),
      i = new Int32Array(n);
    users.forEach((user, r) => {
      u.fill(user, r * this.numItems, (r + 1) * this.numItems);
      for (let j = 0; j < this.numItems; j++) i[r * this.numItems + j] = j;
    });
    return this.scorePairs(u, i);
  }

  /** GMF item embeddings (plus their features' mean): the item side of the model's matrix-factorisation part. */
  protected itemVectors(): ItemVectors {
    const w = this.net.getLayer('gmf_item').weights[0]!.dataSync() as Float32Array;
    if (!this.features) return { data: w, dim: this.gmfDim };
    // Row 0 of the feature embedding is the padding id; feature f is row f + 1.
    const fe = (this.net.getLayer('gmf_feature').weights[0]!.dataSync() as Float32Array).subarray(this.gmfDim);
    return { data: withFeatures(w, fe, this.features.table, this.gmfDim), dim: this.gmfDim };
  }

  /** An unseen item with features has a meaningful (feature-based) vector. */
  protected override hasItemVector(i: number): boolean {
    const t = this.features?.table;
    return this.isKnownItem(i) || (!!t && Number.isInteger(i) && i >= 0 && i < this.numItems && t.offsets[i + 1]! > t.offsets[i]!);
  }

  protected saveState(): SavedState {
    const arrays: ArtifactArrays = {};
    this.net.weights.forEach((w, k) => (arrays[`w${k}`] = { data: w.dataSync() as Float32Array, shape: [...w.shape] }));
    if (this.context) arrays.contextItems = { data: this.context, shape: [this.numUsers, this.contextLength] };
    Object.assign(arrays, this.agePrior?.arrays());
    const t = this.features?.table;
    if (t) {
      arrays.itemFeatureOffsets = { data: t.offsets, shape: [this.numItems + 1] };
      arrays.itemFeatureIds = { data: t.ids, shape: [t.ids.length] };
    }
    return {
      config: {
        gmfDim: this.gmfDim,
        mlpLayers: this.mlpLayers,
        seed: this.seed,
        userContext: this.userContext,
        contextLength: this.contextLength,
        // The lists travel as the CSR arrays; `true` marks a hybrid model.
        ...(t ? { itemFeatures: true, numItemFeatures: t.numFeatures } : {}),
        ...(this.agePrior ? { itemYears: this.agePrior.config() } : {}),
      },
      arrays,
    };
  }

  /** @internal Rebuilds a saved model. */
  static fromSaved(config: Record<string, unknown>, arrays: Record<string, Float32Array | Int32Array>): NeuMF {
    const m = new NeuMF(config as unknown as NeuMFConfig, arrays);
    const ws = m.net.weights.map((w, k) => {
      const a = arrays[`w${k}`];
      if (!(a instanceof Float32Array) || a.length !== w.size)
        throw new Error(`loadRecommender: neuMF weight w${k} is missing or not float32 of shape [${w.shape}]`);
      return tensor(a, [...w.shape], 'float32');
    });
    m.net.setWeights(ws);
    dispose(ws);
    const ctx = arrays.contextItems;
    if (ctx !== undefined) {
      if (!(ctx instanceof Int32Array && ctx.length === m.numUsers * m.contextLength)) {
        throw new Error(`loadRecommender: neuMF array contextItems is not int32 of shape [${m.numUsers},${m.contextLength}]`);
      }
      m.context = ctx;
    }
    m.restoreServing(arrays);
    return m;
  }

  dispose(): void {
    this.net.dispose();
  }
}

/**
 * NeuMF for implicit feedback: `fit({users, items}, {epochs, negatives})`,
 * then `recommend`, `similarItems`, `scorePairs`...
 */
export function neuMF(config: NeuMFConfig): NeuMF {
  return new NeuMF(config);
}
