// Reductions: sum (more to come with the reduction kernels).
import { sumInto } from '../backend.js';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { normAxes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';
import { broadcastToShape } from './broadcast.js';

function reducedShape(shape: number[], axes: number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** Sum over axes (all by default). */
export function sum(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  const t = convert(x, 'x', 'sum');
  const axes = normAxes(axis, t.rank, 'sum');
  const kept = sumInto(t, axes);
  const out = reshape(kept, reducedShape(t.shape, axes, keepDims));
  record('Sum', [t], [out], ([dy]) => [broadcastToShape(reshape(dy!, reducedShape(t.shape, axes, true)), t.shape)]);
  return out;
}
