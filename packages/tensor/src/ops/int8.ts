// int8 inference ops: a float32 input is quantised to u7 with a calibrated
// scale and zero point, multiplied by int8 weights with int32 accumulation in
// the wasm kernels, and comes back dequantised (+ bias, relu) as float32.
// Inference only: nothing is recorded for gradients (quantisation-aware
// training fakes the rounding in float instead).
import {
  conv2dGeometry,
  conv2dInt8,
  gemmInt8,
  int8PackedBytes,
  int8PaddedK,
  int8PaddedN,
  packInt8Weights,
  quantizeU7,
  runtime,
  u8View,
  type Conv2dParams,
  type Int8Activation,
  type Int8InputQuant,
} from '@wasmml/kernels';
import { fmtShape } from '../shape.js';
import { emptyTensor, type Tensor, viewOf } from '../tensor.js';
import { countTransfer } from '../transfer.js';

export type { Int8Activation, Int8InputQuant };

/** What {@link Int8Weights.create} packs: int8 weights [k][n] with one scale per output column. */
export interface Int8WeightsArgs {
  /** The int8 values, row-major [k][n] (a Dense kernel, or a [fh, fw, cin, cout] filter flattened). */
  values: Int8Array;
  /** Rows (input size; fh*fw*cin for a filter). */
  k: number;
  /** Columns (units / output channels). */
  n: number;
  /** Per-column scale: real weight = value * scales[j]. */
  scales: Float32Array;
  /** Optional float32 bias, n values. */
  bias?: Float32Array;
}

/**
 * int8 weights packed in wasm memory for {@link int8MatMul} and
 * {@link int8Conv2d}. Owns arena memory outside the tensor engine: call
 * `dispose()` when done (tidy does not track it).
 */
export class Int8Weights {
  /** Rows of the weight matrix. */
  readonly k: number;
  /** Columns (outputs). */
  readonly n: number;
  private block = 0;
  private readonly offsets: { colsum: number; scales: number; bias: number };

  private constructor(args: Int8WeightsArgs) {
    const { values, k, n, scales, bias } = args;
    if (!Number.isInteger(k) || !Number.isInteger(n) || k < 1 || n < 1 || values.length !== k * n) {
      throw new RangeError(`Int8Weights: values must hold k*n = ${k}*${n} int8 weights, got ${values.length}`);
    }
    if (scales.length !== n || !scales.every((s) => Number.isFinite(s) && s >= 0)) {
      throw new RangeError(`Int8Weights: expected ${n} finite non-negative scales, got ${scales.length}`);
    }
    if (bias && bias.length !== n) throw new RangeError(`Int8Weights: bias must have ${n} values, got ${bias.length}`);
    this.k = k;
    this.n = n;
    // colsum, scales and bias padded to whole 8-column panels (the kernels load them as vectors).
    const packedBytes = Math.ceil(int8PackedBytes(k, n) / 16) * 16,
      np = int8PaddedN(n);
    this.offsets = { colsum: packedBytes, scales: packedBytes + 4 * np, bias: bias ? packedBytes + 8 * np : -1 };
    const total = packedBytes + (bias ? 12 : 8) * np;
    const rt = runtime();
    this.block = rt.arena.alloc(total);
    const colsum = packInt8Weights(values, k, n, u8View(this.block, int8PackedBytes(k, n)));
    const buf = rt.memory.buffer;
    new Int32Array(buf, this.block + this.offsets.colsum, np).set(colsum);
    new Float32Array(buf, this.block + this.offsets.scales, np).fill(0).set(scales);
    if (bias) new Float32Array(buf, this.block + this.offsets.bias, np).fill(0).set(bias);
    countTransfer('in', total);
  }

  /** Packs int8 weights, their scales and an optional bias into wasm memory. */
  static create(args: Int8WeightsArgs): Int8Weights {
    return new Int8Weights(args);
  }

  /** Whether `dispose()` has freed the weights. */
  get isDisposed(): boolean {
    return this.block === 0;
  }

  /** @internal The kernel's view of the buffers. */
  buffers(op: string) {
    if (this.block === 0) throw new Error(`${op}: the int8 weights were disposed`);
    return {
      packed: this.block,
      colsum: this.block + this.offsets.colsum,
      scales: this.block + this.offsets.scales,
      bias: this.offsets.bias < 0 ? 0 : this.block + this.offsets.bias,
    };
  }

