// Comparisons and logic (bool results, no gradients) and where (select).
import { compareInto, logicalInto, selectInto, type CompareKind, type LogicalKind } from '../backend.js';
import { convert, convertPair, type TensorLike } from '../convert.js';
import { upcastType } from '../dtype.js';
import { record } from '../engine.js';
import { broadcastShape, fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { castRaw } from './cast.js';
import { sumToShape } from './broadcast.js';
import { zerosLike } from '../create.js';

function compare(name: string, kind: CompareKind, x: Tensor | TensorLike, y: Tensor | TensorLike): Tensor {
  let [a, b] = convertPair(x, y, name);
  const dtype = upcastType(a.dtype, b.dtype);
  if (a.dtype !== dtype) a = castRaw(a, dtype);
  if (b.dtype !== dtype) b = castRaw(b, dtype);
  return compareInto(kind, a, b, broadcastShape(a.shape, b.shape, name));
}

/** Element-wise a == b as a bool tensor (tfjs `equal`); inputs broadcast and are upcast to a common dtype. */
export const equal = (a: Tensor | TensorLike, b: Tensor | TensorLike) => compare('equal', 'equal', a, b);
/** Element-wise a != b as a bool tensor (tfjs `notEqual`); inputs broadcast. */
export const notEqual = (a: Tensor | TensorLike, b: Tensor | TensorLike) => compare('notEqual', 'notEqual', a, b);
/** Element-wise a < b as a bool tensor (tfjs `less`); inputs broadcast. */
export const less = (a: Tensor | TensorLike, b: Tensor | TensorLike) => compare('less', 'less', a, b);
/** Element-wise a <= b as a bool tensor (tfjs `lessEqual`); inputs broadcast. */
export const lessEqual = (a: Tensor | TensorLike, b: Tensor | TensorLike) => compare('lessEqual', 'lessEqual', a, b);
/** Element-wise a > b as a bool tensor (tfjs `greater`); inputs broadcast. */
export const greater = (a: Tensor | TensorLike, b: Tensor | TensorLike) => compare('greater', 'greater', a, b);
/** Element-wise a >= b as a bool tensor (tfjs `greaterEqual`); inputs broadcast. */
export const greaterEqual = (a: Tensor | TensorLike, b: Tensor | TensorLike) => compare('greaterEqual', 'greaterEqual', a, b);

function logical(name: string, kind: LogicalKind, x: Tensor | TensorLike, y: Tensor | TensorLike): Tensor {
  const a = convert(x, 'a', name, 'bool'),
    b = convert(y, 'b', name, 'bool');
  if (a.dtype !== 'bool' || b.dtype !== 'bool') {
    throw new Error(`${name}: inputs must be bool, got ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`);
  }
  return logicalInto(kind, a, b, broadcastShape(a.shape, b.shape, name));
}

/** Element-wise AND of two bool tensors (tfjs `logicalAnd`); they broadcast; other dtypes throw. */
export const logicalAnd = (a: Tensor | TensorLike, b: Tensor | TensorLike) => logical('logicalAnd', 'logicalAnd', a, b);
/** Element-wise OR of two bool tensors (tfjs `logicalOr`); they broadcast; other dtypes throw. */
export const logicalOr = (a: Tensor | TensorLike, b: Tensor | TensorLike) => logical('logicalOr', 'logicalOr', a, b);
/** Element-wise XOR of two bool tensors (tfjs `logicalXor`); they broadcast; other dtypes throw. */
export const logicalXor = (a: Tensor | TensorLike, b: Tensor | TensorLike) => logical('logicalXor', 'logicalXor', a, b);

/** NOT of a bool tensor. */
export function logicalNot(x: Tensor | TensorLike): Tensor {
  const t = convert(x, 'x', 'logicalNot', 'bool');
  if (t.dtype !== 'bool') throw new Error(`logicalNot: input must be bool, got ${t.dtype} ${fmtShape(t.shape)}`);
  return logicalInto('logicalXor', t, castRaw(convert(true, 'b', 'logicalNot', 'bool'), 'bool'), t.shape);
}

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
