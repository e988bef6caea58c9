// Broadcasting arithmetic: add, sub, mul, div (each with its gradient).
import { binaryInto, type BinaryKind } from '../backend.js';
import { convertPair, type TensorLike } from '../convert.js';
import { upcastType } from '../dtype.js';
import { record } from '../engine.js';
import { broadcastShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { cast } from './cast.js';

type Grad = (dy: Tensor, a: Tensor, b: Tensor) => [Tensor | undefined, Tensor | undefined];

/** @internal Runs a broadcasting binary kernel, upcasting like tfjs, and records its gradient. */
export function binaryOp(name: string, kind: BinaryKind, x: Tensor | TensorLike, y: Tensor | TensorLike, grad?: Grad): Tensor {
  let [a, b] = convertPair(x, y, name);
  const shape = broadcastShape(a.shape, b.shape, name);
  const dtype = upcastType(a.dtype, b.dtype) === 'bool' ? 'int32' : upcastType(a.dtype, b.dtype);
  if (a.dtype !== dtype) a = cast(a, dtype);
  if (b.dtype !== dtype) b = cast(b, dtype);
  const out = binaryInto(kind, a, b, shape, dtype);
  if (grad) {
    const ta = a, tb = b;
    record(name, [ta, tb], [out], ([dy]) => {
      const [ga, gb] = grad(dy!, ta, tb);
      return [ga && sumToShape(ga, ta.shape), gb && sumToShape(gb, tb.shape)];
    });
  }
  return out;
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

/** a / b, broadcasting (int32 / int32 divides as floats and... see floorDiv for integer division). */
export function div(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return binaryOp('RealDiv', 'div', a, b, (dy, x, y) => [div(dy, y), mul(dy, div(mul(x, -1), mul(y, y)))]);
}
