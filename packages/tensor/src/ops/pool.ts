// maxPool and avgPool over NHWC images (tfjs semantics), with gradients.
import {
  avgPool as avgPoolK,
  avgPoolBackprop,
  conv2dGeometry,
  maxPool as maxPoolK,
  maxPoolBackprop,
  type DimRoundingMode,
  type Padding,
  type Pair,
  type Pool2dOptions,
} from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, type Tensor, viewOf } from '../tensor.js';

function pool(
  name: 'maxPool' | 'avgPool',
  x: Tensor | TensorLike,
  filterSize: Pair,
  strides: Pair,
  pad: Padding,
  dimRoundingMode?: DimRoundingMode,
): Tensor {
  const x0 = convert(x, 'x', name);
  if (x0.rank !== 4 && x0.rank !== 3) throw new Error(`${name}: x must have rank 4 (NHWC) or 3, got ${fmtShape(x0.shape)}`);
  if (x0.dtype !== 'float32') throw new Error(`${name}: x must be float32, got ${x0.dtype} ${fmtShape(x0.shape)}`);
  const xt = x0.rank === 3 ? viewOf(x0, [1, ...x0.shape]) : x0;
  const opts: Pool2dOptions = { strides, pad, ...(dimRoundingMode ? { dimRoundingMode } : {}) };
  const g = conv2dGeometry(xt.shape, filterSize, { strides, pad, ...(dimRoundingMode ? { dimRoundingMode } : {}) }, name);
  const y = emptyTensor([g.batch, g.outHeight, g.outWidth, g.inChannels], 'float32');
  (name === 'maxPool' ? maxPoolK : avgPoolK)(xt.ptr, y.ptr, xt.shape, filterSize, opts);
  const out = x0.rank === 3 ? viewOf(y, y.shape.slice(1)) : y;
  record(name === 'maxPool' ? 'MaxPool' : 'AvgPool', [x0], [out], ([dy]) => {
    const dy4 = viewOf(dy!, y.shape);
    const dx = emptyTensor(xt.shape, 'float32');
    if (name === 'maxPool') maxPoolBackprop(dy4.ptr, xt.ptr, dx.ptr, xt.shape, filterSize, opts);
    else avgPoolBackprop(dy4.ptr, dx.ptr, xt.shape, filterSize, opts);
    return [x0.rank === 3 ? viewOf(dx, x0.shape) : dx];
  });
  return out;
}

/** Maximum over each window. */
export function maxPool(x: Tensor | TensorLike, filterSize: Pair, strides: Pair, pad: Padding, dimRoundingMode?: DimRoundingMode): Tensor {
  return pool('maxPool', x, filterSize, strides, pad, dimRoundingMode);
}

/** Mean over each window (padding excluded from the count). */
export function avgPool(x: Tensor | TensorLike, filterSize: Pair, strides: Pair, pad: Padding, dimRoundingMode?: DimRoundingMode): Tensor {
  return pool('avgPool', x, filterSize, strides, pad, dimRoundingMode);
}
