// where (tfjs `where`, the select kernel): a where condition is true, else b.
import { selectInto } from '../backend.js';
import { convert, convertPair, type TensorLike } from '../convert.js';
import { zerosLike } from '../create.js';
import { upcastType } from '../dtype.js';
import { record } from '../engine.js';
import { broadcastShape, fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { castRaw } from './cast.js';

/** a where condition is true, else b (all three broadcast). */
export function where(condition: Tensor | TensorLike, a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  const c = convert(condition, 'condition', 'where', 'bool');
  if (c.dtype !== 'bool') throw new Error(`where: condition must be bool, got ${c.dtype} ${fmtShape(c.shape)}`);
  let [x, y] = convertPair(a, b, 'where');
  const dtype = upcastType(x.dtype, y.dtype);
  if (x.dtype !== dtype) x = castRaw(x, dtype);
  if (y.dtype !== dtype) y = castRaw(y, dtype);
  const shape = broadcastShape(broadcastShape(c.shape, x.shape, 'where'), y.shape, 'where');
  const out = selectInto(c, x, y, shape);
  record('Select', [c, x, y], [out], ([dy]) => {
    const z = zerosLike(dy!);
    return [undefined, sumToShape(selectInto(c, dy!, z, shape), x.shape), sumToShape(selectInto(c, z, dy!, shape), y.shape)];
  });
  return out;
}
