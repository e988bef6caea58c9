// BPR matrix factorisation for implicit feedback (Rendle et al. 2009):
// x_ui = b_i + p_u · q_i, trained on triples (u, i, j) — an observed item i
// against an unobserved j — to maximise log sigmoid(x_ui - x_uj), per triple,
// by SGD or sparse Adam in one fused kernel pass per epoch. With several
// negative candidates per triple the kernel trains on the one the model
// currently scores highest (dynamic negative sampling, Zhang et al. 2013).
// With `userContext: 'recent'` the user side is p_u + the mean of context
// factors s_l over the user's latest items (FPMC trained with the BPR
// criterion, Rendle et al. 2010): each training interaction sees the items
// the user had just before it, serving sees the user's latest training items.
// With `itemFeatures` the item side is hybrid (LightFM-style, "BPR with item
// features"): q_i + the mean of the item's feature factors, b_i + the mean of
// its feature biases, so rare and unseen items borrow from similar ones.
// With `itemYears` the scores add an item-age prior counted at fit (see
// age-prior.ts): time-aware, it depends on the user's latest time.
import type { SavedState } from '../io/artifacts.js';
import { Random } from '@wasmml/datasets';
import type { LearningRateSchedule } from '@wasmml/optimizers';
import { dispose, tensor, variable, type Tensor, type Variable } from '@wasmml/tensor';
import { mfAdamState } from '../kernels/adam-state.js';
import { bprTrainEpoch } from '../kernels/bpr-epoch.js';
import type { MfVariables, SparseRule } from '../kernels/types.js';
import { checkFeatureTable, featureTable, withFeatures, type ItemFeatureTable } from '../data/item-features.js';
import { toInteractions, type InteractionData } from '../data/interactions.js';
import { sampleNegative } from '../data/negatives.js';
import { Stratifier } from '../train/strata.js';
import { latestItems, recentContext, userTimelines, withContext } from '../data/sequences.js';
import { EpochLog, nonNegative, positiveInt, type BaseFitOptions, type TrainHistory } from '../train/history.js';
import { FactorModel, type FactorConfig } from './factors.js';
import { AgePrior } from './age-prior.js';

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
  /**
   * What the user side is made of: 'none' (default) — the user's factors p_u
   * (plain BPR-MF); 'recent' — p_u plus the mean of context factors s_l over
   * the user's `contextLength` latest items (FPMC-style; Rendle et al. 2010).
   * Training orders each user's interactions by `timestamps` (row order
   * without them); a 'recent' model trains with SGD on one block (one thread).
   */
  userContext?: 'none' | 'recent';
  /** Items in the 'recent' context (default 5). */
  contextLength?: number;
  /** L2 factor of the context factors (default 0.0001). */
  contextL2?: number;
  /**
   * Item side information (hybrid items, LightFM-style): per item, a list of
   * integer feature ids in [0, numItemFeatures) — e.g. from
   * `movieLensItemFeatures`. The item side becomes q_i + the mean of the
   * features' factors and its bias b_i + the mean of their biases; the
   * features are saved with the model, and items without training
   * interactions are served from them. A model with features trains with SGD
   * on one block (one thread). Default: none (plain items).
   */
  itemFeatures?: ArrayLike<ArrayLike<number>>;
  /** Number of distinct item features (required with `itemFeatures`). */
  numItemFeatures?: number;
  /** L2 factor of the feature factors (default 0.001, chosen on a MovieLens validation split); feature biases take biasL2. */
  featureL2?: number;
  /**
   * Release year of each item (NaN or null when unknown), e.g.
   * `movieLensItemFeatures(ml).itemYears`; needs `timestamps` in Unix seconds
   * at fit. Scores then add an item-age prior: the log ratio, per age bucket
   * (years since release at the interaction's time), of the training
   * interactions' age distribution to the catalogue's, taken at each user's
   * latest training time — so items released after it sink and recent
   * releases rise for recently active users. Default: none.
   */
  itemYears?: ArrayLike<number | null>;
}

