// The Tensor class: shape, dtype and a reference-counted block of the kernel
// arena. Ops attach themselves as methods in chain.ts.
import { f32View, i32View, u8View, runtime } from '@wasmml/kernels';
import { bytesPerElement, type DataType, type DataTypeMap, type TypedArray } from './dtype.js';
import { ENGINE, trackInScope, type DataRef } from './engine.js';
import { formatTensor } from './format.js';
import { fmtShape, sizeOf } from './shape.js';
import { copyIn, copyOut } from './transfer.js';

/** Nested arrays of numbers or booleans, as `array()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

/** A tensor's number of dimensions (tfjs's `Rank`, here a plain number: shapes are not typed by rank). */
export type Rank = number;

/**
 * A multi-dimensional array of numbers living in the wasm arena (tfjs `tf.Tensor`). Tensors are immutable; free them
 * with `dispose()` or inside `tidy()`. The common ops are also methods (`a.add(b).relu()`, installed by chain.ts); each
 * calls the op of the same name with this tensor as first argument.
 *
 * @property logicalNot NOT of a bool tensor.
 * @property leakyRelu `this` above 0, `alpha * this` below (alpha default 0.2).
 * @property clipByValue Clamps every element to [min, max].
 * @property sum Sum over `axis` (all axes by default); keepDims keeps them with size 1.
 * @property mean Mean over `axis` (all axes by default).
 * @property max Maximum over `axis` (all axes by default).
 * @property min Minimum over `axis` (all axes by default).
 * @property prod Product over `axis` (all axes by default).
 * @property logSumExp `log(sum(exp(this)))` over `axis`, computed stably.
 * @property argMax int32 index of the largest value along `axis` (default 0; first on ties).
 * @property argMin int32 index of the smallest value along `axis` (default 0; first on ties).
 * @property all AND over `axis` of a bool tensor (all axes by default).
 * @property any OR over `axis` of a bool tensor (all axes by default).
 * @property norm Vector or matrix norm over `axis` (ord 'euclidean' by default; also 1, 2, Infinity, 'fro').
 * @property softmax Softmax along `dim` (default the last axis).
 * @property logSoftmax Log of the softmax along `axis` (default the last axis), computed stably.
 * @property matMul Matrix product `this · b`, either side optionally transposed; batched over leading dimensions.
 * @property dot Dot, matrix-vector or matrix-matrix product of rank-1 or rank-2 tensors.
 * @property reshape The same elements under a new shape; one dimension may be -1 (inferred). Shares the buffer.
 * @property expandDims Inserts a dimension of size 1 at `axis` (default 0).
 * @property squeeze Removes dimensions of size 1 (all, or those listed).
 * @property flatten Reshapes to one dimension.
 * @property transpose Permutes the dimensions (default: reverses them).
 * @property gather Slices at `indices` along `axis` (default 0).
 * @property slice Extracts `[begin, begin + size)` per dimension (size -1: to the end).
 * @property pad Pads with `value` (default 0); `paddings[i]` is [before, after] of dimension i.
 * @property reverse Reverses the order of elements along the given axes (all by default).
 * @property tile Repeats the tensor `reps[i]` times along dimension i.
 * @property cast Converts to another dtype (the gradient passes through).
 * @property asType Same as `cast`.
 * @property clone A copy (sharing the immutable buffer).
 * @property as1D Reshapes to one dimension.
 * @property as2D Reshapes to [rows, columns].
 * @property toFloat Casts to float32.
 * @property toInt Casts to int32 (truncating toward zero).
 * @property toBool Casts to bool (non-zero is true).
 */
export class Tensor {
  /** Unique id. */
  readonly id: number;
  /** Dimensions, outermost first. */
  readonly shape: number[];
  /** Element type: 'float32', 'int32' or 'bool'. */
  readonly dtype: DataType;
  /** Number of elements. */
  readonly size: number;
  /** @internal */
  ref: DataRef;
  /** @internal Set by `keep()`: survives the enclosing `tidy`. */
  kept = false;
  private disposedFlag = false;

  /** @internal Use `tensor()` and the ops to make tensors. */
  constructor(shape: number[], dtype: DataType, ref: DataRef) {
    this.id = ENGINE.nextId++;
    this.shape = shape;
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.ref = ref;
    ref.refs++;
    ENGINE.numTensors++;
    this.register();
  }

  /** @internal */
  protected register(): void {
    trackInScope(this);
  }

  /** Number of dimensions (0 for a scalar). */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether `dispose()` has freed this tensor; a disposed tensor throws on use. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** @internal Arena address of the first element (0 for empty tensors). */
  get ptr(): number {
    if (this.disposedFlag) throw disposedError(this);
    return this.ref.ptr;
  }

  /** @internal Throws if disposed. */
  assertLive(op: string): void {
    if (this.disposedFlag) throw disposedError(this, op);
  }

