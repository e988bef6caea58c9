// Saving quantised weights as tensorflowjs_converter writes them (and as the
// tfjs loader and ours read them back): uint8 / uint16 affine with
// `quantization: {dtype, scale, min}`, value = stored * scale + min, the zero
// point nudged to an integer so that 0 stays exactly 0 (biases, padding); or
// float16 with `quantization: {dtype: 'float16'}`. Only float32 model weights
// are quantised: int32/bool weights and optimizer state are kept exact.
import type { WeightQuantization } from './types.js';

/** How `model.save` stores float32 weights: tfjs's `quantizationDtype`, or the converter's `quantizationBytes`. */
export type QuantizationDtype = WeightQuantization['dtype'];

/** The stored dtype asked for by `quantizationBytes` (1 → uint8, 2 → uint16) or `quantizationDtype`, or undefined. */
export function quantizationOf(config: { quantizationBytes?: number; quantizationDtype?: string }): QuantizationDtype | undefined {
  const { quantizationBytes: bytes, quantizationDtype: dtype } = config;
  if (bytes !== undefined && bytes !== 1 && bytes !== 2) {
    throw new Error(`model.save: quantizationBytes must be 1 (uint8) or 2 (uint16), got ${String(bytes)}`);
  }
  if (dtype !== undefined && dtype !== 'uint8' && dtype !== 'uint16' && dtype !== 'float16') {
    throw new Error(`model.save: quantizationDtype must be 'uint8', 'uint16' or 'float16', got ${JSON.stringify(dtype)}`);
  }
  const fromBytes = bytes === 1 ? 'uint8' : bytes === 2 ? 'uint16' : undefined;
  if (fromBytes && dtype && fromBytes !== dtype) {
    throw new Error(`model.save: quantizationBytes ${bytes} (${fromBytes}) contradicts quantizationDtype '${dtype}'; give one of them`);
  }
  return dtype ?? fromBytes;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE half bits, rounding to nearest even (as numpy's astype(float16)); overflow gives ±Infinity. */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (((x >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 0x1f) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    let h = mant >>> shift;
    const rest = mant & ((1 << shift) - 1),
      half = 1 << (shift - 1);
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** One float32 weight stored as `dtype`: the bytes and the manifest's quantization entry. */
export function quantize(values: Float32Array, dtype: QuantizationDtype): { bytes: Uint8Array; quantization: WeightQuantization } {
  const n = values.length;
  if (dtype === 'float16') {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = floatToHalf(values[i]!);
    return { bytes: new Uint8Array(out.buffer), quantization: { dtype, original_dtype: 'float32' } };
  }
  const qmax = dtype === 'uint8' ? 255 : 65535;
  let lo = 0,
    hi = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new Error(`model.save: cannot quantise a weight holding ${v} to ${dtype}`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // The range holds 0 and its zero point is an integer (the converter's nudging).
  const scale = hi > lo ? (hi - lo) / qmax : 1;
  const zero = Math.round(Math.min(qmax, Math.max(0, -lo / scale)));
  const min = -zero * scale,
    max = (qmax - zero) * scale;
  const out = dtype === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round((Math.min(max, Math.max(min, values[i]!)) - min) / scale);
  return { bytes: new Uint8Array(out.buffer), quantization: { dtype, scale, min, original_dtype: 'float32' } };
}
