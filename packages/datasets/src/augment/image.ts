// Image transforms on HWC float32 data (one image; loop over N for NHWC). They
// write into `out` when given (reuse one buffer in hot loops) and never modify
// the input, which may be a view shared with the source data.

/** Height, width and channels of one image. */
export interface ImageDims {
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** Values per pixel. */
  channels: number;
}

function target(src: Float32Array, out: Float32Array | undefined): Float32Array {
  if (!out) return new Float32Array(src.length);
  if (out.length !== src.length) throw new Error(`augment: output holds ${out.length} values, the image ${src.length}`);
  if (out.buffer === src.buffer && out.byteOffset === src.byteOffset) throw new Error('augment: out must not alias the input');
  return out;
}

/**
 * Shifts the image by (dy, dx) within a zero border of `padding` pixels (the
 * "pad then crop back to size" of Keras/tf.image), optionally mirrored left-right
 * in the same pass. dy and dx range over 0..2*padding; padding,padding is the identity.
 */
export function cropAndFlip(
  src: Float32Array,
  dims: ImageDims,
  padding: number,
  dy: number,
  dx: number,
  flip: boolean,
  out?: Float32Array,
): Float32Array {
  const { height: h, width: w, channels: c } = dims;
  const dst = target(src, out);
  const oy = dy - padding;
  const ox = dx - padding;
  // Output columns [x0, x1) read source columns inside the image; the rest are border.
  const x0 = flip ? Math.max(0, ox) : Math.max(0, -ox);
  const x1 = flip ? Math.min(w, w + ox) : Math.min(w, w - ox);
  const rowLen = w * c;
  for (let y = 0; y < h; y++) {
    const sy = y + oy;
    const row = y * rowLen;
    if (sy < 0 || sy >= h || x1 <= x0) {
      dst.fill(0, row, row + rowLen);
      continue;
    }
    const srow = sy * rowLen;
    if (x0 > 0) dst.fill(0, row, row + x0 * c);
    if (x1 < w) dst.fill(0, row + x1 * c, row + rowLen);
    // Plain loops: rows are short, and subarray() would allocate a view per row.
    if (c === 1) {
      if (flip) for (let x = x0, si = srow + w - 1 - x0 + ox; x < x1; x++, si--) dst[row + x] = src[si]!;
      else for (let x = x0, si = srow + x0 + ox; x < x1; x++, si++) dst[row + x] = src[si]!;
      continue;
    }
    for (let x = x0; x < x1; x++) {
      // Output column x shows the cropped column w-1-x when flipped.
      const d = row + x * c;
      const s0 = srow + ((flip ? w - 1 - x : x) + ox) * c;
      for (let k = 0; k < c; k++) dst[d + k] = src[s0 + k]!;
    }
  }
  return dst;
}

/** Mirrors the image left-right. */
export function flipLeftRight(src: Float32Array, dims: ImageDims, out?: Float32Array): Float32Array {
  return cropAndFlip(src, dims, 0, 0, 0, true, out);
}

/**
 * Rotates by `radians` (counter-clockwise) about the image centre with bilinear
 * sampling; pixels that come from outside the image are `fill`.
 */
export function rotate(src: Float32Array, dims: ImageDims, radians: number, out?: Float32Array, fill = 0): Float32Array {
  const { height: h, width: w, channels: c } = dims;
  const dst = target(src, out);
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse mapping: where in the source does output (x, y) come from.
      const rx = x - cx;
      const ry = y - cy;
      const sx = cos * rx - sin * ry + cx;
      const sy = sin * rx + cos * ry + cy;
      const d = (y * w + x) * c;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let k = 0; k < c; k++) {
        const at = (yy: number, xx: number) => (yy < 0 || yy >= h || xx < 0 || xx >= w ? fill : src[(yy * w + xx) * c + k]!);
        const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
        const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
        dst[d + k] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return dst;
}

/** Adds `delta` to every value (tf.image.adjustBrightness). */
export function adjustBrightness(src: Float32Array, delta: number, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) dst[i] = src[i]! + delta;
  return dst;
}

/** Scales each channel's deviation from its mean by `factor` (tf.image.adjustContrast). */
export function adjustContrast(src: Float32Array, dims: ImageDims, factor: number, out?: Float32Array): Float32Array {
  const c = dims.channels;
  const dst = out ?? new Float32Array(src.length);
  const pixels = src.length / c;
  for (let k = 0; k < c; k++) {
    let sum = 0;
    for (let i = k; i < src.length; i += c) sum += src[i]!;
    const mean = sum / pixels;
    for (let i = k; i < src.length; i += c) dst[i] = (src[i]! - mean) * factor + mean;
  }
  return dst;
}

/** Clamps values into [lo, hi] in place. */
export function clampInPlace(data: Float32Array, lo: number, hi: number): Float32Array {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    data[i] = v < lo ? lo : Math.min(v, hi);
  }
  return data;
}
