/**
 * @wasmml/layers — Keras-style layers and models (Sequential and functional),
 * compile/fit/evaluate/predict, losses, metrics, callbacks and save/load, with
 * TensorFlow.js Layers names and file format.
 * @packageDocumentation
 */
export { Layer, type LayerArgs, type CallArgs, type LayerWeight } from './layer.js';
export { SymbolicTensor } from './symbolic.js';
export { LayersModel, model, type ModelArgs } from './model.js';
export { Sequential, sequential, type SequentialArgs } from './sequential.js';
export { InputLayer, input, type InputArgs } from './layers/input.js';
export { Dense, Activation, Flatten, Reshape, Dropout, type DenseArgs } from './layers/core.js';
export { layers, layerClasses, registerClass, serialization, type LayerClass } from './layers/index.js';
export { layerArgsKeys, type ActivationArgs, type ConcatenateArgs, type DropoutArgs, type ReshapeArgs } from './layers/option-keys.js';
export { Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, type ConvArgs, type DepthwiseConv2DArgs } from './layers/conv.js';
export {
  MaxPooling1D,
  MaxPooling2D,
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  type Pooling1DArgs,
  type Pooling2DArgs,
} from './layers/pooling.js';
export {
  BatchNormalization,
  LayerNormalization,
  type BatchNormalizationArgs,
  type LayerNormalizationArgs,
} from './layers/normalization.js';
export { Embedding, type EmbeddingArgs } from './layers/embedding.js';
export { Add, Multiply, Average, Concatenate } from './layers/merge.js';
export { SimpleRNN, LSTM, GRU, Bidirectional, RNNBase, type RNNArgs, type BidirectionalArgs } from './layers/recurrent.js';
export { losses, getLoss, type LossFn, type LossObject, type LossOptions } from './losses.js';
export { metrics, getMetric, type Metric, type MetricIdentifier } from './metrics.js';
export { initializers, getInitializer, type Initializer, type InitializerIdentifier } from './initializers.js';
export { regularizers, getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers.js';
export { getActivation, type ActivationIdentifier } from './activations.js';
export { Callback, CallbackList, History, CustomCallback, type Logs, type TrainParams, type CustomCallbackArgs } from './callbacks/base.js';
export type { ModelCompileArgs } from './training/compile.js';
export type { ModelFitArgs, ModelFitDatasetArgs, BatchDataset } from './training/fit.js';
export type { ModelPredictArgs } from './training/evaluate.js';
export type { ClassWeight, ClassWeightArg } from './training/class-weight.js';
export type { ModelData } from './training/data.js';
export type { Shape } from './common.js';
export { io, loadLayersModel, modelArtifacts, readSafetensors, writeSafetensors, safetensorsToFloat32 } from './io/index.js';
export type {
  IOHandler,
  ModelArtifacts,
  ModelArtifactsInfo,
  ModelJSON,
  SaveConfig,
  SaveResult,
  LoadOptions,
  TrainingConfig,
  WeightsManifestEntry,
  WeightsManifestGroupConfig,
  WeightQuantization,
  WeightDType,
  WasmmlRecord,
  FileSystemOptions,
  HttpOptions,
  SafetensorsDType,
  SafetensorsTensor,
  SafetensorsFile,
  SafetensorsInput,
} from './io/index.js';
export {
  callbacks,
  EarlyStopping,
  earlyStopping,
  ModelCheckpoint,
  modelCheckpoint,
  formatCheckpointPath,
  ReduceLROnPlateau,
  reduceLROnPlateau,
  LearningRateScheduler,
  learningRateScheduler,
  ProgressBar,
  progressBar,
} from './callbacks/index.js';
export type {
  EarlyStoppingArgs,
  ModelCheckpointArgs,
  CheckpointTarget,
  ReduceLROnPlateauArgs,
  LearningRateSchedulerFn,
  ProgressBarArgs,
  OutStream,
  MonitorMode,
} from './callbacks/index.js';
