// textClassifier: the Keras text classifier in one call. Token ids -> encoder
// (Embedding + LSTM / GRU, positional embedding + transformer blocks, or a
// bag of embeddings) -> pooling -> Dense softmax. The encoder layers are kept
// apart so they can be pre-trained without labels, frozen and unfrozen.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { LayersModel, input, layers, type Layer, type SymbolicTensor } from '@wasmml/layers';
import { PositionalEmbedding } from '../layers/positional-embedding.js';
import { TransformerEncoder } from '../layers/transformer-encoder.js';
import { LastTimestep } from '../layers/last-timestep.js';

/** The encoders textClassifier can build. */
export type EncoderKind = 'lstm' | 'gru' | 'transformer' | 'bag-of-embeddings';

/** Options of {@link textClassifier}. */
export interface TextClassifierArgs {
  /** Number of token ids (the vectorizer's vocabularySize()). */
  vocabSize: number;
  /** Embedding size. */
  embeddingDim: number;
  /** Which encoder to build. */
  encoder: EncoderKind;
  /** LSTM / GRU units; the transformer's feed-forward size; the bag's hidden Dense size. */
  units: number;
  /** Number of classes (softmax outputs). */
  numClasses: number;
  /** Sequence length: required by 'transformer' (its learned positions), optional otherwise. */
  sequenceLength?: number;
  /** Transformer: attention heads (must divide embeddingDim; default 4 when it does, else 1). */
  numHeads?: number;
  /** Transformer: encoder blocks (default 1). */
  numLayers?: number;
  /** Dropout before the classifier head (and inside transformer blocks) while training (default 0). */
  dropout?: number;
  /**
   * LSTM / GRU: how the sequence becomes one vector: 'last' (the state after the
   * last real token, as LSTM(units) with returnSequences false; default) or
   * 'mean' (the masked mean of every step's state).
   */
  pooling?: 'last' | 'mean';
  /** LSTM / GRU gate activation (default 'sigmoid' as Keras; tfjs layers default to 'hardSigmoid'). LSTMs also start with Keras's forget-gate bias of 1. */
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
  /** Seed for the dropout masks. */
  seed?: number;
  /** Model name. */
  name?: string;
}

interface Graph {
  input: SymbolicTensor;
  output: SymbolicTensor;
  /** Which encoder to build. */
  encoder: Layer[];
  pool: Layer;
  head: Layer[];
}

function check(args: TextClassifierArgs): void {
  for (const k of ['vocabSize', 'embeddingDim', 'units', 'numClasses'] as const) {
    if (!Number.isInteger(args[k]) || args[k] < 1) throw new Error(`textClassifier: ${k} must be a positive integer, got ${args[k]}`);
  }
  if (!['lstm', 'gru', 'transformer', 'bag-of-embeddings'].includes(args.encoder)) {
    throw new Error(`textClassifier: encoder must be 'lstm', 'gru', 'transformer' or 'bag-of-embeddings', got '${args.encoder}'`);
  }
  if (args.encoder === 'transformer' && !Number.isInteger(args.sequenceLength)) {
    throw new Error("textClassifier: encoder 'transformer' needs sequenceLength (the number of learned positions)");
  }
  if (args.pooling !== undefined && args.pooling !== 'last' && args.pooling !== 'mean') {
    throw new Error(`textClassifier: pooling must be 'last' or 'mean', got '${args.pooling}'`);
  }
  if (args.numClasses < 2) throw new Error(`textClassifier: numClasses must be >= 2 (a softmax over classes), got ${args.numClasses}`);
}

