// cast between dtypes (tfjs semantics: float -> int truncates, -> bool is x != 0).
import { cast as castKernel } from '@wasmml/kernels';
import type { DataType } from '../dtype.js';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { emptyTensor, type Tensor, viewOf } from '../tensor.js';

/** @internal Converts without recording. */
export function castRaw(t: Tensor, dtype: DataType): Tensor {
  if (t.dtype === dtype) return viewOf(t, t.shape);
  const out = emptyTensor(t.shape, dtype);
  if (t.size > 0) castKernel(t.ptr, out.ptr, t.size, t.dtype, dtype);
  return out;
}

/** Converts to another dtype. The gradient passes through unchanged, as in tfjs. */
export function cast(x: Tensor | TensorLike, dtype: DataType): Tensor {
  const t = convert(x, 'x', 'cast');
  const out = castRaw(t, dtype);
  record('Cast', [t], [out], ([dy]) => [dy!]);
  return out;
}