  /**
   * A copy of the elements as a typed array (Float32Array, Int32Array or Uint8Array for bool), made with one native
   * copy out of the kernel memory.
   */
  dataSync<D extends DataType = DataType>(): DataTypeMap[D] {
    this.assertLive('dataSync');
    return copyOut(this.ref.ptr, this.size, this.dtype) as DataTypeMap[D];
  }

  /**
   * The elements, as a promise (tfjs compatibility). Kernels finish before their op returns, so there is nothing to
   * wait for: the copy is made at the call (a later dispose cannot affect it) and is all the caller waits for.
   */
  data<D extends DataType = DataType>(): Promise<DataTypeMap[D]> {
    try {
      return Promise.resolve(this.dataSync<D>());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The elements as nested arrays (a number for a scalar; booleans for bool). */
  arraySync(): NestedArray {
    return nest(this.dataSync(), this.dtype === 'bool', this.shape, 0, 0);
  }

  /** The elements as nested arrays, as a promise (tfjs compatibility; the copy is made at the call). */
  array(): Promise<NestedArray> {
    try {
      return Promise.resolve(this.arraySync());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Multi-line description of shape, dtype and values. */
  toString(verbose = false): string {
    this.assertLive('toString');
    return formatTensor(this.dataSync(), this.shape, this.dtype, verbose);
  }

  /** Logs `toString()`. */
  print(verbose = false): void {
    console.log(this.toString(verbose));
  }

  /** Frees the tensor's memory (shared buffers are freed with their last tensor). Idempotent. */
  dispose(): void {
    this.release();
  }

  /** @internal Drops this tensor's reference to its buffer. */
  release(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    ENGINE.numTensors--;
    releaseRef(this.ref);
  }
}

/** @internal */
export function releaseRef(ref: DataRef): void {
  if (--ref.refs === 0) {
    ENGINE.numBuffers--;
    ENGINE.numBytes -= ref.bytes;
    if (ref.ptr !== 0) runtime().arena.free(ref.ptr);
  }
}

/** @internal A fresh buffer for `size` elements of `dtype` (not zeroed). */
export function allocRef(size: number, dtype: DataType): DataRef {
  const bytes = size * bytesPerElement(dtype);
  const ptr = bytes === 0 ? 0 : runtime().arena.alloc(bytes);
  ENGINE.numBuffers++;
  ENGINE.numBytes += bytes;
  if (ENGINE.numBytes > ENGINE.peakBytes) ENGINE.peakBytes = ENGINE.numBytes;
  return { ptr, bytes, refs: 0 };
}

/** @internal A new tensor with an uninitialised buffer. */
export function emptyTensor(shape: number[], dtype: DataType): Tensor {
  return new Tensor(shape, dtype, allocRef(sizeOf(shape), dtype));
}

/** @internal A new tensor sharing `t`'s buffer under another shape. */
export function viewOf(t: Tensor, shape: number[]): Tensor {
  return new Tensor(shape, t.dtype, t.ref);
}

/** @internal A live view of the tensor's elements; valid only until the next allocation. */
export function viewData(t: Tensor): TypedArray {
  const p = t.ptr;
  if (t.dtype === 'float32') return p === 0 ? new Float32Array(0) : f32View(p, t.size);
  if (t.dtype === 'int32') return p === 0 ? new Int32Array(0) : i32View(p, t.size);
  return p === 0 ? new Uint8Array(0) : u8View(p, t.size);
}

/** @internal Writes JavaScript values into a tensor's buffer (one counted copy; see transfer.ts). */
export function writeData(t: Tensor, values: ArrayLike<number | boolean>): void {
  copyIn(t.ptr, t.size, t.dtype, values);
}

/** @internal Copies `bytes` bytes from `src` to `dst` inside the arena (a memmove; no trip through JavaScript values). */
export function copyBytes(src: number, dst: number, bytes: number): void {
  if (bytes > 0) u8View(dst, bytes).set(u8View(src, bytes));
}

function nest(values: TypedArray, bool: boolean, shape: number[], dim: number, offset: number): NestedArray {
  if (shape.length === 0) return bool ? values[0] !== 0 : values[0]!;
  const n = shape[dim]!;
  if (dim === shape.length - 1) {
    const row = values.subarray(offset, offset + n);
    return bool ? Array.from(row, (v) => v !== 0) : Array.from(row);
  }
  const inner = sizeOf(shape.slice(dim + 1));
  const out: NestedArray[] = [];
  for (let i = 0; i < n; i++) out.push(nest(values, bool, shape, dim + 1, offset + i * inner));
  return out;
}

function disposedError(t: Tensor, op?: string): Error {
  return new Error(
    `${op ? `${op}: ` : ''}tensor ${t.id} (shape ${fmtShape(t.shape)}, ${t.dtype}) is disposed; ` +
      `it was freed by dispose() or by the tidy() it was made in (use keep() or return it from tidy to keep it)`,
  );
}
