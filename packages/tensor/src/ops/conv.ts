// Convolutions (NHWC, tfjs semantics): conv2d (and its fused bias +
// activation form), conv1d, conv2dTranspose, depthwiseConv2d — each with both
// gradients, which tfjs-backend-wasm lacks.
import {
  conv2d as conv2dK,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dGeometry,
  depthwiseConv2d as dwK,
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
  type Conv2dParams,
  type Padding,
  type Pair,
  type DimRoundingMode,
} from '@wasmml/kernels';
import { unaryGradInto } from '../backend.js';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, type Tensor, viewOf } from '../tensor.js';
import { reduceRaw } from './reduce.js';
import { actAlpha, KERNEL_ACT, type FusedActivation } from './fused.js';

export type { Padding, Pair, DimRoundingMode };

function as4d(t: Tensor, op: string): Tensor {
  if (t.rank === 4) return t;
  if (t.rank === 3) return viewOf(t, [1, ...t.shape]);
  throw new Error(`${op}: x must have rank 4 (NHWC) or 3 (HWC), got ${fmtShape(t.shape)} (${t.dtype})`);
}

function checkFloat(op: string, ...ts: Tensor[]): void {
  for (const t of ts) {
    if (t.dtype !== 'float32') throw new Error(`${op}: inputs must be float32, got ${t.dtype} ${fmtShape(t.shape)}`);
  }
}

function checkFormat(op: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'NWC') {
    throw new Error(`${op}: only channels-last data (NHWC) is supported, got dataFormat '${dataFormat}'`);
  }
}

/** Arguments of {@link fusedConv2d} (tfjs `fused.conv2d`). */
export interface FusedConv2dArgs {
  /** Input images, [batch, height, width, inChannels] (or one image without the batch axis); float32. */
  x: Tensor | TensorLike;
  /** Filters, [filterHeight, filterWidth, inChannels, outChannels]; float32. */
  filter: Tensor | TensorLike;
  /** Stride [height, width], or one number for both (default 1). */
  strides?: Pair;
  /** 'valid' (default), 'same', a number for every side, or explicit [[0, 0], [top, bottom], [left, right], [0, 0]]. */
  pad?: Padding;
  /** Only channels-last 'NHWC' is supported (the default). */
  dataFormat?: 'NHWC';
  /** Dilation [height, width], or one number for both (default 1). */
  dilations?: Pair;
  /** How a fractional output size is rounded with numeric padding (default: truncate). */
  dimRoundingMode?: DimRoundingMode;
  /** A vector of outChannels values added to every output pixel. */
  bias?: Tensor | TensorLike;
  /** Activation applied after the bias (default 'linear'). */
  activation?: FusedActivation;
  /** Slope below zero of 'leakyrelu' (default 0.2). */
  leakyreluAlpha?: number;
}

