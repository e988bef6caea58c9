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
