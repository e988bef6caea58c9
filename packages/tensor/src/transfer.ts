// Copies of tensor data between JavaScript and the kernel arena. Every one goes
// through here, so each is one native copy and all of them are counted
// (transferStats): a training loop that reads back per layer, or uploads what
// is already in the arena, shows up in the figures.
//
// The arena is usually a SharedArrayBuffer, and TypedArray.prototype.slice on
// a view of it measured up to 45x slower than `new Float32Array(n).set(view)`
// (2.7 MB: 15 ms against 0.34 ms, Node 20); set takes the memcpy path, both ways.
import { f32View, i32View, u8View } from '@wasmml/kernels';
import { newTypedArray, type DataType, type TypedArray } from './dtype.js';

/**
 * Bytes copied between JavaScript and the kernel arena since the runtime loaded (see {@link transferStats}).
 */
export interface TransferStats {
  /** Copies into the arena: tensors made from JavaScript values (not `fill`/`zeros`/`ones`: memsets), scratch writes. */
  uploads: number;
  /** Bytes of those copies. */
  bytesUploaded: number;
  /** Copies out of the arena: `dataSync`/`data`/`array`, ops computed in JavaScript, scratch reads. */
  readbacks: number;
  /** Bytes of those copies. */
  bytesReadBack: number;
}

const stats: TransferStats = { uploads: 0, bytesUploaded: 0, readbacks: 0, bytesReadBack: 0 };

/**
 * Counts of tensor bytes copied between JavaScript and the kernel arena, since the runtime loaded: what
 * `tensor()`, `dataSync()` and the like cost beyond the kernels. Take it before and after a piece of work and
 * subtract; a training step should upload about its batch and read back a few scalars (the loss and metrics).
 * Fills (`zeros`, `ones`, `fill`: a memset, nothing crosses) and the kernels' own argument tables (a few words per
 * call) are not counted.
 */
export function transferStats(): TransferStats {
  return { ...stats };
}

function view(ptr: number, size: number, dtype: DataType): TypedArray {
  if (dtype === 'float32') return f32View(ptr, size);
  if (dtype === 'int32') return i32View(ptr, size);
  return u8View(ptr, size);
}

function bytesOf(size: number, dtype: DataType): number {
  return dtype === 'bool' ? size : 4 * size;
}

/** @internal A copy (unshared) of `size` elements of `dtype` at `ptr` (0 for empty). */
export function copyOut(ptr: number, size: number, dtype: DataType): TypedArray {
  const out = newTypedArray(dtype, size);
  if (size === 0) return out;
  out.set(view(ptr, size, dtype));
  stats.readbacks++;
  stats.bytesReadBack += bytesOf(size, dtype);
  return out;
}

/**
 * @internal Writes `values` (converted to `dtype`) to `size` elements at `ptr`. Typed arrays and arrays of numbers or
 * booleans convert inside `set` (ToNumber, then ToInt32 for int32: tfjs's truncation toward zero), in one pass; bool
 * stores 0/1, so it goes through a small loop.
 */
export function copyIn(ptr: number, size: number, dtype: DataType, values: ArrayLike<number | boolean>): void {
  if (size === 0) return;
  const dst = view(ptr, size, dtype);
  if (dtype === 'bool' && !(values instanceof Uint8Array)) {
    const tmp = new Uint8Array(size);
    for (let i = 0; i < size; i++) tmp[i] = values[i] ? 1 : 0;
    dst.set(tmp);
  } else {
    dst.set(values as ArrayLike<number>);
  }
  stats.uploads++;
  stats.bytesUploaded += bytesOf(size, dtype);
}

/** @internal Fills `size` elements at `ptr` with one value: a native memset, no data crosses, so it is not counted. */
export function fillIn(ptr: number, size: number, dtype: DataType, value: number): void {
  if (size > 0) view(ptr, size, dtype).fill(value);
}

/** @internal Counts a copy made elsewhere (kernel scratch blocks). */
export function countTransfer(direction: 'in' | 'out', bytes: number): void {
  if (bytes === 0) return;
  if (direction === 'in') {
    stats.uploads++;
    stats.bytesUploaded += bytes;
  } else {
    stats.readbacks++;
    stats.bytesReadBack += bytes;
  }
}