/** tfjs `fused.conv2d`: activation(conv2d(x, filter) + bias) in one kernel pass. */
export function fusedConv2d(args: FusedConv2dArgs): Tensor {
  const op = 'conv2d';
  checkFormat(op, args.dataFormat);
  const x0 = convert(args.x, 'x', op),
    f = convert(args.filter, 'filter', op);
  const x = as4d(x0, op);
  checkFloat(op, x, f);
  const bias = args.bias === undefined ? undefined : convert(args.bias, 'bias', op);
  const act = args.activation ?? 'linear';
  if (!(act in KERNEL_ACT)) throw new Error(`${op}: unsupported fused activation '${act}'`);
  const params: Conv2dParams = {
    strides: args.strides ?? 1,
    pad: args.pad ?? 'valid',
    dilations: args.dilations ?? 1,
    ...(args.dimRoundingMode ? { dimRoundingMode: args.dimRoundingMode } : {}),
  };
  if (f.rank !== 4 || f.shape[2] !== x.shape[3]) {
    throw new Error(
      `${op}: filter ${fmtShape(f.shape)} must be [height, width, ${x.shape[3]} (the input channels), outChannels] for x ${fmtShape(x.shape)}`,
    );
  }
  if (bias && (bias.size !== f.shape[3] || bias.dtype !== 'float32')) {
    throw new Error(`${op}: bias must be float32 with ${f.shape[3]} values, got ${fmtShape(bias.shape)} (${bias.dtype})`);
  }
  const g = conv2dGeometry(x.shape, [f.shape[0]!, f.shape[1]!], params, op);
  const y = emptyTensor([g.batch, g.outHeight, g.outWidth, f.shape[3]!], 'float32');
  conv2dK(x.ptr, f.ptr, y.ptr, x.shape, f.shape, {
    ...params,
    ...(bias ? { bias: bias.ptr } : {}),
    activation: KERNEL_ACT[act],
    alpha: actAlpha(act, args.leakyreluAlpha),
  });
  const out = x0.rank === 3 ? viewOf(y, y.shape.slice(1)) : y;
  const inputs = bias ? [x0, f, bias] : [x0, f];
  record(bias || act !== 'linear' ? 'FusedConv2D' : 'Conv2D', inputs, [out], ([dy], needed) => {
    const dy4 = viewOf(dy!, y.shape);
    const dz = act === 'linear' ? dy4 : unaryGradInto(KERNEL_ACT[act] as 'relu', y, y, dy4, actAlpha(act, args.leakyreluAlpha));
    const grads: Array<Tensor | undefined> = [undefined, undefined];
    // The input of a first layer is data: its gradient (a full convolution) is skipped.
    if (needed[0]) {
      const dx = emptyTensor(x.shape, 'float32');
      conv2dBackpropInput(dz.ptr, f.ptr, dx.ptr, x.shape, f.shape, params);
      grads[0] = x0.rank === 3 ? viewOf(dx, x0.shape) : dx;
    }
    if (needed[1]) {
      const df = emptyTensor(f.shape, 'float32');
      conv2dBackpropFilter(x.ptr, dz.ptr, df.ptr, x.shape, f.shape, params);
      grads[1] = df;
    }
    if (bias && needed[2]) grads.push(viewOf(reduceRaw('sum', dz, [0, 1, 2], 'float32'), bias.shape));
    return grads;
  });
  return out;
}

/** 2-D convolution of NHWC images with a [height, width, in, out] filter. */
export function conv2d(
  x: Tensor | TensorLike,
  filter: Tensor | TensorLike,
  strides: Pair,
  pad: Padding,
  dataFormat: 'NHWC' = 'NHWC',
  dilations: Pair = 1,
  dimRoundingMode?: DimRoundingMode,
): Tensor {
  return fusedConv2d({ x, filter, strides, pad, dataFormat, dilations, ...(dimRoundingMode ? { dimRoundingMode } : {}) });
}

/** 1-D convolution of [batch, width, in] with a [width, in, out] filter. */
export function conv1d(
  x: Tensor | TensorLike,
  filter: Tensor | TensorLike,
  stride: number,
  pad: Padding,
  dataFormat: 'NWC' = 'NWC',
  dilation = 1,
  dimRoundingMode?: DimRoundingMode,
): Tensor {
  checkFormat('conv1d', dataFormat);
  const t = convert(x, 'x', 'conv1d'),
    f = convert(filter, 'filter', 'conv1d');
  if (f.rank !== 3) throw new Error(`conv1d: filter must be [width, in, out], got ${fmtShape(f.shape)}`);
  const x4 = t.rank === 2 ? reshapeR(t, [1, 1, ...t.shape]) : reshapeR(t, [t.shape[0]!, 1, ...t.shape.slice(1)]);
  const y = conv2d(x4, reshapeR(f, [1, ...f.shape]), [1, stride], pad, 'NHWC', [1, dilation], dimRoundingMode);
  return reshapeR(y, t.rank === 2 ? [y.shape[2]!, y.shape[3]!] : [y.shape[0]!, y.shape[2]!, y.shape[3]!]);
}

import { reshape as reshapeR } from './reshape.js';

/**
 * The gradient of conv2d with respect to its input, used as an up-sampling
 * convolution: filter is [height, width, outChannels, inChannels] (tfjs order).
 */
