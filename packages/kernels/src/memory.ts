// The arena: every tensor's bytes live in the one wasm memory, handed out and
// taken back here, on the calling thread only (workers never allocate).
//
// Training loops free and re-ask the same sizes every step, so freed blocks go
// to exact size-class lists and come back in O(1). When the bump region is
// exhausted the class lists are merged by address (coalescing neighbours) into
// a general free list served first-fit; only then does memory grow.

export const PAGE = 65536;
/** Largest wasm32 memory, in pages (4 GiB). Keep in step with scripts/build-wasm.mjs. */
export const MAX_PAGES = 65536;
/** The arena starts above the module's constant data and a null guard. */
export const ARENA_BASE = PAGE;
const ALIGN = 16;

/** Arena figures, in bytes unless said otherwise. */
export interface ArenaStats {
  /** Bytes in live blocks (as rounded to size classes). */
  bytesInUse: number;
  /** Live blocks. */
  blocks: number;
  /** Freed bytes kept for reuse. */
  bytesFree: number;
  /** High-water mark of bytesInUse. */
  peakBytesInUse: number;
  /** Size of the wasm memory. */
  memoryBytes: number;
  /** The most the memory may grow to. */
  maxMemoryBytes: number;
}

/**
 * Thrown when a block cannot be allocated: the memory would have to grow past {@link InitOptions.maxMemoryBytes}, or
 * the runtime refused to grow it.
 */
export class OutOfMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutOfMemoryError';
  }
}

/** Rounds a request to its size class: 16-byte steps to 4 KiB, then 8 classes per doubling. */
export function sizeClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(ALIGN, (bytes + ALIGN - 1) & ~(ALIGN - 1));
  const step = 2 ** (Math.ceil(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

/**
 * Allocator of the kernel memory: hands out 16-byte-aligned blocks (by exact size classes, then first-fit over
 * coalesced free blocks) and grows the memory when full. Used on the calling thread only.
 */
export class Arena {
  private top = ARENA_BASE;
  private readonly live = new Map<number, number>();
  private readonly byClass = new Map<number, number[]>();
  /** Coalesced free blocks [ptr, size], sorted by address. */
  private general: Array<[number, number]> = [];
  private inUse = 0;
  private freeBytes = 0;
  private peak = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly maxBytes: number,
  ) {}

  /** Returns the address of a fresh block of at least `bytes` bytes (16-byte aligned). */
  alloc(bytes: number): number {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) {
      throw new RangeError(`wasmml arena: cannot allocate ${bytes} bytes`);
    }
    const size = sizeClass(bytes);
    let ptr = this.byClass.get(size)?.pop();
    if (ptr !== undefined) this.freeBytes -= size;
    else ptr = this.fromTop(size) ?? this.fromGeneral(size) ?? this.afterCoalesce(size) ?? this.grow(size, bytes);
    this.live.set(ptr, size);
    this.inUse += size;
    if (this.inUse > this.peak) this.peak = this.inUse;
    return ptr;
  }

  /** Returns a block to the arena; freeing twice or a foreign address throws. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`wasmml arena: free(${ptr}) of a block that is not allocated`);
    this.live.delete(ptr);
    this.inUse -= size;
    this.freeBytes += size;
    let list = this.byClass.get(size);
    if (!list) this.byClass.set(size, (list = []));
    list.push(ptr);
  }

  /** Size in bytes of a live block. */
  sizeOf(ptr: number): number {
    return this.live.get(ptr) ?? 0;
  }

  /** Current figures: bytes in use and free, live blocks, peak use, memory size and limit. */
  stats(): ArenaStats {
    return {
      bytesInUse: this.inUse,
      blocks: this.live.size,
      bytesFree: this.freeBytes,
      peakBytesInUse: this.peak,
      memoryBytes: this.memory.buffer.byteLength,
      maxMemoryBytes: this.maxBytes,
    };
  }

  private fromTop(size: number): number | undefined {
    // Kernels may read (never write) up to 32 bytes past a block's end in SIMD
    // tails, so the top keeps that much slack below the memory's end.
    if (this.top + size + 32 > this.memory.buffer.byteLength) return undefined;
    const p = this.top;
    this.top += size;
    return p;
  }

  private fromGeneral(size: number): number | undefined {
    const g = this.general;
    for (let i = 0; i < g.length; i++) {
      const [p, s] = g[i]!;
      if (s < size) continue;
      if (s === size) g.splice(i, 1);
      else g[i] = [p + size, s - size];
      this.freeBytes -= size;
      return p;
    }
    return undefined;
  }

  private afterCoalesce(size: number): number | undefined {
    const all = this.general;
    for (const [s, list] of this.byClass) for (const p of list) all.push([p, s]);
    this.byClass.clear();
    all.sort((x, y) => x[0] - y[0]);
    const merged: Array<[number, number]> = [];
    for (const blk of all) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[1] === blk[0]) last[1] += blk[1];
      else merged.push([blk[0], blk[1]]);
    }
    // A free block that ends at the bump pointer gives its bytes back to it.
    const tail = merged[merged.length - 1];
    if (tail && tail[0] + tail[1] === this.top) {
      merged.pop();
      this.top = tail[0];
      this.freeBytes -= tail[1];
    }
    this.general = merged;
    return this.fromTop(size) ?? this.fromGeneral(size);
  }

  private grow(size: number, asked: number): number {
    const need = this.top + size + 32 - this.memory.buffer.byteLength;
    const have = this.memory.buffer.byteLength / PAGE;
    const maxPages = Math.floor(this.maxBytes / PAGE);
    // Grow by at least a quarter of the current size to amortise growth.
    const pages = Math.max(Math.ceil(need / PAGE), Math.ceil(have / 4));
    const target = Math.min(have + pages, maxPages);
    if (target * PAGE < this.top + size + 32) {
      throw new OutOfMemoryError(
        `wasmml arena: out of memory allocating ${asked} bytes: ${this.inUse} bytes in use, ` +
          `${this.freeBytes} free but fragmented, limit ${this.maxBytes} bytes. ` +
          `Dispose tensors you no longer need (tidy/dispose) or raise maxMemoryBytes in init().`,
      );
    }
    try {
      this.memory.grow(target - have);
    } catch (e) {
      throw new OutOfMemoryError(
        `wasmml arena: out of memory allocating ${asked} bytes: the runtime refused to grow ` +
          `the wasm memory from ${have * PAGE} to ${target * PAGE} bytes (${(e as Error).message})`,
      );
    }
    return this.fromTop(size)!;
  }
}
