// BERT (Devlin et al. 2019) as Hugging Face BertModel computes it: word +
// position + segment embeddings with LayerNorm, post-norm encoder blocks with
// exact GELU, and the tanh pooler over [CLS]. Padding ids are masked out of
// attention (the attention_mask transformers builds from them).
import * as ops from '@wasmml/tensor';
import { checkOptions, type OptionKeys } from '@wasmml/tensor';
import type { Tensor, Variable } from '@wasmml/tensor';
import {
  Layer,
  LayersModel,
  initializers,
  input,
  layers,
  type CallArgs,
  type LayerArgs,
  type Shape,
  type SymbolicTensor,
} from '@wasmml/layers';
import { layerNorm } from '../../layers/attention-math.js';
import { TransformerEncoder } from '../../layers/transformer-encoder.js';
import { tokenStack } from '../token-stack.js';

/** Options of {@link bert}. */
export interface BertArgs {
  /** Number of token ids. */
  vocabSize: number;
  /** Width of the hidden states. */
  hiddenSize: number;
  /** Number of encoder blocks. */
  layers: number;
  /** Attention heads per block. */
  heads: number;
  /** Feed-forward width (default 4·hiddenSize). */
  intermediateSize?: number;
  /** Longest input (default 512). */
  maxPositions?: number;
  /** Number of segment (token type) ids (default 2). */
  typeVocabSize?: number;
  /** Epsilon of the LayerNorms (default 1e-12, BERT's). */
  layerNormEpsilon?: number;
  /** Dropout of embeddings and blocks while training (default 0.1). */
  dropout?: number;
  /** The padding id, masked out of attention (default 0). */
  padTokenId?: number;
  /** Feed-forward activation (default 'gelu', exact). */
  activation?: string;
  /** Seed of the initial weights and dropout. */
  seed?: number;
  /** Model name. */
  name?: string;
}

/** BertArgs with every default filled in. */
export type BertShape = Required<Omit<BertArgs, 'name' | 'seed'>> & {
  /** Seed of the initial weights and dropout. */
  seed?: number | undefined;
};

/** BERT's embeddings: word + position + segment 0, then LayerNorm; masks padding ids. */
export class BertEmbeddings extends Layer {
  /** Saved class name. */
  static readonly className = 'BertEmbeddings';
  /** Word embeddings [vocab, hidden]. */
  word: Variable | undefined;
  /** Position embeddings [maxPositions, hidden]. */
  position: Variable | undefined;
  /** Segment embeddings [typeVocab, hidden]. */
  tokenType: Variable | undefined;
  private gamma: Variable | undefined;
  private beta: Variable | undefined;
  constructor(
    /** The resolved options. */
    readonly spec: BertShape,
    args: LayerArgs = {},
  ) {
    super(args);
    this.supportsMasking = true;
  }
  getClassName() {
    return 'BertEmbeddings';
  }
  override build(): void {
    const s = this.spec,
      seed = s.seed;
    const init = (k: number) => initializers.truncatedNormal({ stddev: 0.02, ...(seed !== undefined ? { seed: seed * 7919 + k } : {}) });
    this.word = this.addWeight('word_embeddings', [s.vocabSize, s.hiddenSize], init(1));
    this.position = this.addWeight('position_embeddings', [s.maxPositions, s.hiddenSize], init(2));
    this.tokenType = this.addWeight('token_type_embeddings', [s.typeVocabSize, s.hiddenSize], init(3));
    this.gamma = this.addWeight('LayerNorm/gamma', [s.hiddenSize], 'ones');
    this.beta = this.addWeight('LayerNorm/beta', [s.hiddenSize], 'zeros');
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape), this.spec.hiddenSize];
  }
  override computeMask(inputs: Tensor | Tensor[]): Tensor | null {
    const ids = Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
    return ops.notEqual(ids, this.spec.padTokenId);
  }
  /** ids [B, T] (and segment ids, default 0) → [B, T, hidden]. */
  embed(ids: Tensor, typeIds: Tensor | undefined, training: boolean): Tensor {
    const T = ids.shape[1] as number,
      s = this.spec;
    if (T > s.maxPositions) throw new Error(`bert: ${T} positions exceed maxPositions ${s.maxPositions}`);
    const idx = ids.dtype === 'int32' ? ids : ops.cast(ids, 'int32');
    let x = ops.add(ops.gather(this.word as Tensor, idx), ops.slice(this.position as Tensor, [0, 0], [T, s.hiddenSize]));
    x = typeIds
      ? ops.add(x, ops.gather(this.tokenType as Tensor, ops.cast(typeIds, 'int32')))
      : ops.add(x, ops.slice(this.tokenType as Tensor, [0, 0], [1, s.hiddenSize]));
    x = layerNorm(x, this.gamma as Tensor, this.beta as Tensor, s.layerNormEpsilon);
    return training && s.dropout > 0 ? ops.dropout(x, s.dropout, undefined, s.seed) : x;
  }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const ids = list[0] as Tensor;
    if (ids.rank !== 2) throw new Error(`${this.name}: token ids must be [batch, steps], got [${ids.shape}] (${ids.dtype})`);
    return this.embed(ids, list[1], kwargs.training ?? false);
  }
}

