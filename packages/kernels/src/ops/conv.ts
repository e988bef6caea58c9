// conv2d forward (+ fused bias and activation), backprop input and backprop
// filter over NHWC images and [fh, fw, cin, cout] filters; addresses are byte
// offsets into the arena. Implicit GEMM on gemm's packed-panel micro-kernel
// (see assembly/conv.ts, conv_input.ts and conv_filter.ts).
import { runtime } from '../runtime.js';
import { f32View } from '../views.js';
import { actCode, type ActName } from './codes.js';
import { gemm } from './gemm.js';
import { conv2dGeometry, geometryArgs, reductionChunks, type Conv2dGeometry, type Conv2dParams } from './conv-geometry.js';

const MR = 4;
const NR = 8;

/** Options of {@link conv2d}: geometry plus the fused epilogue. */
export interface Conv2dOptions extends Conv2dParams {
  /** Address of a cout-long bias vector, or 0. */
  bias?: number;
  /** Activation applied after the bias (default 'linear'). */
  activation?: ActName;
  /** Parameter of leakyRelu / elu (default 0.2). */
  alpha?: number;
}

/**
 * Checks a [fh, fw, cin, cout] (or [fh, fw, cin, multiplier]) filter shape
 * against the input's channels, then the geometry of `op` over x.
 */
export function filterGeometry(
  op: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  params: Conv2dParams,
  lastDim: 'outChannels' | 'multiplier' = 'outChannels',
): [number, number, number, number, Conv2dGeometry] {
  if (filterShape.length !== 4 || !filterShape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`wasmml ${op}: filter shape must be [filterHeight, filterWidth, inChannels, ${lastDim}], got [${filterShape}]`);
  }
  // A malformed x is reported by conv2dGeometry.
  if (xShape.length === 4 && filterShape[2] !== xShape[3]) {
    throw new RangeError(
      `wasmml ${op}: filter [${filterShape}] expects ${filterShape[2]} input channels, input [${xShape}] has ${xShape[3]}`,
    );
  }
  const [fh, fw, cin, last] = filterShape as [number, number, number, number];
  return [fh, fw, cin, last, conv2dGeometry(xShape, [fh, fw], params, op)];
}

const alignUp = (bytes: number) => Math.ceil(bytes / 64) * 64;
const zeroBlockBytes = (n: number) => ((n + 3) & ~3) * 4;

/**
 * y[n][oh][ow][cout] = act(conv2d(x, filter) + bias): x [n, h, w, cin] at `x`,
 * filter [fh, fw, cin, cout] at `filter`, y at `y`. Returns the geometry (y's
 * spatial size is outHeight x outWidth).
 */
export function conv2d(
  x: number,
  filter: number,
  y: number,
  xShape: readonly number[],
  filterShape: readonly number[],
  opts: Conv2dOptions = {},
): Conv2dGeometry {
  const [fh, fw, cin, cout, g] = filterGeometry('conv2d', xShape, filterShape, opts);
  const act = actCode('conv2d', opts.activation);
  const pixels = g.batch * g.outHeight * g.outWidth;
  const k = fh * fw * cin;
  if (pixels === 0 || cout === 0) return g;
  if (k === 0) {
    // No input channels: every pixel is act(bias), which gemm's k = 0 path writes.
    gemm(x, filter, y, pixels, cout, 0, { bias: opts.bias ?? 0, activation: opts.activation, alpha: opts.alpha });
    return g;
  }
  const rt = runtime();
  const np = Math.ceil(cout / NR);
  const packed = rt.arena.alloc(np * k * NR * 4);
  try {
    rt.pool.run('gemm_pack_b_f32', [filter, cout, 1, 0, k, cout, packed], np, { cost: k * NR });
    rt.pool.run('conv2d_f32', [x, packed, y, ...geometryArgs(g, cout), opts.bias ?? 0, act, opts.alpha ?? 0.2], Math.ceil(pixels / MR), {
      cost: MR * cout * k + 1,
      scratchBytes: alignUp(zeroBlockBytes(cin) + MR * 4 * k),
    });
  } finally {
    rt.arena.free(packed);
  }
  return g;
}

/**
 * dx[n][h][w][cin] = the gradient of conv2d with respect to its input (a
 * transposed convolution of dy [n, oh, ow, cout] with the filter). `xShape`
 * is the shape of x (and dx).
 */
export function conv2dBackpropInput(
  dy: number,
  filter: number,
  dx: number,
  xShape: readonly number[],
  filterShape: readonly number[],
  opts: Conv2dParams = {},
): Conv2dGeometry {
  const [fh, fw, cin, cout, g] = filterGeometry('conv2dBackpropInput', xShape, filterShape, opts);
  const pixels = g.batch * g.inHeight * g.inWidth;
  if (pixels === 0 || cin === 0) return g;
  if (cout === 0 || g.outHeight * g.outWidth === 0) {
    f32View(dx, pixels * cin).fill(0);
    return g;
  }
  const rt = runtime();
  const { table, packedFloats, items, maxK } = phaseTable(g, cout);
  const np = Math.ceil(cin / NR);
  const tablePtr = rt.arena.alloc(table.byteLength);
  const packed = rt.arena.alloc(Math.max(4, packedFloats * 4));
  try {
    new Int32Array(rt.memory.buffer, tablePtr, table.length).set(table);
    const geo = [fh, fw, cin, cout, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padLeft];
    rt.pool.run('conv2d_pack_filter_phases_f32', [filter, tablePtr, ...geo, packed], (table.length / 4) * np, { cost: maxK * NR });
    rt.pool.run('conv2d_backprop_input_f32', [dy, packed, tablePtr, dx, ...geometryArgs(g, cout)], items, {
      cost: MR * cin * maxK + 1,
      scratchBytes: alignUp(zeroBlockBytes(cout) + 16 * cin + MR * 4 * maxK),
    });
  } finally {
    rt.arena.free(packed);
    rt.arena.free(tablePtr);
  }
  return g;
}

