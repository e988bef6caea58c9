// The keys of every layer factory's config type, once each: `layers.*` rejects
// a key not listed here with the nearest valid one (`kernel_size` → did you
// mean 'kernelSize'?). `OptionKeys<T>` makes the compiler check each list
// against its type both ways, so adding a field to an Args interface without
// listing it here is a type error. Saved configs are not checked (tfjs and
// Keras files carry keys such as constraints that we read past).
import type { OptionKeys } from '@wasmml/tensor';
import type { ActivationIdentifier } from '../activations.js';
import type { LayerArgs } from '../layer.js';
import type { ConvArgs, DepthwiseConv2DArgs } from './conv.js';
import type { DenseArgs } from './core.js';
import type { EmbeddingArgs } from './embedding.js';
import type { InputArgs } from './input.js';
import type { BatchNormalizationArgs, LayerNormalizationArgs } from './normalization.js';
import type { Pooling1DArgs, Pooling2DArgs } from './pooling.js';
import type { BidirectionalArgs, RNNArgs } from './recurrent.js';

/** Arguments of `layers.activation`. */
export type ActivationArgs = LayerArgs & {
  /** The activation applied ('relu', 'softmax', ...). */
  activation: ActivationIdentifier;
};
/** Arguments of `layers.reshape`. */
export type ReshapeArgs = LayerArgs & {
  /** Output shape without the batch dimension; one entry may be -1 (inferred). */
  targetShape: number[];
};
/** Arguments of `layers.dropout`. */
export type DropoutArgs = LayerArgs & {
  /** Fraction of the inputs set to 0 while training, in [0, 1). */
  rate: number;
  /** Seed of the dropout masks. */
  seed?: number;
  /** Shape of the mask, broadcast over the input (1 where the mask is shared). */
  noiseShape?: number[];
};
/** Arguments of `layers.concatenate`. */
export type ConcatenateArgs = LayerArgs & {
  /** Axis to concatenate along (default -1). */
  axis?: number;
};

/** The keys every layer's config takes ({@link LayerArgs}), for packages that check their own layers' options. */
export const layerArgsKeys: OptionKeys<LayerArgs> = {
  name: true,
  trainable: true,
  inputShape: true,
  batchInputShape: true,
  batchSize: true,
  dtype: true,
  weights: true,
};
const weighted = { useBias: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true } as const;
const conv: OptionKeys<ConvArgs> = {
  ...layerArgsKeys,
  ...weighted,
  filters: true,
  kernelSize: true,
  strides: true,
  padding: true,
  dilationRate: true,
  activation: true,
  dataFormat: true,
};
const rnn: OptionKeys<Omit<RNNArgs, 'resetAfter'>> = {
  ...layerArgsKeys,
  ...weighted,
  units: true,
  activation: true,
  recurrentActivation: true,
  recurrentInitializer: true,
  recurrentRegularizer: true,
  returnSequences: true,
  returnState: true,
  goBackwards: true,
  unitForgetBias: true,
};
// resetAfter is a GRU setting only.
const gru: OptionKeys<RNNArgs> = { ...rnn, resetAfter: true };
const pooling1d: OptionKeys<Pooling1DArgs> = { ...layerArgsKeys, poolSize: true, strides: true, padding: true };
const pooling2d: OptionKeys<Pooling2DArgs> = { ...pooling1d, dataFormat: true };

/** Option keys by factory name (`dense`, `conv2d`, ...), and `input` for `input()`. */
export const layerOptionKeys = {
  input: { shape: true, batchShape: true, batchSize: true, dtype: true, name: true, sparse: true } satisfies OptionKeys<InputArgs>,
  layer: layerArgsKeys,
  dense: { ...layerArgsKeys, ...weighted, units: true, activation: true, inputDim: true } satisfies OptionKeys<DenseArgs>,
  activation: { ...layerArgsKeys, activation: true } satisfies OptionKeys<ActivationArgs>,
  reshape: { ...layerArgsKeys, targetShape: true } satisfies OptionKeys<ReshapeArgs>,
  dropout: { ...layerArgsKeys, rate: true, seed: true, noiseShape: true } satisfies OptionKeys<DropoutArgs>,
  conv,
  depthwiseConv2d: {
    ...layerArgsKeys,
    kernelSize: true,
    strides: true,
    padding: true,
    dilationRate: true,
    activation: true,
    useBias: true,
    biasInitializer: true,
    biasRegularizer: true,
    dataFormat: true,
    depthMultiplier: true,
    depthwiseInitializer: true,
    depthwiseRegularizer: true,
  } satisfies OptionKeys<DepthwiseConv2DArgs>,
  pooling1d,
  pooling2d,
  batchNormalization: {
    ...layerArgsKeys,
    axis: true,
    momentum: true,
    epsilon: true,
    center: true,
    scale: true,
    betaInitializer: true,
    gammaInitializer: true,
    movingMeanInitializer: true,
    movingVarianceInitializer: true,
  } satisfies OptionKeys<BatchNormalizationArgs>,
  layerNormalization: {
    ...layerArgsKeys,
    axis: true,
    epsilon: true,
    center: true,
    scale: true,
    betaInitializer: true,
    gammaInitializer: true,
  } satisfies OptionKeys<LayerNormalizationArgs>,
  embedding: {
    ...layerArgsKeys,
    inputDim: true,
    outputDim: true,
    embeddingsInitializer: true,
    embeddingsRegularizer: true,
    maskZero: true,
    inputLength: true,
  } satisfies OptionKeys<EmbeddingArgs>,
  rnn,
  gru,
  bidirectional: { ...layerArgsKeys, layer: true, mergeMode: true } satisfies OptionKeys<BidirectionalArgs>,
  concatenate: { ...layerArgsKeys, axis: true } satisfies OptionKeys<ConcatenateArgs>,
};
