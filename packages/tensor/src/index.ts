/**
 * @wasmml/tensor — tensors, ops and automatic differentiation on the wasmml
 * WebAssembly kernels, with TensorFlow.js names, argument order and semantics.
 * @packageDocumentation
 */
import './chain.js';

export { Tensor, type NestedArray, type Rank } from './tensor.js';
export type { DataType, TypedArray, DataTypeMap } from './dtype.js';
export type { TensorLike } from './convert.js';
export { Variable, variable, registeredVariables } from './variable.js';
export { transferStats, type TransferStats } from './transfer.js';
export {
  profile,
  profileScope,
  type ProfileInfo,
  type KernelProfile,
  type KernelSummary,
  type ScopeSummary,
} from './profile.js';
export { tidy, keep, dispose, memory, getTensorsInContainer, type TensorContainer, type MemoryInfo } from './tidy.js';
export { setSeed, nextSeed, forkGenerator, withGenerator } from './random.js';
export type { Random } from '@wasmml/platform';
export {
  tensor,
  scalar,
  tensor1d,
  tensor2d,
  tensor3d,
  tensor4d,
  fill,
  zeros,
  ones,
  zerosLike,
  onesLike,
  clone,
  range,
  linspace,
  eye,
  oneHot,
  randomNormal,
  truncatedNormal,
  randomUniform,
} from './create.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad, type SaveFunc } from './gradients.js';
// Every broadcasting binary op (generated from the kernels' binary tables, each with its gradient).
export * from './ops/binary.generated.js';
export { addN } from './ops/add-n.js';
export { logicalNot } from './ops/logical-not.js';
export { where } from './ops/where.js';
// Every unary op (the generated ones come with each new row of the kernels' unary table).
export * from './ops/unary.js';
export { cast } from './ops/cast.js';
export { matMul, dot, outerProduct } from './ops/matmul.js';
export { fusedMatMul, type FusedMatMulArgs, type FusedActivation } from './ops/fused.js';
export {
  conv2d,
  conv1d,
  conv2dTranspose,
  depthwiseConv2d,
  fusedConv2d,
  type FusedConv2dArgs,
  type Padding,
  type Pair,
  type DimRoundingMode,
} from './ops/conv.js';
export { maxPool, avgPool } from './ops/pool.js';
export { reshape, expandDims, squeeze, flatten } from './ops/reshape.js';
export {
  sum,
  mean,
  prod,
  max,
  min,
  logSumExp,
  all,
  any,
  argMax,
  argMin,
  norm,
  moments,
  cumsum,
} from './ops/reduce.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { transpose } from './ops/transpose.js';
export { gather, unsortedSegmentSum, gatherND, scatterND } from './ops/gather.js';
export { slice, stridedSlice } from './ops/slice.js';
export { concat, stack, unstack, split } from './ops/concat.js';
export { pad, reverse, tile } from './ops/pad.js';
export { batchNorm, dropout, broadcastTo, topk, shuffle } from './ops/misc.js';
export {
  softmaxCrossEntropyWithLogits,
  sparseSoftmaxCrossEntropyWithLogits,
  sigmoidCrossEntropyWithLogits,
} from './ops/xent.js';
export { dotProductAttention, type DotProductAttentionOptions } from './ops/attention.js';
export { layerNorm, rmsNorm } from './ops/norm.js';
export { lstmSequence, type LstmSequenceArgs, type RecurrentActivation } from './ops/rnn.js';
export { gruSequence, type GruSequenceArgs } from './ops/gru.js';
export { fusedOptimizerStep, optimizerSlots, type OptimizerRule } from './ops/optimizer.js';
export { init, ready, setThreads, getThreads, backendInfo, type BackendInfo, type InitOptions } from '@wasmml/kernels';
export {
  runKernel,
  hasKernel,
  type KernelArg,
  type KernelRunOptions,
  type KernelOutput,
  type KernelUpdate,
  type KernelTable,
  type TableWord,
  type KernelF32,
} from './custom-kernel.js';
export { kernelScratch, KernelScratch, type ScratchArray } from './kernel-scratch.js';
export { checkOptions, nearestName, type OptionKeys } from './options.js';
export {
  Int8Weights,
  int8MatMul,
  int8Conv2d,
  int8MaxPool,
  quantizeActivations,
  type Int8WeightsArgs,
  type Int8Conv2dOptions,
  type Int8Activation,
  type Int8InputQuant,
} from './ops/int8.js';
export { QuantizedTensor } from './quantized-tensor.js';
