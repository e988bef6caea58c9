// Broadcasting binary arithmetic (tfjs semantics and dtype rules), each op
// with its gradient summed back to its input's shape.
import { binaryInto, type BinaryKind } from '../backend.js';
import { convertPair, type TensorLike } from '../convert.js';
import { upcastType, type DataType } from '../dtype.js';
import { record } from '../engine.js';
import { broadcastShape, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { castRaw } from './cast.js';
import { greaterEqual, less, lessEqual, greater, where } from './compare.js';
import { log, floor } from './unary.js';
import { zerosLike } from '../create.js';

type Grad = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | undefined, Tensor | undefined];

/** @internal Runs a broadcasting binary kernel, upcasting like tfjs, and records its gradient. */
export function binaryOp(
  name: string,
  kind: BinaryKind,
  x: Tensor | TensorLike,
  y: Tensor | TensorLike,
  grad?: Grad,
  floatOnly = false,
): Tensor {
  let [a, b] = convertPair(x, y, name);
  const shape = shapesEqual(a.shape, b.shape) ? a.shape.slice() : broadcastShape(a.shape, b.shape, name);
  let dtype: DataType = upcastType(a.dtype, b.dtype);
  if (dtype === 'bool' || (floatOnly && dtype !== 'float32')) dtype = floatOnly ? 'float32' : 'int32';
  if (a.dtype !== dtype) a = castRaw(a, dtype);
  if (b.dtype !== dtype) b = castRaw(b, dtype);
  const out = binaryInto(kind, a, b, shape, dtype);
  if (grad) {
    const ta = a,
      tb = b;
    record(name, [ta, tb], [out], ([dy]) => {
      const [ga, gb] = grad(dy!, ta, tb, out);
      return [ga && sumToShape(ga, ta.shape), gb && sumToShape(gb, tb.shape)];
    });
  }
  return out;
}

function mask(t: Tensor): Tensor {
  return castRaw(t, 'float32');
}

/** a + b, broadcasting. */
export function add(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp('Add', 'add', a, b, (dy) => [dy, dy]);
}

/** a - b, broadcasting. */
export function sub(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp('Sub', 'sub', a, b, (dy) => [dy, mul(dy, -1)]);
}

/** a * b, broadcasting. */
export function mul(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp('Mul', 'mul', a, b, (dy, x, y) => [mul(dy, y), mul(dy, x)]);
}

/** a / b, broadcasting; int32 / int32 divides as floats (use floorDiv for integer division). */
export function div(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp('RealDiv', 'div', a, b, (dy, x, y) => [div(dy, y), mul(dy, div(mul(x, -1), mul(y, y)))], true);
}

/** floor(a / b), broadcasting; the result is int32, as in tfjs. */
export function floorDiv(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  const q = binaryOp('FloorDiv', 'floorDiv', a, b, (dy, x, y) => [div(dy, y), mul(dy, div(mul(x, -1), mul(y, y)))]);
  return q.dtype === 'int32' ? q : castOut(q);
}

function castOut(q: Tensor): Tensor {
  const out = castRaw(q, 'int32');
  record('Cast', [q], [out], ([dy]) => [dy!]);
  return out;
}

/** Floored modulo (sign of b), broadcasting. */
export function mod(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp('Mod', 'mod', a, b, (dy, x, y) => [dy, mul(dy, mul(floor(div(x, y)), -1))]);
}

/** Element-wise maximum, broadcasting (ties send the gradient to a). */
export function maximum(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp('Maximum', 'maximum', a, b, (dy, x, y) => [mul(dy, mask(greaterEqual(x, y))), mul(dy, mask(less(x, y)))]);
}

/** Element-wise minimum, broadcasting (ties send the gradient to a). */
export function minimum(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp('Minimum', 'minimum', a, b, (dy, x, y) => [mul(dy, mask(lessEqual(x, y))), mul(dy, mask(greater(x, y)))]);
}

/** a ** b, broadcasting. */
export function pow(base: Tensor | TensorLike, exp: Tensor | TensorLike): Tensor {
  return binaryOp('Pow', 'pow', base, exp, (dy, x, y, out) => {
    const fx = castRaw(x, 'float32'),
      fy = castRaw(y, 'float32');
    const da = mul(dy, mul(fy, binaryOp('Pow', 'pow', fx, sub(fy, 1))));
    const logx = where(greater(fx, 0), log(fx), zerosLike(fx));
    return [da, mul(dy, mul(castRaw(out, 'float32'), logx))];
  });
}

/** (a - b)², broadcasting. */
export function squaredDifference(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp('SquaredDifference', 'squaredDifference', a, b, (dy, x, y) => {
    const d = mul(dy, mul(sub(x, y), 2));
    return [d, mul(d, -1)];
  });
}

/** atan2(a, b), broadcasting. */
export function atan2(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp(
    'Atan2',
    'atan2',
    a,
    b,
    (dy, x, y) => {
      const d = add(mul(x, x), mul(y, y));
      return [mul(dy, div(y, d)), mul(dy, div(mul(x, -1), d))];
    },
    true,
  );
}

/** Sum of several same-shape tensors. */
export function addN(tensors: Array<Tensor | TensorLike>): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('addN: expected a non-empty list of tensors');
  return tensors.slice(1).reduce<Tensor>((acc, t) => add(acc, t), tensors[0] instanceof Tensor ? tensors[0] : add(tensors[0]!, 0));
}