/**
 * Per stride phase (ry, rx) of the input pixels: the first work item, the
 * offset of the packed sub-filter holding the taps that reach that phase, and
 * its K (see assembly/conv_input.ts).
 */
function phaseTable(g: Conv2dGeometry, cout: number) {
  const { strideHeight: sh, strideWidth: sw } = g;
  const tapsFor = (r: number, pad: number, f: number, d: number, s: number) =>
    Array.from({ length: f }, (_, i) => (r + pad - i * d) % s === 0).filter(Boolean).length;
  const table = new Int32Array(4 * sh * sw);
  const np = Math.ceil(g.inChannels / NR);
  let items = 0,
    offset = 0,
    maxK = 0;
  for (let ry = 0; ry < sh; ry++) {
    for (let rx = 0; rx < sw; rx++) {
      const k =
        tapsFor(ry, g.padTop, g.filterHeight, g.dilationHeight, sh) * tapsFor(rx, g.padLeft, g.filterWidth, g.dilationWidth, sw) * cout;
      const pixels = g.batch * Math.max(0, Math.ceil((g.inHeight - ry) / sh)) * Math.max(0, Math.ceil((g.inWidth - rx) / sw));
      table.set([items, offset, k, 0], 4 * (ry * sw + rx));
      items += Math.ceil(pixels / MR);
      offset += np * k * NR;
      maxK = Math.max(maxK, k);
    }
  }
  return { table, packedFloats: offset, items, maxK };
}

/**
 * dW[fh][fw][cin][cout] = the gradient of conv2d with respect to its filter,
 * from x [n, h, w, cin] and dy [n, oh, ow, cout]. The reduction over output
 * pixels is split into chunks fixed by the problem size, so the result does
 * not depend on the thread count.
 */
export function conv2dBackpropFilter(
  x: number,
  dy: number,
  dw: number,
  xShape: readonly number[],
  filterShape: readonly number[],
  opts: Conv2dParams = {},
): Conv2dGeometry {
  const [fh, fw, cin, cout, g] = filterGeometry('conv2dBackpropFilter', xShape, filterShape, opts);
  const k = fh * fw * cin;
  const pixels = g.batch * g.outHeight * g.outWidth;
  if (k === 0 || cout === 0) return g;
  if (pixels === 0) {
    f32View(dw, k * cout).fill(0);
    return g;
  }
  const rt = runtime();
  // Blocks of dy small enough to stay in cache while every filter panel of a
  // work item uses them; chunks (of blocks) fixed by the problem size.
  const blockLen = 256;
  const blocks = Math.ceil(pixels / blockLen);
  const { chunks, perChunk } = reductionChunks(blocks, k * cout);
  const lastLen = pixels - (blocks - 1) * blockLen;
  const np = Math.ceil(cout / NR);
  const kp = Math.ceil(k / MR);
  // Panels per item: only locality and balance depend on it, never a value.
  const group = Math.max(1, Math.floor((chunks * kp) / (8 * rt.pool.size)));
  const packed = rt.arena.alloc(pixels * np * NR * 4);
  try {
    if (blocks > 1) {
      rt.pool.run('gemm_pack_b_f32', [dy, cout, 1, blockLen * cout, blockLen, cout, packed], (blocks - 1) * np, { cost: blockLen * NR });
    }
    rt.pool.run(
      'gemm_pack_b_f32',
      [dy + (blocks - 1) * blockLen * cout * 4, cout, 1, 0, lastLen, cout, packed + (blocks - 1) * blockLen * np * NR * 4],
      np,
      { cost: lastLen * NR },
    );
    const items = chunks * Math.ceil(kp / group);
    sumOverChunks(dw, k * cout, chunks, (partial) =>
      rt.pool.run('conv2d_backprop_filter_f32', [x, packed, partial, ...geometryArgs(g, cout), blockLen, perChunk, group], items, {
        cost: (MR * pixels * cout * kp) / items + 1,
        scratchBytes: alignUp(16 + MR * 4 * blockLen),
      }),
    );
  } finally {
    rt.arena.free(packed);
  }
  return g;
}

/**
 * Runs `fill` into `chunks` partial results of `floats` floats each (straight
 * into `out` when there is one) and adds them into `out` in chunk order, so a
 * backprop-filter reduction does not depend on the thread count.
 */
export function sumOverChunks(out: number, floats: number, chunks: number, fill: (partial: number) => void): void {
  const rt = runtime();
  const partial = chunks > 1 ? rt.arena.alloc(chunks * floats * 4) : out;
  try {
    fill(partial);
    if (chunks > 1) rt.pool.run('conv2d_sum_chunks_f32', [partial, out, floats, chunks], Math.ceil(floats / 4), { cost: 4 * chunks });
  } finally {
    if (partial !== out) rt.arena.free(partial);
  }
}