function buildGraph(a: TextClassifierArgs): Graph {
  const T = a.sequenceLength ?? null;
  const ids = input({ shape: [T], dtype: 'int32' });
  const encoder: Layer[] = [];
  let pool: Layer;
  const rec = a.recurrentActivation ?? 'sigmoid';
  switch (a.encoder) {
    case 'lstm':
    case 'gru': {
      encoder.push(layers.embedding({ inputDim: a.vocabSize, outputDim: a.embeddingDim, maskZero: true }));
      const args = { units: a.units, returnSequences: true, recurrentActivation: rec };
      // Keras's LSTM defaults (sigmoid gates, forget-gate bias 1): what a Keras user's model trains like.
      encoder.push(a.encoder === 'lstm' ? layers.lstm({ ...args, unitForgetBias: true }) : layers.gru(args));
      pool = a.pooling === 'mean' ? layers.globalAveragePooling1d() : new LastTimestep({});
      break;
    }
    case 'transformer': {
      const heads = a.numHeads ?? (a.embeddingDim % 4 === 0 ? 4 : 1);
      encoder.push(new PositionalEmbedding({ inputDim: a.vocabSize, outputDim: a.embeddingDim, sequenceLength: T! }));
      for (let i = 0; i < (a.numLayers ?? 1); i++) {
        encoder.push(
          new TransformerEncoder({
            intermediateDim: a.units,
            numHeads: heads,
            dropout: a.dropout ?? 0,
            ...(a.seed !== undefined ? { seed: a.seed } : {}),
          }),
        );
      }
      pool = layers.globalAveragePooling1d();
      break;
    }
    default:
      encoder.push(layers.embedding({ inputDim: a.vocabSize, outputDim: a.embeddingDim, maskZero: true }));
      pool = layers.globalAveragePooling1d();
  }
  const head: Layer[] = [];
  if (a.encoder === 'bag-of-embeddings') head.push(layers.dense({ units: a.units, activation: 'relu' }));
  if (a.dropout) head.push(layers.dropout({ rate: a.dropout, ...(a.seed !== undefined ? { seed: a.seed } : {}) }));
  head.push(layers.dense({ units: a.numClasses, activation: 'softmax' }));
  let x: SymbolicTensor = ids;
  for (const l of [...encoder, pool, ...head]) x = l.apply(x) as SymbolicTensor;
  return { input: ids, output: x, encoder, pool, head };
}

/** A text classification model whose encoder can be pre-trained, frozen and unfrozen. */
export class TextClassifier extends LayersModel {
  /** The options it was built from (enough to rebuild it: save/load). */
  readonly options: TextClassifierArgs;
  /** Embedding and sequence layers, in order. */
  readonly encoderLayers: Layer[];
  /** The pooling layer between encoder and head. */
  readonly poolingLayer: Layer;
  /** The classifier head (Dense layers, dropout). */
  readonly headLayers: Layer[];

  constructor(args: TextClassifierArgs) {
    check(args);
    const g = buildGraph(args);
    super({ inputs: g.input, outputs: g.output, ...(args.name ? { name: args.name } : {}) });
    this.options = { ...args };
    this.encoderLayers = g.encoder;
    this.poolingLayer = g.pool;
    this.headLayers = g.head;
  }

  /**
   * Encoder features of ids [batch, T]: [batch, T, d] per position for the
   * sequence encoders; [batch, 1, d] (the masked mean) for the bag of embeddings.
   */
  encode(ids: Tensor, training = false): Tensor {
    let x = ids;
    let mask: Tensor | null = null;
    for (const l of this.encoderLayers) {
      const y = l.apply(x, { training, ...(mask ? { mask } : {}) }) as Tensor;
      mask = l.computeMask(x, mask);
      x = y;
    }
    if (this.options.encoder === 'bag-of-embeddings') x = ops.expandDims(this.poolingLayer.apply(x, mask ? { mask } : {}) as Tensor, 1);
    return x;
  }

  /** Feature size of encode(). */
  get featureDim(): number {
    return this.options.encoder === 'lstm' || this.options.encoder === 'gru' ? this.options.units : this.options.embeddingDim;
  }

  /** Stops training from changing the encoder (fine-tune the head only). */
  freezeEncoder(): void {
    for (const l of this.encoderLayers) l.trainable = false;
  }

  /** Lets training change the encoder again. */
  unfreezeEncoder(): void {
    for (const l of this.encoderLayers) l.trainable = true;
  }
}

/**
 * The text classifier a Keras user writes, ready to compile: token ids
 * [batch, T] (0 = padding, masked) -> class probabilities [batch, numClasses].
 */
export function textClassifier(args: TextClassifierArgs): TextClassifier {
  return new TextClassifier(args);
}
