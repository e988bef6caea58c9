// cast between dtypes (tfjs semantics: float -> int truncates, -> bool is x != 0).
import { toTypedArray, type DataType } from '../dtype.js';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { emptyTensor, Tensor, viewData, viewOf, writeData } from '../tensor.js';

export function cast(x: Tensor | TensorLike, dtype: DataType): Tensor {
  const t = convert(x, 'x', 'cast');
  if (t.dtype === dtype) return viewOf(t, t.shape);
  const out = emptyTensor(t.shape, dtype);
  writeData(out, toTypedArray(viewData(t).slice(), dtype));
  record('Cast', [t], [out], ([dy]) => [dy!]);
  return out;
}
