// int8 inference: u7 activation quantisation, int8 GEMM and conv2d with int32
// accumulation and a fused dequantise + bias + activation epilogue (see
// assembly/int8.ts for the layouts); addresses are byte offsets into the arena.
import { runtime } from '../runtime.js';
import { f32View, i32View } from '../views.js';
import { Act } from './codes.js';
import { conv2dGeometry, geometryArgs, type Conv2dGeometry, type Conv2dParams } from './conv-geometry.js';

const MR = 4;
const NR = 8;

/** The activations the int8 epilogue applies; anything else runs after it, in float. */
export type Int8Activation = 'linear' | 'relu' | 'relu6';

/** k rounded up to the 4-byte step of the int8 dot products. */
export function int8PaddedK(k: number): number {
  return Math.ceil(k / 4) * 4;
}

/** n rounded up to the 8 columns of a weight panel: the length of the colsum, scales and bias arrays the kernels read. */
export function int8PaddedN(n: number): number {
  return Math.ceil(n / NR) * NR;
}

/** Bytes of an int8 weight matrix [k][n] packed by {@link packInt8Weights}. */
export function int8PackedBytes(k: number, n: number): number {
  return Math.ceil(n / NR) * NR * int8PaddedK(k);
}

/**
 * Packs int8 weights W[k][n] (row-major, as a Dense kernel or a flattened
 * [fh, fw, cin, cout] filter) into the panel layout the int8 kernels stream
 * ([n/8][kp/4][8 columns][4 k]), and returns the column sums Σ_k W[k][j] the
 * zero-point correction needs, zero-padded to {@link int8PaddedN}(n).
 * `out` must hold {@link int8PackedBytes}(k, n) bytes.
 */
export function packInt8Weights(w: Int8Array, k: number, n: number, out: Uint8Array): Int32Array {
  const kp = int8PaddedK(k);
  if (w.length !== k * n) throw new RangeError(`wasmml packInt8Weights: expected ${k}x${n} = ${k * n} weights, got ${w.length}`);
  if (out.length < int8PackedBytes(k, n))
    throw new RangeError(`wasmml packInt8Weights: output holds ${out.length} bytes, needs ${int8PackedBytes(k, n)}`);
  const colsum = new Int32Array(int8PaddedN(n));
  const packed = new Int8Array(out.buffer, out.byteOffset, int8PackedBytes(k, n));
  packed.fill(0);
  for (let j = 0; j < n; j++) {
    const p = Math.floor(j / NR),
      c = j - p * NR;
    const base = p * kp * NR + c * 4;
    let s = 0;
    for (let kk = 0; kk < k; kk++) {
      const v = w[kk * n + j]!;
      s += v;
      packed[base + (kk >> 2) * 4 * NR + (kk & 3)] = v;
    }
    colsum[j] = s;
  }
  return colsum;
}

/** Quantisation of an int8 op's input: real value = (q - zeroPoint) * scale, q in 0..127. */
export interface Int8InputQuant {
  /** Step between representable values (> 0). */
  scale: number;
  /** The quantised value of 0.0, in 0..127. */
  zeroPoint: number;
}

/** Packed int8 weights in the arena, as the int8 kernels read them. */
export interface Int8WeightBuffers {
  /** Address of the packed weights ({@link int8PackedBytes} bytes). */
  packed: number;
  /** Address of n int32 column sums, zero-padded to {@link int8PaddedN}(n). */
  colsum: number;
  /** Address of n float32 per-column weight scales, padded to int8PaddedN(n). */
  scales: number;
  /** Address of n float32 biases padded to int8PaddedN(n), or 0. */
  bias: number;
}

function actCode(op: string, name: Int8Activation | undefined): number {
  const a = name ?? 'linear';
  if (a !== 'linear' && a !== 'relu' && a !== 'relu6') {
    throw new RangeError(`wasmml ${op}: the int8 epilogue applies 'linear', 'relu' or 'relu6', got ${String(name)}`);
  }
  return Act[a];
}

function checkQuant(op: string, q: Int8InputQuant): void {
  if (!(q.scale > 0) || !Number.isFinite(q.scale) || !Number.isInteger(q.zeroPoint) || q.zeroPoint < 0 || q.zeroPoint > 127) {
    throw new RangeError(
      `wasmml ${op}: input quantisation needs scale > 0 and an integer zeroPoint in 0..127, got scale ${q.scale}, zeroPoint ${q.zeroPoint}`,
    );
  }
}

/** Per-column factors of the int8 epilogue, padded to whole 8-column panels. */
export interface Int8EpilogueTables {
  /** f32(input scale) · weight scale, per column. */
  mult: Float32Array;
  /** bias - f32(zeroPoint · colsum) · mult, per column. */
  off: Float32Array;
}