/** The [CLS] position's hidden state through Dense + tanh (BertPooler). */
export class BertPooler extends Layer {
  /** Saved class name. */
  static readonly className = 'BertPooler';
  /** Dense kernel [hidden, hidden]. */
  kernel: Variable | undefined;
  /** Dense bias [hidden]. */
  bias: Variable | undefined;
  constructor(
    /** Width of the hidden states. */
    readonly hiddenSize: number,
    args: LayerArgs = {},
  ) {
    super(args);
  }
  getClassName() {
    return 'BertPooler';
  }
  override build(): void {
    this.kernel = this.addWeight('dense/kernel', [this.hiddenSize, this.hiddenSize], 'glorotUniform');
    this.bias = this.addWeight('dense/bias', [this.hiddenSize], 'zeros');
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [(inputShape as Shape)[0] ?? null, this.hiddenSize];
  }
  override computeMask(): Tensor | null {
    return null;
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const h = Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
    const cls = ops.reshape(ops.slice(h, [0, 0, 0], [h.shape[0] as number, 1, this.hiddenSize]), [h.shape[0] as number, this.hiddenSize]);
    return ops.tanh(ops.fusedMatMul({ a: cls, b: this.kernel as Tensor, bias: this.bias as Tensor }));
  }
}

const BERT_KEYS: OptionKeys<BertArgs> = {
  vocabSize: true,
  hiddenSize: true,
  layers: true,
  heads: true,
  intermediateSize: true,
  maxPositions: true,
  typeVocabSize: true,
  layerNormEpsilon: true,
  dropout: true,
  padTokenId: true,
  activation: true,
  seed: true,
  name: true,
};
const CLASSIFIER_KEYS: OptionKeys<BertClassifierArgs> = { numClasses: true, dropout: true, logits: true };

function resolve(args: BertArgs) {
  checkOptions('bert', args, BERT_KEYS);
  for (const k of ['vocabSize', 'hiddenSize', 'layers', 'heads'] as const) {
    if (!Number.isInteger(args[k]) || args[k] < 1) throw new Error(`bert: ${k} must be a positive integer, got ${String(args[k])}`);
  }
  if (args.hiddenSize % args.heads !== 0) throw new Error(`bert: hiddenSize ${args.hiddenSize} must divide by heads ${args.heads}`);
  return {
    vocabSize: args.vocabSize,
    hiddenSize: args.hiddenSize,
    layers: args.layers,
    heads: args.heads,
    intermediateSize: args.intermediateSize ?? 4 * args.hiddenSize,
    maxPositions: args.maxPositions ?? 512,
    typeVocabSize: args.typeVocabSize ?? 2,
    layerNormEpsilon: args.layerNormEpsilon ?? 1e-12,
    dropout: args.dropout ?? 0.1,
    padTokenId: args.padTokenId ?? 0,
    activation: args.activation ?? 'gelu',
    seed: args.seed,
  };
}

/**
 * A BERT encoder: ids [batch, T] (int32) → the pooled [CLS] state [batch,
 * hidden]; `sequenceOutput(ids)` gives every position's state, `classifier`
 * puts a head on the pooled state for fine-tuning.
 */
export class BertModel extends LayersModel {
  /** The options it was built from. */
  readonly options: BertArgs;
  /** Embeddings (word, position, segment). */
  readonly embeddings: BertEmbeddings;
  /** The encoder blocks, in order. */
  readonly encoderBlocks: TransformerEncoder[];
  /** The tanh pooler over [CLS]. */
  readonly pooler: BertPooler;

  constructor(args: BertArgs) {
    const spec = resolve(args);
    const embeddings = new BertEmbeddings(spec, { name: 'embeddings' });
    const blocks = Array.from(
      { length: spec.layers },
      (_, i) =>
        new TransformerEncoder({
          name: `encoder_layer_${i}`,
          intermediateDim: spec.intermediateSize,
          numHeads: spec.heads,
          dropout: spec.dropout,
          activation: spec.activation,
          layerNormEpsilon: spec.layerNormEpsilon,
          normalizeFirst: false,
          ...(spec.seed !== undefined ? { seed: spec.seed + i + 1 } : {}),
        }),
    );
    const pooler = new BertPooler(spec.hiddenSize, { name: 'pooler' });
    super({ ...tokenStack(embeddings, blocks, pooler), name: args.name ?? 'bert' });
    this.options = { ...args };
    this.embeddings = embeddings;
    this.encoderBlocks = blocks;
    this.pooler = pooler;
  }

  /** Saved class name. */
  override getClassName() {
    return 'BertModel';
  }

  /** Hidden states of every position, [B, T, hidden] (transformers' last_hidden_state). */
  sequenceOutput(ids: Tensor, typeIds?: Tensor): Tensor {
    return ops.tidy(() => {
      const mask = ops.notEqual(ids, this.embeddings.spec.padTokenId);
      let x = this.embeddings.embed(ids, typeIds, false);
      for (const b of this.encoderBlocks) x = b.call(x, { mask, training: false }) as Tensor;
      return x;
    });
  }
}

/** A BERT encoder (see {@link BertModel}). */
export function bert(args: BertArgs): BertModel {
  return new BertModel(args);
}

/** Options of {@link bertClassifier}. */
export interface BertClassifierArgs {
  /** Number of classes (logits out when fromLogits; default softmax probabilities). */
  numClasses: number;
  /** Dropout before the head (default 0.1). */
  dropout?: number;
  /** Output logits instead of probabilities (default false). */
  logits?: boolean;
}

/** A model: ids → class probabilities (or logits) from the pooled state of `encoder` (shared weights). */
export function bertClassifier(encoder: BertModel, args: BertClassifierArgs): LayersModel {
  checkOptions('bertClassifier', args, CLASSIFIER_KEYS);
  const ids = input({ shape: [null], dtype: 'int32' });
  let x = encoder.apply(ids) as SymbolicTensor;
  x = layers.dropout({ rate: args.dropout ?? 0.1 }).apply(x) as SymbolicTensor;
  const out = layers.dense({ units: args.numClasses, activation: args.logits ? 'linear' : 'softmax' }).apply(x) as SymbolicTensor;
  return new LayersModel({ inputs: ids, outputs: out, name: `${encoder.name}_classifier` });
}
