// One transformer encoder block (keras_nlp TransformerEncoder): self-attention
// and a position-wise feed-forward network, each with a residual connection and
// layer normalisation (after, or before with normalizeFirst). Respects masks.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { Layer, getActivation, getInitializer, type CallArgs, type LayerArgs, type Shape } from '@wasmml/layers';
import { layerNorm, multiHeadAttention, project, type AttentionWeights } from './attention-math.js';

/** Options of {@link TransformerEncoder} (keras_nlp names, camelCase). */
export interface TransformerEncoderArgs extends LayerArgs {
  /** Hidden size of the feed-forward network. */
  intermediateDim: number;
  /** Number of attention heads. */
  numHeads: number;
  /** Dropout after attention and feed-forward while training (default 0). */
  dropout?: number;
  /** Feed-forward activation (default 'relu'). */
  activation?: string;
  /** Layer normalisation epsilon (default 1e-5). */
  layerNormEpsilon?: number;
  /** Pre-norm block (normalise before each sub-block) instead of the original post-norm. */
  normalizeFirst?: boolean;
  /** Seed of the dropout masks. */
  seed?: number;
}

/** A transformer encoder block over [batch, T, d] (d divisible by numHeads). */
export class TransformerEncoder extends Layer {
  /** Saved class name. */
  static readonly className = 'TransformerEncoder';
  /** Feed-forward hidden size. */
  readonly intermediateDim: number;
  /** Number of attention heads. */
  readonly numHeads: number;
  /** Dropout rate while training. */
  readonly dropout: number;
  /** Feed-forward activation. */
  readonly activation: string;
  /** Layer normalisation epsilon (default 1e-5). */
  readonly layerNormEpsilon: number;
  /** Pre-norm block instead of post-norm. */
  readonly normalizeFirst: boolean;
  private readonly seed: number | undefined;
  private att: AttentionWeights | undefined;
  private ffn: { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor } | undefined;
  private norms: Array<{ gamma: Tensor; beta: Tensor }> = [];

  constructor(args: TransformerEncoderArgs) {
    super(args);
    for (const k of ['intermediateDim', 'numHeads'] as const) {
      if (!Number.isInteger(args[k]) || args[k] < 1) throw new Error(`TransformerEncoder: ${k} must be a positive integer, got ${args[k]}`);
    }
    this.intermediateDim = args.intermediateDim;
    this.numHeads = args.numHeads;
    this.dropout = args.dropout ?? 0;
    this.activation = args.activation ?? 'relu';
    getActivation(this.activation);
    this.layerNormEpsilon = args.layerNormEpsilon ?? 1e-5;
    this.normalizeFirst = args.normalizeFirst ?? false;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  getClassName() {
    return 'TransformerEncoder';
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0] : inputShape) as Shape;
    const d = s[s.length - 1];
    if (typeof d !== 'number' || d % this.numHeads !== 0) {
      throw new Error(`${this.name}: the feature size (${d}) must be known and divisible by numHeads (${this.numHeads})`);
    }
    const glorot = getInitializer('glorotUniform'),
      zeros = getInitializer('zeros'),
      ones = getInitializer('ones');
    this.att = {
      query: this.addWeight('self_attention/query/kernel', [d, d], glorot),
      queryBias: this.addWeight('self_attention/query/bias', [d], zeros),
      key: this.addWeight('self_attention/key/kernel', [d, d], glorot),
      keyBias: this.addWeight('self_attention/key/bias', [d], zeros),
      value: this.addWeight('self_attention/value/kernel', [d, d], glorot),
      valueBias: this.addWeight('self_attention/value/bias', [d], zeros),
      output: this.addWeight('self_attention/attention_output/kernel', [d, d], glorot),
      outputBias: this.addWeight('self_attention/attention_output/bias', [d], zeros),
    };
    this.norms = [0, 1].map((i) => ({
      gamma: this.addWeight(`layer_norm_${i}/gamma`, [d], ones),
      beta: this.addWeight(`layer_norm_${i}/beta`, [d], zeros),
    }));
    this.ffn = {
      w1: this.addWeight('feedforward_intermediate_dense/kernel', [d, this.intermediateDim], glorot),
      b1: this.addWeight('feedforward_intermediate_dense/bias', [this.intermediateDim], zeros),
      w2: this.addWeight('feedforward_output_dense/kernel', [this.intermediateDim, d], glorot),
      b2: this.addWeight('feedforward_output_dense/bias', [d], zeros),
    };
  }

  private drop(x: Tensor, training: boolean): Tensor {
    return training && this.dropout > 0 ? ops.dropout(x, this.dropout, undefined, this.seed) : x;
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank !== 3) throw new Error(`${this.name}: expected [batch, steps, features], got [${x.shape}]`);
    const training = kwargs.training ?? false,
      eps = this.layerNormEpsilon;
    const [n0, n1] = this.norms as [{ gamma: Tensor; beta: Tensor }, { gamma: Tensor; beta: Tensor }];
    const norm = (t: Tensor, n: { gamma: Tensor; beta: Tensor }) => layerNorm(t, n.gamma, n.beta, eps);
    let h = this.normalizeFirst ? norm(x, n0) : x;
    h = multiHeadAttention(h, h, h, this.att!, this.numHeads, {
      keyMask: kwargs.mask ?? null,
      dropout: 0,
      training,
      ...(this.seed !== undefined ? { seed: this.seed } : {}),
    }).output;
    let y = ops.add(x, this.drop(h, training));
    if (!this.normalizeFirst) y = norm(y, n0);
    const f = this.ffn!;
    let g = this.normalizeFirst ? norm(y, n1) : y;
    g = project(getActivation(this.activation)(project(g, f.w1, f.b1, training)), f.w2, f.b2, training);
    let out = ops.add(y, this.drop(g, training));
    if (!this.normalizeFirst) out = norm(out, n1);
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      intermediateDim: this.intermediateDim,
      numHeads: this.numHeads,
      dropout: this.dropout,
      /** Feed-forward activation. */
      activation: this.activation,
      layerNormEpsilon: this.layerNormEpsilon,
      normalizeFirst: this.normalizeFirst,
    };
  }
}