/**
 * The int8 epilogue's per-column tables for one input quantisation: mult =
 * f32(scale)·scales[j], off = bias[j] - f32(zeroPoint·colsum[j])·mult, in
 * float32 arithmetic, padded with zeros to {@link int8PaddedN}(n). The kernels
 * then store act(f32(acc)·mult + off).
 */
export function int8EpilogueTables(
  colsum: ArrayLike<number>,
  scales: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  n: number,
  quant: Int8InputQuant,
): Int8EpilogueTables {
  const f = Math.fround,
    np = int8PaddedN(n);
  const mult = new Float32Array(np),
    off = new Float32Array(np);
  const sx = f(quant.scale);
  for (let j = 0; j < n; j++) {
    mult[j] = f(sx * scales[j]!);
    off[j] = f((bias ? bias[j]! : 0) - f(f(quant.zeroPoint * colsum[j]!) * mult[j]!));
  }
  return { mult, off };
}

// Runs body with the epilogue tables of w and quant in the arena.
function withTables(w: Int8WeightBuffers, n: number, quant: Int8InputQuant, body: (mult: number, off: number) => void): void {
  const np = int8PaddedN(n);
  const t = int8EpilogueTables(i32View(w.colsum, n), f32View(w.scales, n), w.bias ? f32View(w.bias, n) : null, n, quant);
  const arena = runtime().arena;
  const p = arena.alloc(8 * np);
  try {
    f32View(p, np).set(t.mult);
    f32View(p + 4 * np, np).set(t.off);
    body(p, p + 4 * np);
  } finally {
    arena.free(p);
  }
}

/** q[r] = u7(x[r] / scale + zeroPoint) for `rows` rows of k floats, each padded with zeros to kp bytes. */
export function quantizeU7(x: number, q: number, rows: number, k: number, kp: number, quant: Int8InputQuant): void {
  checkQuant('quantizeU7', quant);
  if (rows === 0 || kp === 0) return;
  runtime().pool.run('quantize_u7_f32', [x, q, k, kp, 1 / quant.scale, quant.zeroPoint], rows, { cost: kp * 2 + 1 });
}

/**
 * C[m][n] (float32) = act(dequantised int8 GEMM + bias) for u7 activations A
 * [m][kp] at `a` (from {@link quantizeU7}) and packed weights.
 */
export function gemmInt8(
  a: number,
  w: Int8WeightBuffers,
  c: number,
  m: number,
  n: number,
  k: number,
  quant: Int8InputQuant,
  activation?: Int8Activation,
): void {
  checkQuant('gemmInt8', quant);
  const act = actCode('gemmInt8', activation);
  if (m === 0 || n === 0) return;
  const kp = int8PaddedK(k);
  withTables(w, n, quant, (mult, off) =>
    runtime().pool.run('gemm_i8', [a, w.packed, mult, off, c, m, n, kp, act], Math.ceil(m / MR), { cost: (MR * n * kp) / 4 + 1 }),
  );
}

/**
 * y[n][oh][ow][cout] (float32) = act(dequantised int8 conv2d + bias) of u7
 * NHWC images at `qx` (from {@link quantizeU7}) with packed [fh*fw*cin][cout] weights.
 */
export function conv2dInt8(
  qx: number,
  w: Int8WeightBuffers,
  y: number,
  xShape: readonly number[],
  filterShape: readonly number[],
  quant: Int8InputQuant,
  opts: Conv2dParams & { activation?: Int8Activation } = {},
): Conv2dGeometry {
  checkQuant('conv2dInt8', quant);
  const [fh, fw, cin, cout] = filterShape as [number, number, number, number];
  if (filterShape.length !== 4 || xShape[3] !== cin) {
    throw new RangeError(
      `wasmml conv2dInt8: filter [${filterShape}] does not fit input [${xShape}] (expected [fh, fw, ${xShape[3]}, cout])`,
    );
  }
  const g = conv2dGeometry(xShape, [fh, fw], opts, 'conv2dInt8');
  const act = actCode('conv2dInt8', opts.activation);
  const pixels = g.batch * g.outHeight * g.outWidth;
  if (pixels === 0 || cout === 0) return g;
  const kp = int8PaddedK(fh * fw * cin);
  withTables(w, cout, quant, (mult, off) =>
    runtime().pool.run(
      'conv2d_i8',
      [qx, w.packed, mult, off, y, ...geometryArgs(g, cout), kp, quant.zeroPoint, act],
      Math.ceil(pixels / MR),
      { cost: (MR * cout * kp) / 4 + 1, scratchBytes: Math.ceil((MR * kp) / 64) * 64 + 64 },
    ),
  );
  return g;
}
