// Output size and padding of 2-D convolutions and pools, as tfjs-core's
// computeConv2DInfo / computePool2DInfo compute them (NHWC), so the tensor
// layer and the kernels agree on shapes with TensorFlow.js.

/** Explicit padding in tfjs form: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type ExplicitPadding = readonly [
  readonly [number, number],
  readonly [number, number],
  readonly [number, number],
  readonly [number, number],
];

/** Padding: 'same', 'valid', one number for every side, or explicit per side. */
export type Padding = 'same' | 'valid' | number | ExplicitPadding;

/** How a fractional output size is rounded with numeric or explicit padding (default: truncate). */
export type DimRoundingMode = 'floor' | 'round' | 'ceil';

/** A pair [height, width], or one number for both. */
export type Pair = number | readonly [number, number];

/** Stride, padding and dilation of a 2-D convolution or pool. */
export interface Conv2dParams {
  /** [strideHeight, strideWidth] (default 1). */
  strides?: Pair;
  /** Default 'valid'. */
  pad?: Padding;
  /** [dilationHeight, dilationWidth] (default 1). */
  dilations?: Pair;
  /** Rounding of the output size for numeric or explicit padding. */
  dimRoundingMode?: DimRoundingMode;
}

/** Everything a 2-D convolution or pool kernel needs to know about its shapes. */
export interface Conv2dGeometry {
  /** Images in the batch (N). */
  batch: number;
  /** Input height (H). */
  inHeight: number;
  /** Input width (W). */
  inWidth: number;
  /** Input channels (C). */
  inChannels: number;
  /** Output height. */
  outHeight: number;
  /** Output width. */
  outWidth: number;
  /** Filter (window) height, without dilation. */
  filterHeight: number;
  /** Filter (window) width, without dilation. */
  filterWidth: number;
  /** Vertical stride. */
  strideHeight: number;
  /** Horizontal stride. */
  strideWidth: number;
  /** Vertical dilation. */
  dilationHeight: number;
  /** Horizontal dilation. */
  dilationWidth: number;
  /** Filter height with dilation: (filterHeight - 1) * dilationHeight + 1. */
  effectiveFilterHeight: number;
  /** Filter width with dilation: (filterWidth - 1) * dilationWidth + 1. */
  effectiveFilterWidth: number;
  /** Rows of zero padding above the input. */
  padTop: number;
  /** Rows of zero padding below the input ('same' puts the odd one here). */
  padBottom: number;
  /** Columns of zero padding left of the input. */
  padLeft: number;
  /** Columns of zero padding right of the input ('same' puts the odd one here). */
  padRight: number;
}

function pair(p: Pair | undefined, what: string, op: string): [number, number] {
  const v: readonly number[] = p === undefined ? [1, 1] : typeof p === 'number' ? [p, p] : p;
  if (v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new RangeError(`wasmml ${op}: ${what} must be a positive integer or a pair of them, got ${JSON.stringify(p)}`);
  }
  return [v[0]!, v[1]!];
}

function roundDim(x: number, mode: DimRoundingMode | undefined): number {
  switch (mode) {
    case undefined:
      return Math.trunc(x);
    case 'floor':
      return Math.floor(x);
    case 'round':
      return Math.round(x);
    case 'ceil':
      return Math.ceil(x);
    default:
      throw new RangeError(`wasmml: unknown dimRoundingMode ${String(mode)}`);
  }
}

/**
 * Output size and padding of a 2-D convolution or pool over an NHWC input, as
 * tfjs `computeConv2DInfo` computes them: 'same' gives ceil(in / stride) and
 * puts the odd pad at the bottom/right; 'valid' gives ceil((in - f + 1) / stride).
 * One difference: with numeric padding tfjs derives the output width from the
 * filter height and stride height; here each axis uses its own (the same for
 * square filters and strides). `op` names the caller in error messages.
 */