  /** Frees the packed weights. Idempotent. */
  dispose(): void {
    if (this.block !== 0) runtime().arena.free(this.block);
    this.block = 0;
  }
}

function checkInput(op: string, x: Tensor): void {
  x.assertLive(op);
  if (x.dtype !== 'float32') throw new Error(`${op}: x must be float32, got ${fmtShape(x.shape)} (${x.dtype})`);
}

function quantized<T>(op: string, x: Tensor, rows: number, k: number, kp: number, quant: Int8InputQuant, body: (q: number) => T): T {
  const arena = runtime().arena;
  const q = arena.alloc(Math.max(16, rows * kp));
  try {
    quantizeU7(x.ptr, q, rows, k, kp, quant);
    return body(q);
  } catch (e) {
    throw e instanceof RangeError ? new RangeError(e.message.replace(/wasmml \w+/, op)) : e;
  } finally {
    arena.free(q);
  }
}

/**
 * act(x · W + bias) with x quantised to u7 by `quant` and W int8: x is
 * [..., k] float32, the result [..., n] float32.
 */
export function int8MatMul(x: Tensor, w: Int8Weights, quant: Int8InputQuant, activation: Int8Activation = 'linear'): Tensor {
  const op = 'int8MatMul';
  checkInput(op, x);
  const k = x.shape[x.rank - 1];
  if (x.rank < 1 || k !== w.k) {
    throw new Error(`${op}: x ${fmtShape(x.shape)} must end in the weights' ${w.k} inputs (weights [${w.k}, ${w.n}])`);
  }
  const rows = x.size / w.k,
    kp = int8PaddedK(w.k);
  const bufs = w.buffers(op);
  const y = emptyTensor([rows, w.n], 'float32');
  try {
    quantized(op, x, rows, w.k, kp, quant, (q) => gemmInt8(q, bufs, y.ptr, rows, w.n, w.k, quant, activation));
  } catch (e) {
    y.dispose();
    throw e;
  }
  if (x.rank === 2) return y;
  const out = viewOf(y, [...x.shape.slice(0, -1), w.n]);
  y.dispose();
  return out;
}

/** Options of {@link int8Conv2d}: the geometry of tfjs `conv2d` and the fused activation. */
export interface Int8Conv2dOptions {
  /** Stride [height, width] or one number (default 1). */
  strides?: number | [number, number];
  /** 'valid' (default) or 'same', or explicit padding as in conv2d. */
  pad?: Conv2dParams['pad'];
  /** Dilation [height, width] or one number (default 1). */
  dilations?: number | [number, number];
  /** 'linear' (default), 'relu' or 'relu6', applied in the kernel. */
  activation?: Int8Activation;
}

/**
 * int8 conv2d of NHWC float32 images x [batch, h, w, cin] quantised by
 * `quant`, with int8 weights holding a [fh, fw, cin, cout] filter
 * (w.k = fh*fw*cin, w.n = cout); float32 [batch, oh, ow, cout] out.
 */
export function int8Conv2d(
  x: Tensor,
  w: Int8Weights,
  filterSize: [number, number],
  quant: Int8InputQuant,
  opts: Int8Conv2dOptions = {},
): Tensor {
  const op = 'int8Conv2d';
  checkInput(op, x);
  const [fh, fw] = filterSize;
  const cin = x.shape[3]!;
  if (x.rank !== 4 || fh * fw * cin !== w.k) {
    throw new Error(`${op}: x ${fmtShape(x.shape)} must be NHWC with cin such that ${fh}*${fw}*cin = ${w.k} (the weights' rows)`);
  }
  const params: Conv2dParams = { strides: opts.strides ?? 1, pad: opts.pad ?? 'valid', dilations: opts.dilations ?? 1 };
  const g = conv2dGeometry(x.shape, [fh, fw], params, op);
  const bufs = w.buffers(op);
  const filterShape = [fh, fw, cin, w.n];
  const y = emptyTensor([g.batch, g.outHeight, g.outWidth, w.n], 'float32');
  const perImage = x.shape[1]! * x.shape[2]! * cin;
  try {
    quantized(op, x, g.batch, perImage, perImage, quant, (q) =>
      conv2dInt8(q, bufs, y.ptr, x.shape, filterShape, quant, { ...params, ...(opts.activation ? { activation: opts.activation } : {}) }),
    );
  } catch (e) {
    y.dispose();
    throw e;
  }
  return y;
}
