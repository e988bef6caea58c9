// The layer factories, as `layers.*` (tfjs `tf.layers.*`), and the classes by
// saved name for loading. One line per layer.
import type { Layer, LayerArgs } from '../layer.js';
import { checkOptions, type OptionKeys } from '@wasmml/tensor';
import { layerOptionKeys as K, type ActivationArgs, type ConcatenateArgs, type DropoutArgs, type ReshapeArgs } from './option-keys.js';
import { Activation, Dense, Dropout, Flatten, Reshape, type DenseArgs } from './core.js';
import { Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, type ConvArgs, type DepthwiseConv2DArgs } from './conv.js';
import {
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
  type Pooling1DArgs,
  type Pooling2DArgs,
} from './pooling.js';
import { BatchNormalization, LayerNormalization, type BatchNormalizationArgs, type LayerNormalizationArgs } from './normalization.js';
import { Embedding, type EmbeddingArgs } from './embedding.js';
import { Add, Average, Concatenate, Multiply } from './merge.js';
import { Bidirectional, GRU, LSTM, SimpleRNN, type BidirectionalArgs, type RNNArgs } from './recurrent.js';
import { InputLayer } from './input.js';

/** Options of the factory `layers.<name>`, checked: an unknown key throws with the nearest valid one. */
const opts = <T extends object>(name: string, args: T, keys: OptionKeys<T>): T => checkOptions(`layers.${name}`, args, keys);

/**
 * The layer factories, as `tf.layers.*` in tfjs: `layers.dense({ units: 10 })` makes a {@link Dense} layer.
 *
 * @property __type.dense A fully connected layer, {@link Dense}.
 * @property __type.activation A layer applying an activation function, {@link Activation}.
 * @property __type.flatten Flattens all but the batch dimension, {@link Flatten}.
 * @property __type.reshape Reshapes all but the batch dimension, {@link Reshape}.
 * @property __type.dropout Drops a fraction of inputs while training, {@link Dropout}.
 * @property __type.conv1d 1-D convolution over sequences, {@link Conv1D}.
 * @property __type.conv2d 2-D convolution over NHWC images, {@link Conv2D}.
 * @property __type.conv2dTranspose Transposed 2-D convolution (upsampling), {@link Conv2DTranspose}.
 * @property __type.depthwiseConv2d Depthwise 2-D convolution, {@link DepthwiseConv2D}.
 * @property __type.maxPooling1d 1-D max pooling, {@link MaxPooling1D}.
 * @property __type.maxPooling2d 2-D max pooling, {@link MaxPooling2D}.
 * @property __type.averagePooling1d 1-D average pooling, {@link AveragePooling1D}.
 * @property __type.averagePooling2d 2-D average pooling, {@link AveragePooling2D}.
 * @property __type.globalAveragePooling1d Mean over time steps (mask-aware), {@link GlobalAveragePooling1D}.
 * @property __type.globalAveragePooling2d Mean over height and width, {@link GlobalAveragePooling2D}.
 * @property __type.globalMaxPooling1d Maximum over time steps, {@link GlobalMaxPooling1D}.
 * @property __type.globalMaxPooling2d Maximum over height and width, {@link GlobalMaxPooling2D}.
 * @property __type.batchNormalization Batch normalisation, {@link BatchNormalization}.
 * @property __type.layerNormalization Layer normalisation, {@link LayerNormalization}.
 * @property __type.embedding Integer ids to dense vectors, {@link Embedding}.
 * @property __type.simpleRNN Fully connected recurrent layer, {@link SimpleRNN}.
 * @property __type.lstm Long short-term memory layer, {@link LSTM}.
 * @property __type.gru Gated recurrent unit layer, {@link GRU}.
 * @property __type.bidirectional Runs a recurrent layer both ways and merges the outputs, {@link Bidirectional}.
 * @property __type.add Element-wise sum of inputs, {@link Add}.
 * @property __type.multiply Element-wise product of inputs, {@link Multiply}.
 * @property __type.average Element-wise mean of inputs, {@link Average}.
 * @property __type.concatenate Concatenation of inputs along an axis, {@link Concatenate}.
 */
