// logicalNot: XOR with true on the logical kernel (there is no unary bool kernel).
import { logicalInto } from '../backend.js';
import { convert, type TensorLike } from '../convert.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { castRaw } from './cast.js';

/** NOT of a bool tensor (tfjs `logicalNot`); other dtypes throw. */
export function logicalNot(x: Tensor | TensorLike): Tensor {
  const t = convert(x, 'x', 'logicalNot', 'bool');
  if (t.dtype !== 'bool') throw new Error(`logicalNot: input must be bool, got ${t.dtype} ${fmtShape(t.shape)}`);
  return logicalInto('logicalXor', t, castRaw(convert(true, 'b', 'logicalNot', 'bool'), 'bool'), t.shape);
}
