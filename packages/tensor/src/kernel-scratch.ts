// Kernel scratch: blocks of kernel memory that are not tensors (parameter
// tables, per-call partial results), for custom kernels (custom-kernel.ts).
import { runtime, u8View } from '@wasmml/kernels';
import { ENGINE } from './engine.js';
import { countTransfer } from './transfer.js';

/** The typed arrays a scratch block is written from and read as. */
export type ScratchArray = Int32Array | Float32Array | Float64Array;
const SCRATCH_TYPES = { int32: Int32Array, float32: Float32Array, float64: Float64Array } as const;

/**
 * A block of kernel memory that is not a tensor: a kernel's parameter table,
 * or per-call results such as partial sums (read back with `read`). Made by
 * {@link kernelScratch}; freed by `dispose()` (counted in `memory().numBytes`
 * until then).
 */
export class KernelScratch {
  /** Size in bytes. */
  readonly bytes: number;
  private address: number;
  private disposedFlag = false;

  /** @internal Use `kernelScratch()`. */
  constructor(bytes: number) {
    this.bytes = bytes;
    // Kernels read whole v128 vectors; 16-byte rounding keeps the last one inside the block.
    this.address = runtime().arena.alloc(Math.max(16, Math.ceil(bytes / 16) * 16));
    u8View(this.address, bytes).fill(0);
    ENGINE.numBuffers++;
    ENGINE.numBytes += bytes;
    if (ENGINE.numBytes > ENGINE.peakBytes) ENGINE.peakBytes = ENGINE.numBytes;
  }

  /** Whether `dispose()` has freed the block. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** @internal Arena address of the first byte. */
  get ptr(): number {
    if (this.disposedFlag) throw new Error(`kernel scratch of ${this.bytes} bytes is disposed`);
    return this.address;
  }

  /** Copies `data` into the block at `byteOffset` (bytes). */
  write(data: ScratchArray, byteOffset = 0): void {
    const end = byteOffset + data.byteLength;
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || end > this.bytes) {
      throw new RangeError(`KernelScratch.write: ${data.byteLength} bytes at offset ${byteOffset} do not fit in ${this.bytes} bytes`);
    }
    u8View(this.ptr + byteOffset, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    countTransfer('in', data.byteLength);
  }

  /** A copy of the block (or `length` elements from element `offset`) as int32, float32 or float64. */
  read(type: 'int32', offset?: number, length?: number): Int32Array;
  read(type: 'float32', offset?: number, length?: number): Float32Array;
  read(type: 'float64', offset?: number, length?: number): Float64Array;
  read(type: 'int32' | 'float32' | 'float64', offset = 0, length?: number): ScratchArray {
    const Ctor = SCRATCH_TYPES[type];
    if (!Ctor) throw new TypeError(`KernelScratch.read: type '${String(type)}' is not one of ${Object.keys(SCRATCH_TYPES).join(', ')}`);
    const n = length ?? Math.floor(this.bytes / Ctor.BYTES_PER_ELEMENT) - offset;
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(n) || n < 0 || (offset + n) * Ctor.BYTES_PER_ELEMENT > this.bytes) {
      throw new RangeError(`KernelScratch.read: ${n} ${type} from element ${offset} do not fit in ${this.bytes} bytes`);
    }
    // Copy out through set() into an unshared array: slicing a view on shared memory is slow in V8.
    const out = new Ctor(n);
    out.set(new Ctor(runtime().memory.buffer, this.ptr + offset * Ctor.BYTES_PER_ELEMENT, n));
    countTransfer('out', n * Ctor.BYTES_PER_ELEMENT);
    return out;
  }

  /** Frees the block. Idempotent. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    ENGINE.numBuffers--;
    ENGINE.numBytes -= this.bytes;
    runtime().arena.free(this.address);
  }
}

/** A zeroed scratch block of `bytes` bytes, or one holding a copy of `data`. */
export function kernelScratch(init: number | ScratchArray): KernelScratch {
  if (typeof init === 'number') {
    if (!Number.isInteger(init) || init < 0) throw new RangeError(`kernelScratch: ${init} bytes, expected an integer >= 0`);
    return new KernelScratch(init);
  }
  const s = new KernelScratch(init.byteLength);
  s.write(init);
  return s;
}