/** Options of `BprModel.fit`. */
export interface BprFitOptions extends BaseFitOptions {
  /** Passes over the interactions (default 30). */
  epochs?: number;
  /** 'sgd' (default) or 'adam' (sparse, per-row). */
  optimizer?: 'sgd' | 'adam';
  /**
   * Step size (default 0.05 for sgd, 0.005 for adam), or a schedule from
   * `@wasmml/optimizers` (`cosineDecay`, `piecewiseConstant`...) evaluated
   * once per epoch: its step is the epoch index of this fit.
   */
  learningRate?: number | LearningRateSchedule;
  /** Step size of the item biases (default: learningRate, schedule included). */
  biasLearningRate?: number;
  /** Negative candidates drawn per interaction; above 1, the best-scored one is used (default 1). */
  negativeCandidates?: number;
  /**
   * User and item groups of the stratified schedule (default 8; 1, the only
   * value allowed, with a user context); negatives come from the positive's item group.
   */
  blocks?: number;
}

/** BPR matrix factorisation; see {@link bpr}. */
export class BprModel extends FactorModel {
  readonly kind = 'bpr';
  /** L2 factor of the latent factors. */
  readonly l2: number;
  /** L2 factor of the item biases. */
  readonly biasL2: number;
  /** The user side: 'none' (plain BPR-MF) or 'recent' (plus the latest items' context factors). */
  readonly userContext: 'none' | 'recent';
  /** Items in the 'recent' context. */
  readonly contextLength: number;
  /** L2 factor of the context factors. */
  readonly contextL2: number;
  /** Number of item features (0 without). */
  readonly numItemFeatures: number;
  /** L2 factor of the feature factors. */
  readonly featureL2: number;
  /** Item features (CSR), when given. */
  private readonly features: ItemFeatureTable | undefined;
  /** Feature factors [numItemFeatures, factors] and biases [numItemFeatures] (itemBias only). */
  private readonly featureVars: { factors: Variable; bias?: Variable } | undefined;
  /** Item factors and biases plus their features' means, for scoring (rebuilt after fit). */
  private scoringItems: { factors: Variable; bias?: Variable } | undefined;
  private readonly initStd: number;
  private readonly itemBias: boolean;
  /** Context factors S [numItems, factors] ('recent' only). */
  private readonly contextFactors: Variable | undefined;
  /** Each user's latest training items [numUsers, contextLength], -1 padded ('recent', after fit). */
  private context: Int32Array | undefined;
  /** User factors plus their context, for scoring (rebuilt after fit). */
  private scoring: Variable | undefined;
  /** The item-age prior (with itemYears), counted at fit. */
  private readonly agePrior: AgePrior | undefined;

