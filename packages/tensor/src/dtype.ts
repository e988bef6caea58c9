/** Element types, as in TensorFlow.js (`bool` is stored one byte per element). */
export type DataType = 'float32' | 'int32' | 'bool';

/** The typed arrays tensor data is read and written as (Uint8Array for bool, one byte per element). */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** The typed array `dataSync()` returns for each dtype. */
export interface DataTypeMap {
  /** float32 data comes as a Float32Array. */
  float32: Float32Array;
  /** int32 data comes as an Int32Array. */
  int32: Int32Array;
  /** bool data comes as a Uint8Array of 0 and 1. */
  bool: Uint8Array;
}

export function bytesPerElement(dtype: DataType): number {
  return dtype === 'bool' ? 1 : 4;
}

export function isDataType(x: unknown): x is DataType {
  return x === 'float32' || x === 'int32' || x === 'bool';
}

/** The dtype of a binary op's result, as tfjs upcasts (bool < int32 < float32). */
export function upcastType(a: DataType, b: DataType): DataType {
  if (a === 'float32' || b === 'float32') return 'float32';
  if (a === 'int32' || b === 'int32') return 'int32';
  return 'bool';
}

/** A zeroed typed array of `n` elements in the stored representation of `dtype`. */
export function newTypedArray(dtype: DataType, n: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
}

/** Converts numbers to the stored representation of `dtype`. */
export function toTypedArray(values: ArrayLike<number | boolean>, dtype: DataType): TypedArray {
  const n = values.length;
  if (dtype === 'float32') {
    if (values instanceof Float32Array) return values;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(values[i]);
    return out;
  }
  if (dtype === 'int32') {
    if (values instanceof Int32Array) return values;
    const out = new Int32Array(n);
    // tfjs truncates toward zero when it stores floats as int32.
    for (let i = 0; i < n; i++) out[i] = Math.trunc(Number(values[i]));
    return out;
  }
  if (values instanceof Uint8Array) return values;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i] ? 1 : 0;
  return out;
}
