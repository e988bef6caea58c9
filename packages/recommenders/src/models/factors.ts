// The part of MF and BPR that is the same: user and item factor matrices plus
// biases held as variables, seeded initialisation, all-item scoring by one
// GEMM (item bias fused), and the arrays saved.
import { Random } from '@wasmml/datasets';
import { dispose, fusedMatMul, gather, tensor, tidy, variable, type Tensor, type Variable } from '@wasmml/tensor';
import { mfPredict } from '../kernels/mf-epoch.js';
import type { MfVariables } from '../kernels/types.js';
import type { ArtifactArrays } from '../io/artifacts.js';
import { Recommender, type RecommenderConfig } from './base.js';
import type { ItemVectors } from './base.js';

/** Options shared by factor models. */
export interface FactorConfig extends RecommenderConfig {
  /** Latent dimension. */
  factors?: number;
  /** Standard deviation of the normal initialisation of the factors. */
  initStd?: number;
  /** Seed of the initialisation and of training (default 0). */
  seed?: number;
}

/** @internal Factor models: P, Q, optional biases, and a global offset. */
export abstract class FactorModel extends Recommender {
  /** Latent dimension. */
  readonly factors: number;
  /** The factor and bias variables (updated in place by training). */
  readonly vars: MfVariables;
  /** @internal Added to every score (MF: the global mean rating). */
  protected offset = 0;
  /** Seed of the initialisation and of training. */
  protected readonly seed: number;

  constructor(
    config: FactorConfig,
    defaults: { factors: number; initStd: number },
    biases: { user: boolean; item: boolean },
    op: string,
    arrays?: Record<string, Float32Array | Int32Array>,
  ) {
    super(config, op);
    this.factors = config.factors ?? defaults.factors;
    if (!Number.isInteger(this.factors) || this.factors < 1)
      throw new RangeError(`${op}: factors = ${this.factors}, expected an integer >= 1`);
    const std = config.initStd ?? defaults.initStd;
    if (!(std >= 0 && Number.isFinite(std))) throw new RangeError(`${op}: initStd = ${std}, expected a finite number >= 0`);
    this.seed = config.seed ?? 0;
    const rng = new Random(this.seed);
    const normal = (n: number) => {
      const a = new Float32Array(n);
      for (let k = 0; k < n; k++) a[k] = rng.normal() * std;
      return a;
    };
    const v = (name: string, shape: number[], init: () => Float32Array): Variable => {
      const saved = arrays?.[name];
      if (arrays && !(saved instanceof Float32Array && saved.length === shape.reduce((a, b) => a * b, 1))) {
        throw new Error(`loadRecommender: ${op} array ${name} is missing or not float32 of shape [${shape}]`);
      }
      const t = tensor(saved ?? init(), shape, 'float32');
      // Not trainable by autograd: the fused kernels update them, and a
      // variableGrads() over all trainable variables elsewhere should not see them.
      const x = variable(t, false);
      t.dispose();
      return x;
    };
    const zeros = (n: number) => () => new Float32Array(n);
    this.vars = {
      userFactors: v('userFactors', [this.numUsers, this.factors], () => normal(this.numUsers * this.factors)),
      itemFactors: v('itemFactors', [this.numItems, this.factors], () => normal(this.numItems * this.factors)),
      ...(biases.user ? { userBias: v('userBias', [this.numUsers], zeros(this.numUsers)) } : {}),
      ...(biases.item ? { itemBias: v('itemBias', [this.numItems], zeros(this.numItems)) } : {}),
    };
  }

  /**
   * @internal Whether items without a training interaction score as cold
   * (the user side only). True for explicit MF, whose rows for such items were
   * never updated; false for BPR, whose negatives train every item.
   */
  protected get untrainedItemsAreCold(): boolean {
    return true;
  }

  /** @internal Users and items to treat as unknown become -1 (cold start inside the kernel). */
  protected coldIds(users: Int32Array, items: Int32Array): [Int32Array, Int32Array] {
    const cold = this.untrainedItemsAreCold;
    return [
      users.map((u) => (this.isKnownUser(u) ? u : -1)),
      items.map((i) => ((cold ? this.isKnownItem(i) : i >= 0 && i < this.numItems) ? i : -1)),
    ];
  }

  /**
   * @internal The variables scoring reads: `vars`, or (BPR with a user
   * context or item features) the same with each user's factors plus their
   * context and each item's factors and bias plus its features' mean.
   */
  protected scoringVars(): MfVariables {
    return this.vars;
  }

  /** Scores of pairs: offset + biases + p·q (cold ids fall back to the known side). */
  scorePairs(users: Int32Array, items: Int32Array): Float32Array {
    if (users.length !== items.length) throw new Error(`${this.kind}.scorePairs: ${users.length} users for ${items.length} items`);
    const [u, i] = this.coldIds(users, items);
    return tidy(
      () =>
        mfPredict(
          this.scoringVars(),
          tensor(u, [u.length], 'int32'),
          tensor(i, [i.length], 'int32'),
          this.offset,
        ).dataSync() as Float32Array,
    );
  }

  protected scoreAllItems(users: Int32Array): Float32Array {
    const out = tidy(() => {
      const v = this.scoringVars();
      const pu = gather(v.userFactors, tensor(users, [users.length], 'int32'), 0);
      return fusedMatMul({
        a: pu,
        b: v.itemFactors,
        transposeB: true,
        ...(v.itemBias ? { bias: v.itemBias } : {}),
      }).dataSync() as Float32Array;
    });
    const bu = this.vars.userBias?.dataSync() as Float32Array | undefined;
    const pop = this.untrainedItemsAreCold ? this.popularity : undefined;
    for (let r = 0; r < users.length; r++) {
      const add = this.offset + (bu ? bu[users[r]!]! : 0);
      const row = out.subarray(r * this.numItems, (r + 1) * this.numItems);
      if (add !== 0) for (let i = 0; i < row.length; i++) row[i]! += add;
      // Items never seen in training score as in scorePairs: the user side only.
      if (pop) for (let i = 0; i < row.length; i++) if (pop[i] === 0) row[i] = add;
    }
    return out;
  }

  protected itemVectors(): ItemVectors {
    return { data: this.scoringVars().itemFactors.dataSync() as Float32Array, dim: this.factors };
  }

  /** @internal The factor arrays by name. */
  protected factorArrays(): ArtifactArrays {
    const out: ArtifactArrays = {};
    for (const [k, v] of Object.entries(this.vars) as Array<[string, Tensor]>)
      out[k] = { data: v.dataSync() as Float32Array, shape: [...v.shape] };
    return out;
  }

  dispose(): void {
    dispose(Object.values(this.vars));
  }
}
