// Broadcasting helpers for gradients.
import { binaryInto } from '../backend.js';
import { broadcastedAxes, shapesEqual } from '../shape.js';
import { type Tensor, viewOf } from '../tensor.js';
import { zeros } from '../create.js';
import { reduceRaw } from './reduce.js';

/** Sums a gradient over the axes along which `shape` was broadcast, back to `shape`. */
export function sumToShape(g: Tensor, shape: number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const axes = broadcastedAxes(shape, g.shape);
  const r = reduceRaw('sum', g, axes, g.dtype);
  const out = viewOf(r, shape);
  r.dispose();
  return out;
}

/** Broadcasts x to shape (materialised). */
export function broadcastToShape(x: Tensor, shape: number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const z = zeros(shape, x.dtype);
  const out = binaryInto('add', z, x, shape, x.dtype);
  z.dispose();
  return out;
}
