// int8 inference ops: a float32 input is quantised to u7 with a calibrated
// scale and zero point (or comes as a QuantizedTensor from the int8 op before
// it), multiplied by int8 weights with int32 accumulation in the wasm kernels,
// and comes back dequantised (+ bias, relu) as float32 — or, given an output
// quantisation, requantised as the QuantizedTensor input of the next int8 op.
// Inference only: nothing is recorded for gradients (quantisation-aware
// training fakes the rounding in float instead).
import {
  conv2dGeometry,
  conv2dInt8,
  gemmInt8,
  int8PackedBytes,
  int8PaddedN,
  maxPoolU7,
  packInt8Weights,
  quantizeU7,
  runtime,
  u8View,
  type Conv2dParams,
  type Int8Activation,
  type Int8InputQuant,
  type Padding,
  type Pair,
} from '@wasmml/kernels';
import { QuantizedTensor, checkQuant } from '../quantized-tensor.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, Tensor } from '../tensor.js';
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

// A float32 Tensor or a QuantizedTensor, checked before any shape is read.
function checkKind(op: string, x: unknown): asserts x is Tensor | QuantizedTensor {
  if (!(x instanceof Tensor) && !(x instanceof QuantizedTensor))
    throw new TypeError(`${op}: x must be a float32 Tensor or a QuantizedTensor`);
}

// The u7 bytes of x: x's own for a QuantizedTensor (whose quantisation must be
// `quant`), else x quantised by `quant` into a temporary tensor that the
// caller disposes (`owned`).
function u7Input(op: string, x: Tensor | QuantizedTensor, quant: Int8InputQuant): { q: Tensor; owned: boolean } {
  checkQuant(op, quant, 'input');
  if (x instanceof QuantizedTensor) {
    x.data.assertLive(op);
    if (x.quant.scale !== quant.scale || x.quant.zeroPoint !== quant.zeroPoint) {
      throw new Error(
        `${op}: x is quantised with scale ${x.quant.scale}, zeroPoint ${x.quant.zeroPoint}, not the given scale ${quant.scale}, zeroPoint ${quant.zeroPoint}`,
      );
    }
    return { q: x.data, owned: false };
  }
  x.assertLive(op);
  if (x.dtype !== 'float32') throw new Error(`${op}: x must be float32, got ${fmtShape(x.shape)} (${x.dtype})`);
  return { q: quantizeActivations(x, quant).data, owned: true };
}

// Runs a kernel writing into a fresh tensor (float32, or u7 bytes for a
// quantised output), naming the op in kernel errors and freeing what it made
// if the kernel throws.
function withOutput(
  op: string,
  shape: number[],
  output: Int8InputQuant | undefined,
  input: { q: Tensor; owned: boolean },
  body: (y: Tensor) => void,
): Tensor {
  const y = emptyTensor(shape, output ? 'bool' : 'float32');
  try {
    body(y);
  } catch (e) {
    y.dispose();
    throw e instanceof RangeError ? new RangeError(e.message.replace(/wasmml \w+/, op)) : e;
  } finally {
    if (input.owned) input.q.dispose();
  }
  return y;
}

/**
 * x (float32) quantised to u7 by `quant`: clamp(round(x / scale) + zeroPoint,
 * 0, 127), ties to even — the input the int8 ops read without quantising again.
 */
export function quantizeActivations(x: Tensor, quant: Int8InputQuant): QuantizedTensor {
  const op = 'quantizeActivations';
  checkQuant(op, quant, 'input');
  x.assertLive(op);
  if (x.dtype !== 'float32') throw new Error(`${op}: x must be float32, got ${fmtShape(x.shape)} (${x.dtype})`);
  const q = emptyTensor([...x.shape], 'bool');
  try {
    if (x.size > 0) quantizeU7(x.ptr, q.ptr, 1, x.size, x.size, quant);
  } catch (e) {
    q.dispose();
    throw e;
  }
  return new QuantizedTensor(q, quant);
}

/**
 * act(x · W + bias) with x quantised to u7 by `quant` (or already a
 * QuantizedTensor with that quantisation) and W int8: x is [..., k], the
 * result [..., n] float32 — or, given `output`, a QuantizedTensor quantised by
 * it (the activation applied before the rounding), for the next int8 op.
 */
