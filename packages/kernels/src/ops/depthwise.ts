// Depthwise conv2d forward (+ fused bias and activation), backprop input and
// backprop filter: NHWC images, [fh, fw, cin, multiplier] filters, output
// channel c*multiplier + q (as tfjs depthwiseConv2d).
import { runtime } from '../runtime.js';
import { actCode } from './codes.js';
import { filterGeometry, sumOverChunks, type Conv2dOptions } from './conv.js';
import { geometryArgs, reductionChunks, type Conv2dGeometry, type Conv2dParams } from './conv-geometry.js';

/**
 * y[n][oh][ow][cin*mult] = act(depthwiseConv2d(x, filter) + bias): x
 * [n, h, w, cin], filter [fh, fw, cin, mult]; bias (optional) has cin*mult floats.
 */
export function depthwiseConv2d(
  x: number,
  filter: number,
  y: number,
  xShape: readonly number[],
  filterShape: readonly number[],
  opts: Conv2dOptions = {},
): Conv2dGeometry {
  const [fh, fw, , mult, g] = filterGeometry('depthwiseConv2d', xShape, filterShape, opts, 'multiplier');
  const act = actCode('depthwiseConv2d', opts.activation);
  const rows = g.batch * g.outHeight;
  const cout = g.inChannels * mult;
  if (rows === 0 || g.outWidth === 0 || cout === 0) return g;
  runtime().pool.run('depthwise_conv2d_f32', [x, filter, y, ...geometryArgs(g, mult), opts.bias ?? 0, act, opts.alpha ?? 0.2], rows, {
    cost: g.outWidth * cout * fh * fw + 1,
  });
  return g;
}

/**
 * dx[n][h][w][cin] = the gradient of depthwiseConv2d with respect to its
 * input, from dy [n, oh, ow, cin*mult]; `xShape` is the shape of x (and dx).
 */
export function depthwiseConv2dBackpropInput(
  dy: number,
  filter: number,
  dx: number,
  xShape: readonly number[],
  filterShape: readonly number[],
  opts: Conv2dParams = {},
): Conv2dGeometry {
  const [fh, fw, cin, mult, g] = filterGeometry('depthwiseConv2dBackpropInput', xShape, filterShape, opts, 'multiplier');
  const rows = g.batch * g.inHeight;
  if (rows === 0 || g.inWidth === 0 || cin === 0) return g;
  runtime().pool.run('depthwise_conv2d_backprop_input_f32', [dy, filter, dx, ...geometryArgs(g, mult)], rows, {
    cost: g.inWidth * cin * mult * fh * fw + 1,
  });
  return g;
}

/**
 * dW[fh][fw][cin][mult] = the gradient of depthwiseConv2d with respect to its
 * filter, from x [n, h, w, cin] and dy [n, oh, ow, cin*mult]. The reduction
 * over output pixels is split into chunks fixed by the problem size, so the
 * result does not depend on the thread count.
 */
export function depthwiseConv2dBackpropFilter(
  x: number,
  dy: number,
  dw: number,
  xShape: readonly number[],
  filterShape: readonly number[],
  opts: Conv2dParams = {},
): Conv2dGeometry {
  const [fh, fw, cin, mult, g] = filterGeometry('depthwiseConv2dBackpropFilter', xShape, filterShape, opts, 'multiplier');
  const cout = cin * mult,
    taps = fh * fw;
  if (cout === 0) return g;
  const rt = runtime();
  // Chunks are whole units of 512 pixels: smaller ones would spend more on
  // partial sums than they gain in parallelism.
  const pixels = g.batch * g.outHeight * g.outWidth;
  const { chunks, perChunk } = reductionChunks(Math.ceil(pixels / 512), taps * cout);
  const chunkPixels = perChunk * 512;
  sumOverChunks(dw, taps * cout, chunks, (partial) =>
    rt.pool.run('depthwise_conv2d_backprop_filter_f32', [x, dy, partial, ...geometryArgs(g, mult), chunkPixels], chunks * taps, {
      cost: chunkPixels * cout + 1,
    }),
  );
  return g;
}
