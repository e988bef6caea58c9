// u7 activations between int8 layers (see ops/int8.ts): bytes 0..127 and the
// quantisation that made them. The bytes live in a tensor of the engine's one
// one-byte dtype (bool) — never handed out as one — so tidy, dispose and
// memory() count and free them like any tensor's.
import type { Int8InputQuant } from '@wasmml/kernels';
import { castRaw } from './ops/cast.js';
import { fmtShape, sizeOf } from './shape.js';
import { scalar } from './create.js';
import { mul, sub } from './ops/binary.generated.js';
import { tidy } from './tidy.js';
import { type Tensor, viewData, viewOf } from './tensor.js';

/** @internal Checks an int8 quantisation: scale > 0 and finite, zeroPoint an integer in 0..127. */
export function checkQuant(op: string, q: Int8InputQuant | undefined, what: string): void {
  if (!q || !(q.scale > 0) || !Number.isFinite(q.scale) || !Number.isInteger(q.zeroPoint) || q.zeroPoint < 0 || q.zeroPoint > 127) {
    throw new RangeError(
      `${op}: the ${what} quantisation needs scale > 0 and an integer zeroPoint in 0..127, got scale ${q?.scale}, zeroPoint ${q?.zeroPoint}`,
    );
  }
}

/**
 * Activations quantised to u7 — real value = (q - zeroPoint) · scale, q in
 * 0..127 — as the int8 ops pass them from one to the next without going back
 * to float (ONNX Runtime's QDQ chains, fused). Made by `quantizeActivations`,
 * and by `int8MatMul` / `int8Conv2d` given an output quantisation; read by
 * them and by `int8MaxPool`. Inside `tidy` it is freed like a tensor (and kept
 * when returned); `dispose()` frees it.
 */
export class QuantizedTensor {
  /** Dimensions, outermost first. */
  readonly shape: number[];
  /** The quantisation of the values. */
  readonly quant: Int8InputQuant;
  /** @internal The bytes, one per element. */
  readonly data: Tensor;

  /** @internal Made by the int8 ops. */
  constructor(data: Tensor, quant: Int8InputQuant) {
    this.data = data;
    this.shape = data.shape;
    this.quant = { scale: quant.scale, zeroPoint: quant.zeroPoint };
  }

  /** Number of elements. */
  get size(): number {
    return this.data.size;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether the bytes were freed. */
  get isDisposed(): boolean {
    return this.data.isDisposed;
  }

  /** A copy of the u7 values. */
  values(): Uint8Array {
    this.data.assertLive('QuantizedTensor.values');
    const out = new Uint8Array(this.size);
    out.set(viewData(this.data) as Uint8Array);
    return out;
  }

  /** The real values, (q - zeroPoint) · scale, as float32. */
  dequantize(): Tensor {
    this.data.assertLive('QuantizedTensor.dequantize');
    return tidy(() => mul(sub(castRaw(this.data, 'float32'), scalar(this.quant.zeroPoint)), scalar(this.quant.scale)));
  }

  /** The same values under another shape of the same size (shares the bytes), as `reshape` (no -1). */
  reshape(shape: number[]): QuantizedTensor {
    this.data.assertLive('QuantizedTensor.reshape');
    if (!shape.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(shape) !== this.size) {
      throw new Error(`QuantizedTensor.reshape: cannot reshape ${fmtShape(this.shape)} (${this.size} values) to ${fmtShape(shape)}`);
    }
    return new QuantizedTensor(viewOf(this.data, [...shape]), this.quant);
  }

  /** Frees the bytes (a reshaped view keeps them until it is freed too). Idempotent. */
  dispose(): void {
    this.data.dispose();
  }
}