export function conv2dGeometry(xShape: readonly number[], filterSize: Pair, params: Conv2dParams = {}, op = 'conv2d'): Conv2dGeometry {
  if (xShape.length !== 4 || !xShape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`wasmml ${op}: input shape must be [batch, height, width, channels], got [${xShape}]`);
  }
  const [batch, inHeight, inWidth, inChannels] = xShape as [number, number, number, number];
  const [filterHeight, filterWidth] = pair(filterSize, 'filter size', op);
  const [strideHeight, strideWidth] = pair(params.strides, 'strides', op);
  const [dilationHeight, dilationWidth] = pair(params.dilations, 'dilations', op);
  const effectiveFilterHeight = (filterHeight - 1) * dilationHeight + 1;
  const effectiveFilterWidth = (filterWidth - 1) * dilationWidth + 1;
  const pad = params.pad ?? 'valid';
  let padTop = 0,
    padBottom = 0,
    padLeft = 0,
    padRight = 0,
    outHeight: number,
    outWidth: number;
  if (pad === 'same') {
    outHeight = Math.ceil(inHeight / strideHeight);
    outWidth = Math.ceil(inWidth / strideWidth);
    const alongH = Math.max(0, (outHeight - 1) * strideHeight + effectiveFilterHeight - inHeight);
    const alongW = Math.max(0, (outWidth - 1) * strideWidth + effectiveFilterWidth - inWidth);
    padTop = Math.floor(alongH / 2);
    padBottom = alongH - padTop;
    padLeft = Math.floor(alongW / 2);
    padRight = alongW - padLeft;
  } else if (pad === 'valid') {
    outHeight = Math.ceil((inHeight - effectiveFilterHeight + 1) / strideHeight);
    outWidth = Math.ceil((inWidth - effectiveFilterWidth + 1) / strideWidth);
  } else {
    if (typeof pad === 'number') {
      padTop = padBottom = padLeft = padRight = pad;
    } else if (Array.isArray(pad) && pad.length === 4) {
      [padTop, padBottom] = pad[1];
      [padLeft, padRight] = pad[2];
      if (pad[0][0] !== 0 || pad[0][1] !== 0 || pad[3][0] !== 0 || pad[3][1] !== 0) {
        throw new RangeError(`wasmml ${op}: explicit padding of the batch and channel dimensions must be 0, got ${JSON.stringify(pad)}`);
      }
    } else {
      throw new RangeError(`wasmml ${op}: unknown padding ${JSON.stringify(pad)}`);
    }
    if (![padTop, padBottom, padLeft, padRight].every((p) => Number.isInteger(p) && p >= 0)) {
      throw new RangeError(`wasmml ${op}: padding must be non-negative integers, got ${JSON.stringify(pad)}`);
    }
    const mode = params.dimRoundingMode;
    outHeight = roundDim((inHeight - effectiveFilterHeight + padTop + padBottom) / strideHeight + 1, mode);
    outWidth = roundDim((inWidth - effectiveFilterWidth + padLeft + padRight) / strideWidth + 1, mode);
  }
  if (outHeight < 0 || outWidth < 0) {
    throw new RangeError(
      `wasmml ${op}: filter ${effectiveFilterHeight}x${effectiveFilterWidth} (with dilation) does not ` +
        `fit input ${inHeight}x${inWidth} with padding ${JSON.stringify(pad)}`,
    );
  }
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    effectiveFilterHeight,
    effectiveFilterWidth,
    padTop,
    padBottom,
    padLeft,
    padRight,
  };
}

/**
 * The geometry as kernel arguments: n, h, w, cin, oh, ow, (cout), fh, fw, sh, sw, dh, dw, pt, pl; the pooling
 * kernels (`dilated` false) take no dilations.
 */
export function geometryArgs(g: Conv2dGeometry, cout?: number, dilated = true): number[] {
  return [
    g.batch,
    g.inHeight,
    g.inWidth,
    g.inChannels,
    g.outHeight,
    g.outWidth,
    ...(cout === undefined ? [] : [cout]),
    g.filterHeight,
    g.filterWidth,
    g.strideHeight,
    g.strideWidth,
    ...(dilated ? [g.dilationHeight, g.dilationWidth] : []),
    g.padTop,
    g.padLeft,
  ];
}

/**
 * How the backprop-filter kernels cut their reduction over `units` (output
 * pixels or blocks of them) into chunks with a partial result each: a
 * function of the problem size only (never of the thread count), so threaded
 * results equal single-threaded ones. At most 16 chunks, and partials of at
 * most 2^20 floats in all (`partialFloats` per chunk).
 */
export function reductionChunks(units: number, partialFloats: number): { chunks: number; perChunk: number } {
  if (units === 0) return { chunks: 1, perChunk: 0 };
  const want = Math.max(1, Math.min(16, units, Math.floor((1 << 20) / Math.max(1, partialFloats))));
  const perChunk = Math.ceil(units / want);
  return { chunks: Math.ceil(units / perChunk), perChunk };
}