  /** @internal Use {@link bpr}. */
  constructor(config: BprConfig, arrays?: Record<string, Float32Array | Int32Array>) {
    const itemBias = config.itemBias ?? true;
    super(config, { factors: 64, initStd: 0.1 }, { user: false, item: itemBias }, 'bpr', arrays);
    this.itemBias = itemBias;
    this.initStd = config.initStd ?? 0.1;
    this.l2 = nonNegative(config.l2 ?? 0.01, 'l2', 'bpr');
    this.biasL2 = nonNegative(config.biasL2 ?? this.l2, 'biasL2', 'bpr');
    const uc = config.userContext ?? 'none';
    if (uc !== 'none' && uc !== 'recent') throw new Error(`bpr: userContext '${String(uc)}' is not 'none' or 'recent'`);
    this.userContext = uc;
    this.contextLength = positiveInt(config.contextLength ?? 5, 'contextLength', 'bpr');
    this.contextL2 = nonNegative(config.contextL2 ?? 0.0001, 'contextL2', 'bpr');
    if (uc === 'recent') {
      const n = this.numItems * this.factors,
        saved = arrays?.contextFactors,
        ctx = arrays?.contextItems;
      if (arrays && !(saved instanceof Float32Array && saved.length === n)) {
        throw new Error(`loadRecommender: bpr array contextFactors is missing or not float32 of shape [${this.numItems},${this.factors}]`);
      }
      if (arrays && ctx !== undefined && !(ctx instanceof Int32Array && ctx.length === this.numUsers * this.contextLength)) {
        throw new Error(`loadRecommender: bpr array contextItems is not int32 of shape [${this.numUsers},${this.contextLength}]`);
      }
      const rng = new Random(`${this.seed}:bpr-context`);
      const t = tensor(
        saved ?? Float32Array.from({ length: n }, () => rng.normal() * this.initStd),
        [this.numItems, this.factors],
        'float32',
      );
      this.contextFactors = variable(t, false);
      t.dispose();
      this.context = ctx as Int32Array | undefined;
    }
    this.featureL2 = nonNegative(config.featureL2 ?? 0.001, 'featureL2', 'bpr');
    if (config.itemFeatures !== undefined) {
      const nf = config.numItemFeatures ?? NaN;
      if (arrays) {
        const off = arrays.itemFeatureOffsets,
          ids = arrays.itemFeatureIds;
        if (!(off instanceof Int32Array && ids instanceof Int32Array))
          throw new Error('loadRecommender: bpr arrays itemFeatureOffsets / itemFeatureIds are missing or not int32');
        this.features = checkFeatureTable({ offsets: off, ids, numFeatures: nf }, this.numItems, 'loadRecommender: bpr');
      } else {
        this.features = featureTable(config.itemFeatures, this.numItems, nf, 'bpr');
      }
      const k = this.factors,
        n = nf * k;
      const saved = arrays?.featureFactors,
        savedB = arrays?.featureBias;
      if (arrays && !(saved instanceof Float32Array && saved.length === n))
        throw new Error(`loadRecommender: bpr array featureFactors is missing or not float32 of shape [${nf},${k}]`);
      if (arrays && itemBias && !(savedB instanceof Float32Array && savedB.length === nf))
        throw new Error(`loadRecommender: bpr array featureBias is missing or not float32 of shape [${nf}]`);
      const rng = new Random(`${this.seed}:bpr-features`);
      const own = (data: Float32Array, shape: number[]) => {
        const t = tensor(data, shape, 'float32');
        const x = variable(t, false);
        t.dispose();
        return x;
      };
      this.featureVars = {
        factors: own((saved as Float32Array | undefined) ?? Float32Array.from({ length: n }, () => rng.normal() * this.initStd), [nf, k]),
        ...(itemBias ? { bias: own((savedB as Float32Array | undefined) ?? new Float32Array(nf), [nf]) } : {}),
      };
    } else if (config.numItemFeatures !== undefined) {
      throw new Error('bpr: numItemFeatures is given without itemFeatures');
    }
    this.numItemFeatures = this.features?.numFeatures ?? 0;
    this.agePrior = AgePrior.of(config.itemYears, this.numItems, this.numUsers, arrays, 'bpr');
  }

  /** Scores plus the age prior (with itemYears, after fit). */
  override scorePairs(users: Int32Array, items: Int32Array): Float32Array {
    const out = super.scorePairs(users, items);
    this.agePrior?.addPairs(users, items, out);
    return out;
  }

  /** @internal Every item's score for each of `users`, plus the age prior. */
  protected override scoreAllItems(users: Int32Array): Float32Array {
    const out = super.scoreAllItems(users);
    this.agePrior?.addRows(users, out);
    return out;
  }

  /** @internal The feature factors [numItemFeatures, factors] and biases (with itemFeatures only). */
  get featureTables(): { factors: Variable; bias?: Variable } | undefined {
    return this.featureVars;
  }

  /** The feature ids of item i (empty without features or out of range). */
  itemFeatureIds(i: number): Int32Array {
    const t = this.features;
    if (!t || !(Number.isInteger(i) && i >= 0 && i < this.numItems)) return new Int32Array(0);
    return t.ids.slice(t.offsets[i]!, t.offsets[i + 1]!);
  }

  /** @internal The context factors S [numItems, factors] ('recent' only). */
  get contextTable(): Variable | undefined {
    return this.contextFactors;
  }

  /**
   * User factors plus the mean context factors of each user's latest items
   * ('recent'), item factors and biases plus their features' means (with
   * itemFeatures); else the plain variables.
   */
  protected override scoringVars(): MfVariables {
    return { ...this.userScoringVars(), ...this.itemScoringVars() };
  }

