/**
 * @wasmml/compression — make trained wasmml models smaller and faster:
 * magnitude pruning with TFMOT-style sparsity schedules and a sparse file
 * form, post-training int8 quantisation running on real int8 wasm kernels
 * (per-channel weights, calibrated activation ranges, int32 accumulation),
 * quantisation-aware training, float16 weight storage, and knowledge
 * distillation.
 * @packageDocumentation
 */
export {
  constantSparsity,
  polynomialDecay,
  type PruningSchedule,
  type ScheduleSteps,
} from './pruning/schedule.js';
export { pruneLowMagnitude, stripPruning, modelSparsity, Pruning, type PruneOptions, type PruningSparsity } from './pruning/prune.js';
export { pruneChannels, type PruneChannelsOptions, type PrunedChannels } from './pruning/structured.js';
export { quantizeModel, type QuantizeOptions } from './quantize/ptq.js';
export { QuantizedModel, type QuantizedLayerInfo, type QuantizedStep } from './quantize/quantized-model.js';
export {
  quantizeAwareTraining,
  QuantizeAwareCallback,
  type QuantizeAwareOptions,
  type ActivationRange,
} from './quantize/qat.js';
export { distill, distillationLoss, type DistillOptions } from './distill.js';
export { encodeModel, encodeQuantized, decodeModel, type WeightEncoding } from './io/format.js';
export { saveCompressed, loadCompressed } from './io/files.js';
