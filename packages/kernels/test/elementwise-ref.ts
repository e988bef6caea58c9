// Float64 references and typed arena plumbing for the element-wise kernel tests.
import { alloc, f32View, i32View, u8View } from '@wasmml/kernels';
import { rng } from '@wasmml/test-utils';

export type Typed = Float32Array | Int32Array | Uint8Array;
export type Kind = 'f32' | 'i32' | 'u8';

const BYTES: Record<Kind, number> = { f32: 4, i32: 4, u8: 1 };

function view(kind: Kind, p: number, n: number): Typed {
  return kind === 'f32' ? f32View(p, n) : kind === 'i32' ? i32View(p, n) : u8View(p, n);
}

/** Copies values into a fresh arena block of the given element kind. */
export function putAs(kind: Kind, data: ArrayLike<number>): number {
  const p = alloc(Math.max(16, data.length * BYTES[kind]));
  view(kind, p, data.length).set(data);
  return p;
}

/** A block of n elements filled with a sentinel (NaN for floats, 0x5a5a... otherwise). */
export function emptyAs(kind: Kind, n: number): number {
  const p = alloc(Math.max(16, n * BYTES[kind]));
  if (kind === 'f32') f32View(p, n).fill(Number.NaN);
  else u8View(p, n * BYTES[kind]).fill(0x5a);
  return p;
}

export function getAs(kind: Kind, p: number, n: number): Typed {
  return view(kind, p, n).slice();
}

/** n random int32 values: mostly small, some anywhere in the int32 range. */
export function randomInts(n: number, seed: number, small = 100): Int32Array {
  const r = rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = r() < 0.8 ? Math.floor((r() * 2 - 1) * small) : (r() * 2 ** 32) | 0;
  }
  return out;
}

/** n random 0/1 bytes (with a few other non-zero values, which also mean true). */
export function randomBools(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r() < 0.5 ? 0 : r() < 0.9 ? 1 : 1 + Math.floor(r() * 255);
  return out;
}

/** Float edge values: signed zeros, infinities, NaN, subnormals, huge and tiny numbers, halves. */
export const EDGE_FLOATS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3,
  -7,
  Infinity,
  -Infinity,
  NaN,
  1e-45,
  -1e-45,
  1e-40,
  1e-30,
  -1e-30,
  1e-8,
  1e30,
  -1e30,
  3.4e38,
  -3.4e38,
  16777217,
  88.7,
  89,
  -87.5,
  -104,
  1e6,
  -1e6,
  12345.678,
  3e9,
].map(Math.fround);

/** Same-index element of `data` (shape `shape`) for each output index of `outShape`, broadcasting. */
export function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const size = outShape.reduce((p, d) => p * d, 1);
  const idx = new Int32Array(size);
  const rank = outShape.length;
  for (let flat = 0; flat < size; flat++) {
    let rem = flat,
      off = 0,
      stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const i = rem % outShape[d]!;
      rem = Math.floor(rem / outShape[d]!);
      const k = d - (rank - shape.length);
      if (k >= 0) {
        if (shape[k] !== 1) off += i * stride;
        stride *= shape[k]!;
      }
    }
    idx[flat] = off;
  }
  return idx;
}

// erf / erfc in float64: the all-positive series erf(z) = 2/√π·e^{-z²}·Σ 2^n z^{2n+1}/(2n+1)!!
// below 2.5, the continued fraction of erfc above (both ~1e-15 relative).
function erfSeries(z: number): number {
  let term = z,
    sum = z;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * z * z) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
}

export function erfc64(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 2 - erfc64(-z);
  if (z < 2.5) return 1 - erfSeries(z);
  if (z > 30) return 0;
  let f = z;
  for (let k = 300; k >= 1; k--) f = z + k / 2 / f;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}

export function erf64(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (Math.abs(z) < 2.5) return z === 0 ? z : erfSeries(z);
  return Math.sign(z) * (1 - erfc64(Math.abs(z)));
}

/** Standard normal CDF. */
export function phi64(x: number): number {
  return 0.5 * erfc64(-x / Math.SQRT2);
}

/** Bit-for-bit equality of two typed arrays (NaN payloads included), failing at the first differing byte. */
export function expectSameBytes(a: Typed, b: Typed, what = ''): void {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) throw new Error(`${what}: ${x.length} bytes vs ${y.length}`);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) throw new Error(`${what}: byte ${i} (element ${Math.floor(i / a.BYTES_PER_ELEMENT)}) differs`);
  }
}

/** Exact element equality (fast for large arrays, unlike a deep toEqual), failing at the first difference. */
export function expectValues(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}