export function int8MatMul(x: Tensor | QuantizedTensor, w: Int8Weights, quant: Int8InputQuant, activation?: Int8Activation): Tensor;
export function int8MatMul(
  x: Tensor | QuantizedTensor,
  w: Int8Weights,
  quant: Int8InputQuant,
  activation: Int8Activation | undefined,
  output: Int8InputQuant,
): QuantizedTensor;
export function int8MatMul(
  x: Tensor | QuantizedTensor,
  w: Int8Weights,
  quant: Int8InputQuant,
  activation: Int8Activation = 'linear',
  output?: Int8InputQuant,
): Tensor | QuantizedTensor {
  const op = 'int8MatMul';
  checkKind(op, x);
  const shape = x.shape;
  const k = shape[shape.length - 1];
  if (shape.length < 1 || k !== w.k) {
    throw new Error(`${op}: x ${fmtShape(shape)} must end in the weights' ${w.k} inputs (weights [${w.k}, ${w.n}])`);
  }
  if (output) checkQuant(op, output, 'output');
  const bufs = w.buffers(op);
  const input = u7Input(op, x, quant);
  const rows = input.q.size / w.k;
  const y = withOutput(op, [...shape.slice(0, -1), w.n], output, input, (y) =>
    gemmInt8(input.q.ptr, bufs, y.ptr, rows, w.n, w.k, quant, activation, output ? { quant: output } : undefined),
  );
  return output ? new QuantizedTensor(y, output) : y;
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
  /** Quantise the result by this for the next int8 op (a QuantizedTensor comes back) instead of returning float32. */
  output?: Int8InputQuant;
  /**
   * Max-pool the result over 2x2 windows of stride 2 ('valid') in the kernel — what a following
   * `maxPool(y, 2, 2, 'valid')` gives, bit for bit, without writing the unpooled result.
   */
  maxPool2x2?: boolean;
}

/**
 * int8 conv2d of NHWC images x [batch, h, w, cin] — float32 quantised by
 * `quant`, or a QuantizedTensor with that quantisation — with int8 weights
 * holding a [fh, fw, cin, cout] filter (w.k = fh*fw*cin, w.n = cout):
 * float32 [batch, oh, ow, cout] out, or with `opts.output` a QuantizedTensor;
 * with `opts.maxPool2x2`, [batch, oh/2, ow/2, cout] (rounded down).
 */
export function int8Conv2d(
  x: Tensor | QuantizedTensor,
  w: Int8Weights,
  filterSize: [number, number],
  quant: Int8InputQuant,
  opts: Int8Conv2dOptions & { output: Int8InputQuant },
): QuantizedTensor;
export function int8Conv2d(
  x: Tensor | QuantizedTensor,
  w: Int8Weights,
  filterSize: [number, number],
  quant: Int8InputQuant,
  opts?: Int8Conv2dOptions,
): Tensor;
export function int8Conv2d(
  x: Tensor | QuantizedTensor,
  w: Int8Weights,
  filterSize: [number, number],
  quant: Int8InputQuant,
  opts: Int8Conv2dOptions = {},
): Tensor | QuantizedTensor {
  const op = 'int8Conv2d';
  checkKind(op, x);
  const [fh, fw] = filterSize;
  const shape = x.shape;
  const cin = shape[3]!;
  if (shape.length !== 4 || fh * fw * cin !== w.k) {
    throw new Error(`${op}: x ${fmtShape(shape)} must be NHWC with cin such that ${fh}*${fw}*cin = ${w.k} (the weights' rows)`);
  }
  const params: Conv2dParams = { strides: opts.strides ?? 1, pad: opts.pad ?? 'valid', dilations: opts.dilations ?? 1 };
  const g = conv2dGeometry(shape, [fh, fw], params, op);
  const output = opts.output;
  if (output) checkQuant(op, output, 'output');
  const bufs = w.buffers(op);
  const input = u7Input(op, x, quant);
  const pool = opts.maxPool2x2 === true;
  const outShape = pool ? [g.batch, g.outHeight >> 1, g.outWidth >> 1, w.n] : [g.batch, g.outHeight, g.outWidth, w.n];
  const y = withOutput(op, outShape, output, input, (y) => {
    conv2dInt8(input.q.ptr, bufs, y.ptr, shape, [fh, fw, cin, w.n], quant, {
      ...params,
      ...(opts.activation ? { activation: opts.activation } : {}),
      ...(output ? { output: { quant: output } } : {}),
      maxPool2x2: pool,
    });
  });
  return output ? new QuantizedTensor(y, output) : y;
}

/**
 * Max pooling of u7 activations x [batch, h, w, c] (tfjs `maxPool` geometry;
 * strides default to the window): the bytes are pooled as they are, which
 * gives what pooling the real values and quantising would (rounding is
 * monotone), in the same quantisation.
 */
export function int8MaxPool(x: QuantizedTensor, filterSize: Pair, strides?: Pair, pad: Padding = 'valid'): QuantizedTensor {
  const op = 'int8MaxPool';
  if (!(x instanceof QuantizedTensor)) throw new TypeError(`${op}: x must be a QuantizedTensor (from an int8 op or quantizeActivations)`);
  x.data.assertLive(op);
  if (x.rank !== 4) throw new Error(`${op}: x must be NHWC [batch, h, w, c], got ${fmtShape(x.shape)}`);
  const opts = { strides: strides ?? filterSize, pad };
  const g = conv2dGeometry(x.shape, filterSize, opts, op);
  const y = emptyTensor([g.batch, g.outHeight, g.outWidth, g.inChannels], 'bool');
  try {
    if (y.size > 0) maxPoolU7(x.data.ptr, y.ptr, x.shape, filterSize, opts);
  } catch (e) {
    y.dispose();
    throw e instanceof RangeError ? new RangeError(e.message.replace(/wasmml \w+/, op)) : e;
  }
  return new QuantizedTensor(y, x.quant);
}
