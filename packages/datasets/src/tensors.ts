// The one file that touches tensors. Everything else in the package works on
// typed arrays and calls these three functions.
//
// TEMPORARY STAND-IN: @wasmml/tensor has not landed on main yet. Once it exports
// `tensor()`, replace the class below with
//   import { tensor, Tensor } from '@wasmml/tensor';
// and keep the three function signatures.
import type { DType, TypedArray } from './types.js';

/** Minimal tensor with the tfjs surface the pipeline relies on (stand-in, see file header). */
export class Tensor {
  /** Number of elements. */
  readonly size: number;
  private values: Float32Array | Int32Array | Uint8Array | undefined;

  /** Wraps values (taken over, not copied) with a shape and dtype. */
  constructor(values: Float32Array | Int32Array | Uint8Array, readonly shape: number[], readonly dtype: DType) {
    this.values = values;
    this.size = values.length;
  }

  /** The values, synchronously. */
  dataSync(): Float32Array | Int32Array | Uint8Array {
    if (!this.values) throw new Error('Tensor is disposed');
    return this.values;
  }

  /** Frees the values. */
  dispose(): void {
    this.values = undefined;
  }
}

/** Builds a tensor of `shape` and `dtype` from values already laid out in row-major order. */
export function makeTensor(values: TypedArray, shape: number[], dtype: DType): Tensor {
  const typed =
    dtype === 'float32' ? (values instanceof Float32Array ? values : Float32Array.from(values))
      : dtype === 'int32' ? (values instanceof Int32Array ? values : Int32Array.from(values))
        : values instanceof Uint8Array ? values : Uint8Array.from(values, (v) => (v ? 1 : 0));
  return new Tensor(typed, shape, dtype);
}

/** Whether x is a tensor of the tensor package. */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** A tensor's values and shape, for the augmentations that accept batched tensors. */
export function readTensor(t: Tensor): { values: TypedArray; shape: number[]; dtype: DType } {
  return { values: t.dataSync(), shape: t.shape.slice(), dtype: t.dtype };
}

/** Disposes a tensor. */
export function disposeTensor(t: Tensor): void {
  t.dispose();
}