  private itemScoringVars(): Partial<MfVariables> {
    const fv = this.featureVars,
      t = this.features;
    if (!fv || !t) return {};
    if (!this.scoringItems) {
      const own = (data: Float32Array, shape: number[]) => {
        const x = tensor(data, shape, 'float32');
        const v = variable(x, false);
        x.dispose();
        return v;
      };
      const k = this.factors;
      const q = withFeatures(this.vars.itemFactors.dataSync() as Float32Array, fv.factors.dataSync() as Float32Array, t, k);
      const b = this.vars.itemBias
        ? withFeatures(
            this.vars.itemBias.dataSync() as Float32Array,
            fv.bias ? (fv.bias.dataSync() as Float32Array) : new Float32Array(t.numFeatures),
            t,
            1,
          )
        : undefined;
      this.scoringItems = { factors: own(q, [this.numItems, k]), ...(b ? { bias: own(b, [this.numItems]) } : {}) };
    }
    return { itemFactors: this.scoringItems.factors, ...(this.scoringItems.bias ? { itemBias: this.scoringItems.bias } : {}) };
  }

  private userScoringVars(): MfVariables {
    if (!this.contextFactors || !this.context) return this.vars;
    if (!this.scoring) {
      const eff = withContext(
        this.vars.userFactors.dataSync() as Float32Array,
        this.contextFactors.dataSync() as Float32Array,
        this.context,
        this.contextLength,
        this.numItems,
        this.factors,
      );
      const t = tensor(eff, [this.numUsers, this.factors], 'float32');
      this.scoring = variable(t, false);
      t.dispose();
    }
    return { ...this.vars, userFactors: this.scoring };
  }

  /** Items never interacted with were still trained (as negatives): their scores stand. */
  protected override get untrainedItemsAreCold(): boolean {
    return false;
  }

  /** An unseen item with features has a meaningful (feature-based) vector. */
  protected override hasItemVector(i: number): boolean {
    return this.isKnownItem(i) || this.itemFeatureIds(i).length > 0;
  }

