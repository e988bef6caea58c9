// Value types shared by the pipeline, the loaders and the augmentations.

/** Any of the standard numeric typed arrays. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

/** Element dtypes a batch can produce, as in TensorFlow.js. */
export type DType = 'float32' | 'int32' | 'bool';

/**
 * A typed array with a shape, e.g. one HWC image. `batch` stacks these into a
 * tensor of shape `[batch, ...shape]`; a bare typed array would become `[batch, length]`.
 */
export class Shaped<A extends TypedArray = Float32Array> {
  /**
   * Wraps `data` (not copied) as an array of the given shape.
   * @param data The values, row-major.
   * @param shape The dimensions; their product must equal `data.length`.
   */
  constructor(
    readonly data: A,
    readonly shape: readonly number[],
  ) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`Shaped: shape [${shape.join(', ')}] holds ${size} values but the data has ${data.length}`);
    }
  }
}

/** Shorthand for `new Shaped(data, shape)`. */
export function shaped<A extends TypedArray>(data: A, shape: readonly number[]): Shaped<A> {
  return new Shaped(data, shape);
}

/** True for any typed array view except DataView. */
export function isTypedArray(x: unknown): x is TypedArray {
  return (
    ArrayBuffer.isView(x) &&
    !(x instanceof DataView) &&
    !(typeof BigInt64Array !== 'undefined' && (x instanceof BigInt64Array || x instanceof BigUint64Array))
  );
}

/** The dtype TensorFlow.js infers for a typed array: floats are float32, integers int32. */
export function dtypeOf(x: TypedArray): DType {
  return x instanceof Float32Array || x instanceof Float64Array ? 'float32' : 'int32';
}

/** A training example as `fitDataset` consumes it: features `xs` and targets `ys`. */
export interface XY<X, Y> {
  /** Features. */
  xs: X;
  /** Targets (labels). */
  ys: Y;
}

/** Plain object check: `{...}` literals and null-prototype objects, not class instances. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}
