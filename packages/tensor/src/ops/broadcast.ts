// Broadcasting helpers for gradients.
import { Tensor } from '../tensor.js';
import { broadcastedAxes, shapesEqual } from '../shape.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';
import { binaryInto } from '../backend.js';
import { zeros } from '../create.js';

/** Sums a gradient over the axes along which `shape` was broadcast, back to `shape`. */
export function sumToShape(g: Tensor, shape: number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const axes = broadcastedAxes(shape, g.shape);
  return reshape(sum(g, axes, true), shape);
}

/** Broadcasts x to shape (materialised). */
export function broadcastToShape(x: Tensor, shape: number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const z = zeros(shape, x.dtype);
  const out = binaryInto('add', z, x, shape, x.dtype);
  z.dispose();
  return out;
}
