// Weight encodings of the compressed file: float16 (IEEE half, round to
// nearest even), sparse (a bit per element + the non-zero values) and int8
// (values + per-column scales).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE float16 bits, rounding to nearest even (overflow to ±Inf, NaN kept). */
export function toHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff,
    mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000,
      shift = 14 - e;
    const half = m >>> shift,
      rest = m & ((1 << shift) - 1),
      mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13),
    rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** IEEE float16 bits → number. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1,
    exp = (h >>> 10) & 0x1f,
    mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function encodeFloat16(w: Float32Array): Uint8Array {
  const out = new Uint16Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = toHalf(w[i]!);
  return new Uint8Array(out.buffer);
}

export function decodeFloat16(bytes: Uint8Array, n: number): Float32Array {
  const h = new Uint16Array(bytes.slice(0, 2 * n).buffer);
  return Float32Array.from(h, fromHalf);
}

/** A bitmap of the non-zero positions (LSB first), then the non-zero values as float32. */
export function encodeSparse(w: Float32Array): Uint8Array {
  const maskBytes = Math.ceil(w.length / 8);
  let nnz = 0;
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) nnz++;
  const out = new Uint8Array(Math.ceil(maskBytes / 4) * 4 + 4 * nnz);
  const values = new Float32Array(out.buffer, Math.ceil(maskBytes / 4) * 4, nnz);
  let o = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i] !== 0) {
      out[i >> 3] = out[i >> 3]! | (1 << (i & 7));
      values[o++] = w[i]!;
    }
  }
  return out;
}

export function decodeSparse(bytes: Uint8Array, n: number, where: string): Float32Array {
  const maskBytes = Math.ceil(n / 8),
    start = Math.ceil(maskBytes / 4) * 4;
  const copy = bytes.slice();
  const values = new Float32Array(copy.buffer, start, Math.floor((copy.length - start) / 4));
  const out = new Float32Array(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (copy[i >> 3]! & (1 << (i & 7))) {
      if (o >= values.length) throw new Error(`${where}: sparse weights hold fewer values than their mask marks`);
      out[i] = values[o++]!;
    }
  }
  if (o !== values.length) throw new Error(`${where}: sparse weights hold ${values.length} values, their mask marks ${o}`);
  return out;
}