export function conv2dTranspose(
  x: Tensor | TensorLike,
  filter: Tensor | TensorLike,
  outputShape: [number, number, number, number] | [number, number, number],
  strides: Pair,
  pad: Padding,
  dimRoundingMode?: DimRoundingMode,
): Tensor {
  const op = 'conv2dTranspose';
  const x0 = convert(x, 'x', op),
    f = convert(filter, 'filter', op);
  const xt = as4d(x0, op);
  checkFloat(op, xt, f);
  const outShape = outputShape.length === 3 ? [1, ...outputShape] : [...outputShape];
  if (f.rank !== 4 || f.shape[3] !== xt.shape[3] || f.shape[2] !== outShape[3]) {
    throw new Error(
      `${op}: filter ${fmtShape(f.shape)} must be [height, width, ${outShape[3]} (output channels), ${xt.shape[3]} (input channels)]`,
    );
  }
  const params: Conv2dParams = { strides, pad, ...(dimRoundingMode ? { dimRoundingMode } : {}) };
  const g = conv2dGeometry(outShape, [f.shape[0]!, f.shape[1]!], params, op);
  if (g.outHeight !== xt.shape[1] || g.outWidth !== xt.shape[2] || g.batch !== xt.shape[0]) {
    throw new Error(
      `${op}: outputShape ${fmtShape(outShape)} does not convolve back to the input ${fmtShape(xt.shape)} with these strides and padding`,
    );
  }
  const y = emptyTensor(outShape, 'float32');
  conv2dBackpropInput(xt.ptr, f.ptr, y.ptr, outShape, f.shape, params);
  const out = outputShape.length === 3 ? viewOf(y, [...outputShape]) : y;
  record('Conv2DBackpropInput', [x0, f], [out], ([dy]) => {
    const dy4 = viewOf(dy!, outShape);
    const dx = emptyTensor(xt.shape, 'float32');
    conv2dK(dy4.ptr, f.ptr, dx.ptr, outShape, f.shape, params);
    const df = emptyTensor(f.shape, 'float32');
    conv2dBackpropFilter(dy4.ptr, xt.ptr, df.ptr, outShape, f.shape, params);
    return [x0.rank === 3 ? viewOf(dx, x0.shape) : dx, df];
  });
  return out;
}

/** Depthwise 2-D convolution: filter [height, width, in, multiplier] -> in·multiplier channels. */
export function depthwiseConv2d(
  x: Tensor | TensorLike,
  filter: Tensor | TensorLike,
  strides: Pair,
  pad: Padding,
  dataFormat: 'NHWC' = 'NHWC',
  dilations: Pair = 1,
  dimRoundingMode?: DimRoundingMode,
): Tensor {
  const op = 'depthwiseConv2d';
  checkFormat(op, dataFormat);
  const x0 = convert(x, 'x', op),
    f = convert(filter, 'filter', op);
  const xt = as4d(x0, op);
  checkFloat(op, xt, f);
  const params: Conv2dParams = { strides, pad, dilations, ...(dimRoundingMode ? { dimRoundingMode } : {}) };
  if (f.rank !== 4 || f.shape[2] !== xt.shape[3]) {
    throw new Error(`${op}: filter ${fmtShape(f.shape)} must be [height, width, ${xt.shape[3]} (the input channels), multiplier]`);
  }
  const g = conv2dGeometry(xt.shape, [f.shape[0]!, f.shape[1]!], params, op);
  const y = emptyTensor([g.batch, g.outHeight, g.outWidth, f.shape[2]! * f.shape[3]!], 'float32');
  dwK(xt.ptr, f.ptr, y.ptr, xt.shape, f.shape, params);
  const out = x0.rank === 3 ? viewOf(y, y.shape.slice(1)) : y;
  record('DepthwiseConv2dNative', [x0, f], [out], ([dy]) => {
    const dy4 = viewOf(dy!, y.shape);
    const dx = emptyTensor(xt.shape, 'float32');
    depthwiseConv2dBackpropInput(dy4.ptr, f.ptr, dx.ptr, xt.shape, f.shape, params);
    const df = emptyTensor(f.shape, 'float32');
    depthwiseConv2dBackpropFilter(xt.ptr, dy4.ptr, df.ptr, xt.shape, f.shape, params);
    return [x0.rank === 3 ? viewOf(dx, x0.shape) : dx, df];
  });
  return out;
}
