/**
 * @wasmml/kernels — the WebAssembly SIMD + threads kernel module of wasmml, its
 * loader, memory arena and thread pool. Only `@wasmml/tensor` is meant to call
 * it; addresses and sizes here are raw byte offsets into the shared memory.
 * @packageDocumentation
 */
export {
  init, ready, runtime, isLoaded, setThreads, getThreads, backendInfo, stopThreads,
  type InitOptions, type BackendInfo, type Runtime, type VariantName, type WasmSource,
} from './runtime.js';
export { Arena, OutOfMemoryError, sizeClass, type ArenaStats } from './memory.js';
export { KernelError, setParallelThreshold, getParallelThreshold, type RunOptions } from './pool.js';
export { hasSimd, hasRelaxedSimd, hasSharedMemory } from './features.js';
export { f32View, i32View, u8View, alloc, free } from './views.js';
export { Act, type ActName } from './ops/codes.js';
export { gemm, type GemmOptions } from './ops/gemm.js';
export { broadcastShapes } from './ops/broadcast.js';
export {
  binary, compare, logical, select, BINARY_OPS, INT32_BINARY_OPS, COMPARE_OPS, LOGICAL_OPS,
  type BinaryOp, type CompareOp, type LogicalOp, type NumericDtype,
} from './ops/binary.js';
export {
  unary, predicate, unaryGrad, UNARY_OPS, INT32_UNARY_OPS, PREDICATE_OPS, UNARY_GRAD_READS,
  type UnaryOp, type PredicateOp,
} from './ops/unary.js';