export const layers = {
  dense: (args: DenseArgs) => new Dense(opts('dense', args, K.dense)),
  activation: (args: ActivationArgs) => new Activation(opts('activation', args, K.activation)),
  flatten: (args: LayerArgs = {}) => new Flatten(opts('flatten', args, K.layer)),
  reshape: (args: ReshapeArgs) => new Reshape(opts('reshape', args, K.reshape)),
  dropout: (args: DropoutArgs) => new Dropout(opts('dropout', args, K.dropout)),
  conv1d: (args: ConvArgs) => new Conv1D(opts('conv1d', args, K.conv)),
  conv2d: (args: ConvArgs) => new Conv2D(opts('conv2d', args, K.conv)),
  conv2dTranspose: (args: ConvArgs) => new Conv2DTranspose(opts('conv2dTranspose', args, K.conv)),
  depthwiseConv2d: (args: DepthwiseConv2DArgs) => new DepthwiseConv2D(opts('depthwiseConv2d', args, K.depthwiseConv2d)),
  maxPooling1d: (args: Pooling1DArgs = {}) => new MaxPooling1D(opts('maxPooling1d', args, K.pooling1d)),
  maxPooling2d: (args: Pooling2DArgs = {}) => new MaxPooling2D(opts('maxPooling2d', args, K.pooling2d)),
  averagePooling1d: (args: Pooling1DArgs = {}) => new AveragePooling1D(opts('averagePooling1d', args, K.pooling1d)),
  averagePooling2d: (args: Pooling2DArgs = {}) => new AveragePooling2D(opts('averagePooling2d', args, K.pooling2d)),
  globalAveragePooling1d: (args: LayerArgs = {}) => new GlobalAveragePooling1D(opts('globalAveragePooling1d', args, K.layer)),
  globalAveragePooling2d: (args: LayerArgs = {}) => new GlobalAveragePooling2D(opts('globalAveragePooling2d', args, K.layer)),
  globalMaxPooling1d: (args: LayerArgs = {}) => new GlobalMaxPooling1D(opts('globalMaxPooling1d', args, K.layer)),
  globalMaxPooling2d: (args: LayerArgs = {}) => new GlobalMaxPooling2D(opts('globalMaxPooling2d', args, K.layer)),
  batchNormalization: (args: BatchNormalizationArgs = {}) => new BatchNormalization(opts('batchNormalization', args, K.batchNormalization)),
  layerNormalization: (args: LayerNormalizationArgs = {}) => new LayerNormalization(opts('layerNormalization', args, K.layerNormalization)),
  embedding: (args: EmbeddingArgs) => new Embedding(opts('embedding', args, K.embedding)),
  simpleRNN: (args: RNNArgs) => new SimpleRNN(opts('simpleRNN', args, K.rnn)),
  lstm: (args: RNNArgs) => new LSTM(opts('lstm', args, K.rnn)),
  gru: (args: RNNArgs) => new GRU(opts('gru', args, K.gru)),
  bidirectional: (args: BidirectionalArgs) => new Bidirectional(opts('bidirectional', args, K.bidirectional)),
  add: (args: LayerArgs = {}) => new Add(opts('add', args, K.layer)),
  multiply: (args: LayerArgs = {}) => new Multiply(opts('multiply', args, K.layer)),
  average: (args: LayerArgs = {}) => new Average(opts('average', args, K.layer)),
  concatenate: (args: ConcatenateArgs = {}) => new Concatenate(opts('concatenate', args, K.concatenate)),
};

/** Layer classes by saved class name, for loading models. */
export const layerClasses: Record<string, new (args: never) => Layer> = {
  InputLayer,
  Dense,
  Activation,
  Flatten,
  Reshape,
  Dropout,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  DepthwiseConv2D,
  MaxPooling1D,
  MaxPooling2D,
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  BatchNormalization,
  LayerNormalization,
  Embedding,
  SimpleRNN,
  LSTM,
  GRU,
  Bidirectional,
  Add,
  Multiply,
  Average,
  Concatenate,
};

/**
 * Makes a layer class that is not built in (a custom layer, or another package's) loadable by `loadLayersModel`
 * (tfjs `tf.serialization.registerClass`). The class needs a static `className`, the name its `getClassName()`
 * returns and under which models save it, and a constructor that takes its `getConfig()` back. Registering the same
 * class again is a no-op; another class under a taken name is an error.
 */
export function registerClass<T extends LayerClass>(cls: T): T {
  const name = cls.className;
  if (typeof name !== 'string' || name === '') {
    throw new Error(`serialization.registerClass: ${cls.name || 'the class'} has no static className`);
  }
  const known = layerClasses[name];
  if (known && known !== cls) throw new Error(`serialization.registerClass: another class is already registered as '${name}'`);
  layerClasses[name] = cls;
  return cls;
}

/** A layer class as {@link registerClass} takes it. */
export type LayerClass = (new (
  args: never,
) => Layer) & {
  /** The name models save the layer under (what `getClassName()` returns). */
  className?: string;
};

/** Registering layer classes for loading (tfjs `tf.serialization`). */
export const serialization: {
  /** See {@link registerClass}. */
  registerClass: typeof registerClass;
} = { registerClass };
