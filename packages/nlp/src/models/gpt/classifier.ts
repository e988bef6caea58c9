// A sequence classifier on a GPT's hidden states (Hugging Face's
// GPT2ForSequenceClassification, with masked mean pooling as the default):
// the GPT's embedding and blocks, its final norm, a pooled state, a head.
import * as ops from '@wasmml/tensor';
import { checkOptions, type OptionKeys, type Tensor } from '@wasmml/tensor';
import { input, layers, LayersModel, type LayerArgs, type Shape, type SymbolicTensor } from '@wasmml/layers';
import { applyNorm, GptPart, type GptShape, type Norm } from './blocks.js';
import type { GptModel } from './model.js';

/** How {@link gptClassifier} pools the states of a sequence. */
export type GptPooling = 'mean' | 'last';

/** Options of {@link gptClassifier}. */
export interface GptClassifierArgs {
  /** Number of classes. */
  numClasses: number;
  /**
   * 'mean' (default): the mean of the states of the non-padding tokens;
   * 'last': the state of the last non-padding token (transformers' choice;
   * with causal attention the only state that has read the whole text).
   */
  pooling?: GptPooling;
  /** Token id that pads sequences on the right (default 0, BpeTokenizer's '<pad>'). */
  padTokenId?: number;
  /** Dropout before the head (default 0.1). */
  dropout?: number;
  /** Output logits instead of probabilities (default false). */
  logits?: boolean;
  /** Model name (default `${gpt.name}_classifier`). */
  name?: string;
}

const CLASSIFIER_KEYS: OptionKeys<GptClassifierArgs> = {
  numClasses: true,
  pooling: true,
  padTokenId: true,
  dropout: true,
  logits: true,
  name: true,
};

/**
 * [states [B, T, d], ids [B, T]] → [B, d]: the GPT's final norm, then the
 * mean (or last) state over the tokens that are not padding. Its norm starts
 * from the language model's ln_f and then trains on its own.
 */
export class GptPooler extends GptPart {
  /** Saved class name. */
  static readonly className = 'GptPooler';
  private norm: Norm | undefined;
  constructor(
    /** Sizes of the GPT it pools. */
    readonly spec: GptShape,
    /** Mean or last state. */
    readonly pooling: GptPooling,
    /** The padding id. */
    readonly padTokenId: number,
    private readonly from: Norm | undefined,
    args: LayerArgs = {},
  ) {
    super(args);
  }
  getClassName() {
    return 'GptPooler';
  }
  override build(): void {
    this.norm = this.addNorm('ln_f', this.spec);
    if (this.from) {
      this.norm.gamma.assign(this.from.gamma);
      if (this.norm.beta && this.from.beta) this.norm.beta.assign(this.from.beta);
    }
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (inputShape as Shape[])[0] as Shape;
    return [s[0] ?? null, this.spec.dim];
  }
  override computeMask(): null {
    return null;
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`${this.name}: expected [states, ids]`);
    const [h, ids] = inputs as [Tensor, Tensor];
    if (h.rank !== 3 || ids.rank !== 2 || ids.shape[1] !== h.shape[1]) {
      throw new Error(`${this.name}: expected states [batch, T, ${this.spec.dim}] and ids [batch, T], got [${h.shape}] and [${ids.shape}]`);
    }
    const x = applyNorm(h, this.norm as Norm, this.spec);
    const keep = ops.cast(ops.notEqual(ids, ops.scalar(this.padTokenId, ids.dtype)), 'float32'); // [B, T]
    const count = ops.sum(keep, 1, true); // [B, 1]
    let weights: Tensor;
    if (this.pooling === 'mean') weights = ops.div(keep, ops.maximum(count, ops.scalar(1)));
    else {
      // The last real token of a right-padded row; an all-padding row reads position 0.
      const last = ops.cast(ops.maximum(ops.sub(ops.reshape(count, [-1]), ops.scalar(1)), ops.scalar(0)), 'int32');
      weights = ops.oneHot(last, h.shape[1] as number, 1, 0, 'float32');
    }
    return ops.sum(ops.mul(x, ops.expandDims(weights, -1)), 1);
  }
}

/**
 * A classifier on `model`'s hidden states: ids [batch, T] (int32, padded on
 * the right with `padTokenId`) → class probabilities (or logits). The GPT's
 * embedding and blocks are shared, not copied, and sit in a nested model, so
 * {@link addLora} on the classifier freezes them and trains the adapters,
 * the pooler's norm and the head. The language-model head is not used.
 */
export function gptClassifier(model: GptModel, args: GptClassifierArgs): LayersModel {
  checkOptions('gptClassifier', args, CLASSIFIER_KEYS);
  if (!Number.isInteger(args.numClasses) || args.numClasses < 1) {
    throw new Error(`gptClassifier: numClasses must be a positive integer, got ${String(args.numClasses)}`);
  }
  const pooling = args.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'last')
    throw new Error(`gptClassifier: pooling must be 'mean' or 'last', got ${JSON.stringify(pooling)}`);
  const padTokenId = args.padTokenId ?? 0;
  if (!Number.isInteger(padTokenId) || padTokenId < 0 || padTokenId >= model.spec.vocabSize) {
    throw new Error(`gptClassifier: padTokenId must be an id below the vocabulary size ${model.spec.vocabSize}, got ${padTokenId}`);
  }
  const dropout = args.dropout ?? 0.1;
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`gptClassifier: dropout must be in [0, 1), got ${dropout}`);
  const name = args.name ?? `${model.name}_classifier`;

  const trunkIds = input({ shape: [null], dtype: 'int32' });
  let h = model.embedding.apply(trunkIds) as SymbolicTensor;
  for (const b of model.blocks) h = b.apply(h) as SymbolicTensor;
  const trunk = new LayersModel({ inputs: trunkIds, outputs: h, name: `${name}_trunk` });

  const ids = input({ shape: [null], dtype: 'int32' });
  const states = trunk.apply(ids) as SymbolicTensor;
  const pooler = new GptPooler(model.spec, pooling, padTokenId, model.head.finalNorm, { name: `${name}_pooler` });
  let x = pooler.apply([states, ids]) as SymbolicTensor;
  if (dropout > 0) x = layers.dropout({ rate: dropout }).apply(x) as SymbolicTensor;
  const out = layers
    .dense({ units: args.numClasses, activation: args.logits ? 'linear' : 'softmax', name: `${name}_head` })
    .apply(x) as SymbolicTensor;
  return new LayersModel({ inputs: ids, outputs: out, name });
}
