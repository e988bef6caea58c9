// The one file that touches @wasmml/tensor. Everything else in the package works
// on typed arrays and goes through these functions, so the pipeline stays fast
// and the dependency on the tensor package stays one screen long.
import { Tensor, nextSeed, tensor } from '@wasmml/tensor';
import type { DType, TypedArray } from './types.js';

export { Tensor };

/** Builds a tensor of `shape` and `dtype` from values already laid out in row-major order. */
export function makeTensor(values: TypedArray, shape: number[], dtype: DType): Tensor {
  const typed =
    dtype === 'float32'
      ? values instanceof Float32Array
        ? values
        : Float32Array.from(values)
      : dtype === 'int32'
        ? values instanceof Int32Array
          ? values
          : Int32Array.from(values)
        : values instanceof Uint8Array
          ? values
          : Uint8Array.from(values, (v) => (v ? 1 : 0));
  return tensor(typed, shape, dtype);
}

/** Whether x is a tensor of the tensor package. */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** A tensor's values, shape and dtype, for the augmentations that accept batched tensors. */
export function readTensor(t: Tensor): { values: TypedArray; shape: number[]; dtype: DType } {
  return { values: t.dataSync(), shape: t.shape.slice(), dtype: t.dtype };
}

/** Disposes a tensor. */
export function disposeTensor(t: Tensor): void {
  t.dispose();
}

/** A seed from the tensor package's global generator (set by its `setSeed`). */
export function globalSeed(): number {
  return nextSeed();
}
