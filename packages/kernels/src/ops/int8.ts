// int8 inference: u7 activation quantisation, int8 GEMM and conv2d with int32
// accumulation and an epilogue that dequantises (+ bias, activation) to
// float32 or requantises to the u7 input of the next int8 layer (see
// assembly/int8.ts for the layouts); addresses are byte offsets into the arena.
import { runtime } from '../runtime.js';
import { f32View, i32View } from '../views.js';
import { actCode } from './codes.js';
import { geometryArgs, type Conv2dGeometry, type Conv2dParams } from './conv-geometry.js';
import { filterGeometry } from './conv.js';

const MR = 4;
const NR = 8;
/** Bytes of the epilogue record at the start of an int8 kernel's scratch (I8_EPILOGUE_BYTES). */
const EPILOGUE_BYTES = 32;
const OUT_F32 = 0;
const OUT_U7 = 1;

/** The activations the int8 epilogue applies; anything else runs after it, in float. */
export type Int8Activation = 'linear' | 'relu' | 'relu6';
const INT8_ACTIVATIONS = ['linear', 'relu', 'relu6'] as const;

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
 * [fh, fw, cin, cout] filter) into the panel layout the int8 kernels of the
 * loaded build stream — [n/8][kp/4][8 columns][4 k] for relaxed SIMD,
 * [n/8][kp/2][8 columns][2 k] for plain SIMD (`relaxed` overrides the
 * runtime's choice) — and returns the column sums Σ_k W[k][j] the zero-point
 * correction needs, zero-padded to {@link int8PaddedN}(n). `out` must hold
 * {@link int8PackedBytes}(k, n) bytes.
 */
export function packInt8Weights(w: Int8Array, k: number, n: number, out: Uint8Array, relaxed = runtime().relaxed): Int32Array {
  const kp = int8PaddedK(k);
  if (w.length !== k * n) throw new RangeError(`wasmml packInt8Weights: expected ${k}x${n} = ${k * n} weights, got ${w.length}`);
  if (out.length < int8PackedBytes(k, n))
    throw new RangeError(`wasmml packInt8Weights: output holds ${out.length} bytes, needs ${int8PackedBytes(k, n)}`);
  const step = relaxed ? 4 : 2;
  const colsum = new Int32Array(int8PaddedN(n));
  const packed = new Int8Array(out.buffer, out.byteOffset, int8PackedBytes(k, n));
  packed.fill(0);
  for (let j = 0; j < n; j++) {
    const p = Math.floor(j / NR),
      c = j - p * NR;
    const base = p * kp * NR + c * step;
    let s = 0;
    for (let kk = 0; kk < k; kk++) {
      const v = w[kk * n + j]!;
      s += v;
      const q = Math.floor(kk / step);
      packed[base + q * step * NR + (kk - q * step)] = v;
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

/**
 * Where an int8 op's result goes: omitted, float32; with `quant`, u7 bytes
 * quantised by it — the input of the next int8 layer, which then reads them
 * as they are.
 */
export interface Int8Output {
  /** The quantisation of the next int8 layer's input. */
  quant: Int8InputQuant;
}

function checkQuant(op: string, q: Int8InputQuant, what = 'input'): void {
  if (!(q.scale > 0) || !Number.isFinite(q.scale) || !Number.isInteger(q.zeroPoint) || q.zeroPoint < 0 || q.zeroPoint > 127) {
    throw new RangeError(
      `wasmml ${op}: ${what} quantisation needs scale > 0 and an integer zeroPoint in 0..127, got scale ${q.scale}, zeroPoint ${q.zeroPoint}`,
    );
  }
}

/** Per-column factors of the int8 epilogue, padded to whole 8-column panels. */
export interface Int8EpilogueTables {
  /** Per column: f32(input scale) · weight scale, times f32(1 / output scale) for a u7 output. */
  mult: Float32Array;
  /** Per column: bias - f32(zeroPoint · colsum) · mult (f32 output); for a u7 output that times f32(1 / output scale), plus its zero point. */
  off: Float32Array;
  /** Smallest u7 value a u7 output takes (its zero point under relu / relu6, else 0); 0 for float32. */
  lo: number;
  /** Largest u7 value a u7 output takes (below 127 under relu6 when 6 is in range); 127 for float32. */
  hi: number;
}

/**
 * The int8 epilogue's per-column tables for one input quantisation, in
 * float32 arithmetic, padded with zeros to {@link int8PaddedN}(n):
 * mult = f32(scale)·scales[j], off = bias[j] - f32(zeroPoint·colsum[j])·mult;
 * the kernels store act(f32(acc)·mult + off). For a u7 output quantised by
 * `output` (scale so, zero point zo): mult' = mult·f32(1/so), off' =
 * off·f32(1/so) + zo, and the kernels store clamp(round(f32(acc)·mult' +
 * off'), lo, hi), the activation being the clamp: relu → lo = zo, relu6 →
 * hi = min(127, zo + round(6/so)).
 */
export function int8EpilogueTables(
  colsum: ArrayLike<number>,
  scales: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  n: number,
  quant: Int8InputQuant,
  output?: { quant: Int8InputQuant; activation?: Int8Activation },
): Int8EpilogueTables {
  const f = Math.fround,
    np = int8PaddedN(n);
  const mult = new Float32Array(np),
    off = new Float32Array(np);
  const sx = f(quant.scale);
  const inv = output ? f(1 / output.quant.scale) : 1;
  const zo = output ? output.quant.zeroPoint : 0;
  for (let j = 0; j < n; j++) {
    const m = f(sx * scales[j]!);
    const o = f((bias ? bias[j]! : 0) - f(f(quant.zeroPoint * colsum[j]!) * m));
    mult[j] = output ? f(m * inv) : m;
    off[j] = output ? f(f(o * inv) + zo) : o;
  }
  const act = output?.activation ?? 'linear';
  const lo = output && act !== 'linear' ? zo : 0;
  const hi = output && act === 'relu6' ? Math.min(127, zo + Math.round(6 / output.quant.scale)) : 127;
  return { mult, off, lo, hi };
}

// Runs body with the epilogue tables of w, quant and output in the arena.
function withTables(
  w: Int8WeightBuffers,
  n: number,
  quant: Int8InputQuant,
  activation: Int8Activation | undefined,
  output: Int8Output | undefined,
  body: (mult: number, off: number, lo: number, hi: number) => void,
): void {
  const np = int8PaddedN(n);
  const t = int8EpilogueTables(
    i32View(w.colsum, n),
    f32View(w.scales, n),
    w.bias ? f32View(w.bias, n) : null,
    n,
    quant,
    output ? { quant: output.quant, ...(activation ? { activation } : {}) } : undefined,
  );
  const arena = runtime().arena;
  const p = arena.alloc(8 * np);
  try {
    f32View(p, np).set(t.mult);
    f32View(p + 4 * np, np).set(t.off);
    body(p, p + 4 * np, t.lo, t.hi);
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

// Per-thread scratch of the int8 kernels (see assembly/int8.ts, int8_conv.ts), rounded to 64 bytes.
const round64 = (b: number) => Math.ceil(b / 64) * 64;
const panelBytes = (kp: number) => Math.ceil(kp / 16) * 16 * 8;
const patchStride = (kp: number) => Math.ceil(kp / 16) * 16 + 16;

function modeArgs(op: string, activation: Int8Activation | undefined, output: Int8Output | undefined): [number, number] {
  const act = actCode(op, activation, INT8_ACTIVATIONS);
  if (output) checkQuant(op, output.quant, 'output');
  return [output ? OUT_U7 : OUT_F32, act];
}

/**
 * The int8 GEMM of u7 activations A [m][k] at `a` (rows contiguous, from
 * {@link quantizeU7} or an earlier int8 op) with packed weights: C [m][n] =
 * act(dequantised A·W + bias) as float32 at `c`, or with `output` those
 * values as u7 bytes.
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
  output?: Int8Output,
): void {
  checkQuant('gemmInt8', quant);
  const [mode, act] = modeArgs('gemmInt8', activation, output);
  if (m === 0 || n === 0) return;
  const kp = int8PaddedK(k);
  withTables(w, n, quant, activation, output, (mult, off, lo, hi) =>
    runtime().pool.run('gemm_i8', [a, w.packed, mult, off, c, m, n, k, kp, mode, act, lo, hi], Math.ceil(m / MR), {
      cost: (MR * n * kp) / 4 + kp + 1,
      scratchBytes: round64(EPILOGUE_BYTES + panelBytes(kp)),
    }),
  );
}

/** Options of {@link conv2dInt8}: geometry, epilogue and the fused 2x2 max pool. */
export interface Conv2dInt8Options extends Conv2dParams {
  /** Activation applied in the epilogue. */
  activation?: Int8Activation;
  /** u7 output for the next int8 layer (default float32). */
  output?: Int8Output;
  /**
   * Max-pool the result over 2x2 windows of stride 2 ('valid', as a following
   * MaxPooling2D({ poolSize: 2 }) would) in the kernel: y is then
   * [n][floor(oh/2)][floor(ow/2)][cout].
   */
  maxPool2x2?: boolean;
}

/**
 * The int8 conv2d of u7 NHWC images at `qx` (from {@link quantizeU7} or an
 * earlier int8 op) with packed [fh*fw*cin][cout] weights: y [n][oh][ow][cout]
 * = act(dequantised conv + bias) as float32, or with `output` as u7 bytes;
 * with `maxPool2x2`, max-pooled. Returns the convolution's geometry.
 */
export function conv2dInt8(
  qx: number,
  w: Int8WeightBuffers,
  y: number,
  xShape: readonly number[],
  filterShape: readonly number[],
  quant: Int8InputQuant,
  opts: Conv2dInt8Options = {},
): Conv2dGeometry {
  checkQuant('conv2dInt8', quant);
  const [fh, fw, cin, cout, g] = filterGeometry('conv2dInt8', xShape, filterShape, opts);
  const [mode, act] = modeArgs('conv2dInt8', opts.activation, opts.output);
  const pool = opts.maxPool2x2 === true;
  const items = pool ? g.batch * (g.outHeight >> 1) * (g.outWidth >> 1) : Math.ceil((g.batch * g.outHeight * g.outWidth) / MR);
  if (items === 0 || cout === 0) return g;
  const kp = int8PaddedK(fh * fw * cin);
  withTables(w, cout, quant, opts.activation, opts.output, (mult, off, lo, hi) =>
    runtime().pool.run(
      'conv2d_i8',
      [qx, w.packed, mult, off, y, ...geometryArgs(g, cout), kp, quant.zeroPoint, mode, act, lo, hi, pool ? 1 : 0],
      items,
      {
        cost: (MR * cout * kp) / 4 + MR * kp + 1,
        scratchBytes: round64(EPILOGUE_BYTES + 4 * patchStride(kp) + panelBytes(kp)),
      },
    ),
  );
  return g;
}
