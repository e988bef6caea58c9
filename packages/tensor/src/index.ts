/**
 * @wasmml/tensor — tensors, ops and automatic differentiation on the wasmml
 * WebAssembly kernels, with TensorFlow.js names, argument order and semantics.
 * @packageDocumentation
 */
import './chain.js';

export { Tensor, type NestedArray, type Rank } from './tensor.js';
export { type DataType, type TypedArray, type DataTypeMap } from './dtype.js';
export { type TensorLike } from './convert.js';
export { Variable, variable } from './variable.js';
export { tidy, keep, dispose, memory, getTensorsInContainer, type TensorContainer, type MemoryInfo } from './tidy.js';
export { setSeed } from './random.js';
export {
  tensor, scalar, tensor1d, tensor2d, tensor3d, tensor4d, fill, zeros, ones, zerosLike, onesLike, clone, range,
  linspace, eye, oneHot, randomNormal, truncatedNormal, randomUniform,
} from './create.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad, type SaveFunc } from './gradients.js';
export { add, sub, mul, div } from './ops/arithmetic.js';
export { cast } from './ops/cast.js';
export { matMul, dot, outerProduct } from './ops/matmul.js';
export { reshape, expandDims, squeeze, flatten } from './ops/reshape.js';
export { sum } from './ops/reduce.js';
export { slice, stridedSlice } from './ops/slice.js';
export { concat, stack, unstack, split } from './ops/concat.js';
export { pad, reverse, tile } from './ops/pad.js';
export { init, ready, setThreads, getThreads, backendInfo, type BackendInfo, type InitOptions } from '@wasmml/kernels';
