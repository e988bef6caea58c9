/**
 * @wasmml/kernels — the WebAssembly SIMD + threads kernel module of wasmml, its
 * loader, memory arena and thread pool. Only `@wasmml/tensor` is meant to call
 * it; addresses and sizes here are raw byte offsets into the shared memory.
 * @packageDocumentation
 */
export {
  init,
  ready,
  runtime,
  isLoaded,
  setThreads,
  getThreads,
  backendInfo,
  stopThreads,
  poolStats,
  setKernelObserver,
  type InitOptions,
  type BackendInfo,
  type Runtime,
  type VariantName,
  type WasmSource,
} from './runtime.js';
export { Arena, OutOfMemoryError, sizeClass, type ArenaStats } from './memory.js';
export {
  KernelError,
  setParallelThreshold,
  getParallelThreshold,
  type RunOptions,
  type KernelCall,
  type KernelObserver,
} from './pool.js';
export { hasSimd, hasRelaxedSimd, hasSharedMemory } from './features.js';
export { f32View, i32View, u8View, alloc, free } from './views.js';
export { Act, type ActName } from './ops/codes.js';
export { gemm, type GemmOptions } from './ops/gemm.js';
export {
  reduce,
  reduceCollapsed,
  reduceDims,
  type ReduceOp,
  type ReduceDtype,
  type ReduceDims,
} from './ops/reduce.js';
export {
  softmax,
  logSoftmax,
  softmaxGrad,
  logSoftmaxGrad,
  softmaxCrossEntropy,
  sparseSoftmaxCrossEntropy,
  type SoftmaxCrossEntropyOptions,
} from './ops/softmax.js';
export { attention, attentionGrad, type AttentionShape } from './ops/attention.js';
export { norm, normGrad, type NormArgs, type NormGradOutputs } from './ops/norm.js';
export { transpose, collapsePermutation, type ElementBytes, type CollapsedPermutation } from './ops/transpose.js';
export {
  gather,
  unsortedSegmentSum,
  gatherND,
  scatterND,
  type GatherOptions,
  type SegmentDtype,
} from './ops/gather.js';
export { cast, type CastDtype } from './ops/cast.js';
export {
  applyOptimizer,
  optimizerSlots,
  type OptimizerParam,
  type OptimizerRule,
  type OptimizerType,
  type ApplyOptimizerOptions,
  type SgdRule,
  type MomentumRule,
  type RmspropRule,
  type AdagradRule,
  type AdamRule,
  type AdamwRule,
  type AdamaxRule,
} from './ops/optimizer.js';
export {
  conv2dGeometry,
  type Conv2dGeometry,
  type Conv2dParams,
  type Padding,
  type ExplicitPadding,
  type DimRoundingMode,
  type Pair,
} from './ops/conv-geometry.js';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, type Conv2dOptions } from './ops/conv.js';
export { depthwiseConv2d, depthwiseConv2dBackpropInput, depthwiseConv2dBackpropFilter } from './ops/depthwise.js';
export { maxPool, maxPoolU7, avgPool, maxPoolBackprop, avgPoolBackprop, type Pool2dOptions } from './ops/pool.js';
export { broadcastShapes } from './ops/broadcast.js';
export {
  binary,
  compare,
  logical,
  BINARY_OPS,
  INT32_BINARY_OPS,
  COMPARE_OPS,
  LOGICAL_OPS,
  type BinaryOp,
  type BinaryOperands,
  type CompareOp,
  type LogicalOp,
  type NumericDtype,
} from './ops/binary.js';
export { ARITHMETIC_TABLE, COMPARE_TABLE, LOGICAL_TABLE, type BinaryRow } from './ops/binary-table.js';
export { select } from './ops/select.js';
export {
  unary,
  predicate,
  unaryGrad,
  UNARY_OPS,
  INT32_UNARY_OPS,
  PREDICATE_OPS,
  UNARY_GRAD_READS,
  type UnaryOp,
  type PredicateOp,
} from './ops/unary.js';
export { hasKernel, runKernel } from './named.js';
export { UNARY_TABLE, type UnaryRow } from './ops/unary-table.js';
export {
  lstmForward,
  lstmBackward,
  type LstmSequence,
  type LstmSequenceGrads,
  type RecurrentActivation,
} from './ops/rnn.js';
export { gruForward, gruBackward, type GruSequence, type GruSequenceGrads } from './ops/gru.js';
export {
  quantizeU7,
  gemmInt8,
  conv2dInt8,
  packInt8Weights,
  int8PaddedK,
  int8PaddedN,
  int8PackedBytes,
  int8EpilogueTables,
  type Int8Activation,
  type Int8InputQuant,
  type Int8Output,
  type Conv2dInt8Options,
  type Int8WeightBuffers,
  type Int8EpilogueTables,
} from './ops/int8.js';
