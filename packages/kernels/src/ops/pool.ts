// 2-D max / average pooling over NHWC images, forward and backprop, with
// TensorFlow.js cpu semantics (see assembly/pool2d.ts): max takes the first
// strictly greater value and skips NaN; the average divides by the in-image
// window size (padding excluded).
import { runtime } from '../runtime.js';
import { conv2dGeometry, geometryArgs, type Conv2dGeometry, type DimRoundingMode, type Padding, type Pair } from './conv-geometry.js';

/** Stride and padding of a 2-D pool. */
export interface Pool2dOptions {
  /** [strideHeight, strideWidth]; default: the filter size (as Keras and tfjs layers). */
  strides?: Pair;
  /** Default 'valid'. */
  pad?: Padding;
  /** Rounding of the output size for numeric or explicit padding. */
  dimRoundingMode?: DimRoundingMode;
}

function geometry(op: string, xShape: readonly number[], filterSize: Pair, opts: Pool2dOptions): Conv2dGeometry {
  return conv2dGeometry(
    xShape,
    filterSize,
    {
      strides: opts.strides ?? filterSize,
      pad: opts.pad,
      dimRoundingMode: opts.dimRoundingMode,
    },
    op,
  );
}

// The pooling kernels' geometry arguments: the convolution's without dilations.
const args = (g: Conv2dGeometry): number[] => geometryArgs(g, undefined, false);

function forward(
  name: string,
  op: string,
  x: number,
  y: number,
  xShape: readonly number[],
  filterSize: Pair,
  opts: Pool2dOptions,
): Conv2dGeometry {
  const g = geometry(op, xShape, filterSize, opts);
  const rows = g.batch * g.outHeight;
  if (rows === 0 || g.outWidth === 0 || g.inChannels === 0) return g;
  runtime().pool.run(name, [x, y, ...args(g)], rows, { cost: g.outWidth * g.inChannels * g.filterHeight * g.filterWidth + 1 });
  return g;
}

/** y[n][oh][ow][c] = the maximum of each window of x [n, h, w, c]. */
export function maxPool(x: number, y: number, xShape: readonly number[], filterSize: Pair, opts: Pool2dOptions = {}): Conv2dGeometry {
  return forward('max_pool2d_f32', 'maxPool', x, y, xShape, filterSize, opts);
}

/**
 * y[n][oh][ow][c] = the maximum of each window of u7 bytes x [n, h, w, c]
 * (the activations between int8 layers; see assembly/int8_pool.ts).
 */
export function maxPoolU7(x: number, y: number, xShape: readonly number[], filterSize: Pair, opts: Pool2dOptions = {}): Conv2dGeometry {
  return forward('max_pool2d_u8', 'maxPoolU7', x, y, xShape, filterSize, opts);
}

/** y[n][oh][ow][c] = the mean of each window of x [n, h, w, c] (positions in the image only). */
export function avgPool(x: number, y: number, xShape: readonly number[], filterSize: Pair, opts: Pool2dOptions = {}): Conv2dGeometry {
  return forward('avg_pool2d_f32', 'avgPool', x, y, xShape, filterSize, opts);
}

/**
 * dx (shape of x) = the gradient of maxPool: each window's dy goes to its
 * first maximum in x (row-major order), as tfjs does on ties.
 */
export function maxPoolBackprop(
  dy: number,
  x: number,
  dx: number,
  xShape: readonly number[],
  filterSize: Pair,
  opts: Pool2dOptions = {},
): Conv2dGeometry {
  const g = geometry('maxPoolBackprop', xShape, filterSize, opts);
  const items = g.batch * Math.ceil(g.inChannels / 16);
  if (items === 0 || g.inHeight * g.inWidth === 0) return g;
  runtime().pool.run('max_pool2d_backprop_f32', [x, dy, dx, ...args(g)], items, {
    cost: 16 * (g.inHeight * g.inWidth + 2 * g.outHeight * g.outWidth * g.filterHeight * g.filterWidth) + 1,
  });
  return g;
}

/**
 * dx (shape of x) = the gradient of avgPool: each window's dy shared equally
 * by its in-image positions (the same divisor as the forward pass).
 */
export function avgPoolBackprop(
  dy: number,
  dx: number,
  xShape: readonly number[],
  filterSize: Pair,
  opts: Pool2dOptions = {},
): Conv2dGeometry {
  const g = geometry('avgPoolBackprop', xShape, filterSize, opts);
  const rows = g.batch * g.inHeight;
  if (rows === 0 || g.inWidth === 0 || g.inChannels === 0) return g;
  const perPixel = Math.ceil(g.filterHeight / g.strideHeight) * Math.ceil(g.filterWidth / g.strideWidth);
  runtime().pool.run('avg_pool2d_backprop_f32', [dy, dx, ...args(g)], rows, { cost: g.inWidth * g.inChannels * perPixel + 1 });
  return g;
}