  /**
   * Trains on observed interactions `users`, `items` (dense indices; ratings,
   * if any, are ignored). Negatives are drawn uniformly among the items the
   * user has no interaction with, from the positive's item group of the
   * schedule. Continues from the current factors when called again. With
   * `userContext: 'recent'`, each interaction's context is the user's items
   * just before it (by `timestamps`, else row order), and serving uses the
   * user's latest items of this data.
   */
  async fit(data: InteractionData, opts: BprFitOptions = {}): Promise<TrainHistory> {
    const op = 'bpr.fit';
    const d = toInteractions(data, op, this.numUsers, this.numItems);
    if (d.count === 0) throw new Error(`${op}: no interactions to train on`);
    const epochs = opts.epochs ?? 30;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`${op}: epochs = ${epochs}, expected an integer >= 0`);
    const type = opts.optimizer ?? 'sgd';
    if (type !== 'sgd' && type !== 'adam') throw new Error(`${op}: optimizer '${String(type)}' is not 'sgd' or 'adam'`);
    const lrOpt = opts.learningRate ?? (type === 'sgd' ? 0.05 : 0.005);
    const lrAt = (epoch: number) => nonNegative(typeof lrOpt === 'number' ? lrOpt : lrOpt(epoch), 'learningRate', op);
    const biasLr = opts.biasLearningRate === undefined ? undefined : nonNegative(opts.biasLearningRate, 'biasLearningRate', op);
    const ruleAt = (epoch: number): SparseRule => {
      const lr = lrAt(epoch);
      return { type, learningRate: lr, l2: this.l2, biasL2: this.biasL2, biasLearningRate: biasLr ?? lr };
    };
    ruleAt(0); // a bad rate fails before anything changes
    const per = positiveInt(opts.negativeCandidates ?? 1, 'negativeCandidates', op);
    const S = this.contextFactors,
      fv = this.featureVars;
    // Context and feature rows are shared across users and items: no two blocks could run at once.
    const shared = S ? "userContext 'recent'" : fv ? 'itemFeatures' : undefined;
    const blocks = positiveInt(opts.blocks ?? (shared ? 1 : 8), 'blocks', op);
    if (shared && blocks !== 1) throw new RangeError(`${op}: blocks = ${blocks}, but a model with ${shared} trains on 1 block`);
    if (shared && type !== 'sgd') throw new Error(`${op}: a model with ${shared} trains with optimizer 'sgd', got '${type}'`);
    // Counted before any training; a missing timestamp column fails with nothing changed.
    this.agePrior?.fit(d, this.numUsers, op);
    this.observe(d);
    const tl = S ? userTimelines(d, this.numUsers) : undefined;
    const L = this.contextLength;
    const ctxItems = tl ? tensor(recentContext(d, tl, L), [d.count, L], 'int32') : undefined;
    const context = S && ctxItems ? { factors: S, items: ctxItems, l2: this.contextL2 } : undefined;
    const ft = this.features;
    const featT: Tensor[] = fv && ft ? [tensor(ft.offsets, [ft.offsets.length], 'int32'), tensor(ft.ids, [ft.ids.length], 'int32')] : [];
    const features =
      fv && featT.length
        ? { factors: fv.factors, ...(fv.bias ? { bias: fv.bias } : {}), offsets: featT[0]!, ids: featT[1]!, l2: this.featureL2 }
        : undefined;
    this.context = tl ? latestItems(d, tl, L) : undefined;
    this.dropScoring();
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
          const idx = lay.order[p]!,
            u = d.users[idx]!,
            i = d.items[idx]!;
          const pool = strat.groupItems[strat.itemGroup[i]!]!;
          for (let c = 0; c < per; c++) {
            const j = sampleNegative(rng, pool, seen, u);
            // No negative left in the group: the positive itself, which the kernel skips.
            negs[p * per + c] = j < 0 ? i : j;
          }
        }
        const order = tensor(lay.order, [d.count], 'int32'),
          offsets = tensor(lay.offsets, [lay.offsets.length], 'int32');
        const negT = tensor(negs, [d.count, per], 'int32');
        let loss: number;
        try {
          loss = bprTrainEpoch({
            vars: this.vars,
            data: samples,
            negatives: negT,
            layout: { order, offsets, strata: blocks, blocks },
            rule: ruleAt(epoch),
            ...(state ? { adam: state } : {}),
            ...(context ? { context } : {}),
            ...(features ? { features } : {}),
          });
        } finally {
          dispose([order, offsets, negT]);
        }
        // The factors moved: scoring (e.g. from a callback) rebuilds the users' context vectors.
        this.dropScoring();
        await log.end(epoch, { loss: loss / d.count });
      }
    } finally {
      dispose([...Object.values(samples), ...(ctxItems ? [ctxItems] : []), ...featT]);
      state?.dispose();
    }
    return log.result;
  }

  private dropScoring(): void {
    this.scoring?.dispose();
    this.scoring = undefined;
    if (this.scoringItems) dispose(Object.values(this.scoringItems));
    this.scoringItems = undefined;
  }

  /** Frees the model's tensors (factors, biases, context and feature factors). */
  override dispose(): void {
    super.dispose();
    this.dropScoring();
    dispose([...(this.contextFactors ? [this.contextFactors] : []), ...(this.featureVars ? Object.values(this.featureVars) : [])]);
  }

  protected saveState(): SavedState {
    return {
      config: {
        factors: this.factors,
        itemBias: this.itemBias,
        l2: this.l2,
        biasL2: this.biasL2,
        initStd: this.initStd,
        seed: this.seed,
        userContext: this.userContext,
        contextLength: this.contextLength,
        contextL2: this.contextL2,
        // The lists themselves travel as the CSR arrays below; `true` marks a hybrid model.
        ...(this.features ? { itemFeatures: true, numItemFeatures: this.numItemFeatures, featureL2: this.featureL2 } : {}),
        ...(this.agePrior ? { itemYears: this.agePrior.config() } : {}),
      },
      arrays: {
        ...this.factorArrays(),
        ...(this.contextFactors
          ? { contextFactors: { data: this.contextFactors.dataSync() as Float32Array, shape: [this.numItems, this.factors] } }
          : {}),
        ...(this.context ? { contextItems: { data: this.context, shape: [this.numUsers, this.contextLength] } } : {}),
        ...(this.features && this.featureVars
          ? {
              itemFeatureOffsets: { data: this.features.offsets, shape: [this.numItems + 1] },
              itemFeatureIds: { data: this.features.ids, shape: [this.features.ids.length] },
              featureFactors: { data: this.featureVars.factors.dataSync() as Float32Array, shape: [this.numItemFeatures, this.factors] },
              ...(this.featureVars.bias
                ? { featureBias: { data: this.featureVars.bias.dataSync() as Float32Array, shape: [this.numItemFeatures] } }
                : {}),
            }
          : {}),
        ...this.agePrior?.arrays(),
      },
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
