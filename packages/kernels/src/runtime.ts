// Loading the kernel module: variant choice, memory, instance and pool, in one
// process-wide runtime. Tensor code asks for it synchronously (`runtime()`);
// where the runtime cannot read and compile synchronously (a browser page),
// `await ready()` must come first.
import { platform } from '@wasmml/platform';
import { workers } from '#workers';
import { hasRelaxedSimd, hasSharedMemory, hasSimd } from './features.js';
import { Arena, ARENA_BASE, MAX_PAGES, PAGE, type ArenaStats } from './memory.js';
import { Pool, type KernelObserver } from './pool.js';

/**
 * Which build of the kernel module runs: relaxed SIMD (fused multiply-add) or plain SIMD, on shared memory (threads)
 * or not (one thread).
 */
export type VariantName = 'relaxed-shared' | 'relaxed-single' | 'simd-shared' | 'simd-single';

/** Where a kernel module comes from: bytes, a compiled module, or a URL to fetch. */
export type WasmSource = Uint8Array | ArrayBuffer | WebAssembly.Module | URL | string;

/** Options of {@link init}: threads, relaxed SIMD, where the `.wasm` builds come from and memory limits. */
export interface InitOptions {
  /** Threads, the calling thread included. Default: the number of cores (1 without shared memory). */
  threads?: number;
  /**
   * Relaxed SIMD (fused multiply-add). 'auto' uses it where the runtime validates it
   * without flags; true also turns on Node 20's `--experimental-wasm-relaxed-simd`
   * V8 flag; false never uses it. Default 'auto', or the WASMML_RELAXED_SIMD variable.
   */
  relaxedSimd?: boolean | 'auto';
  /** Use this module instead of the shipped builds (it must match the memory: shared or not). */
  wasm?: WasmSource;
  /** Base URL of the shipped .wasm builds, for pages that serve them elsewhere. */
  wasmBaseUrl?: URL | string;
  /** Largest the memory may grow to. Default 4 GiB (the wasm32 limit). */
  maxMemoryBytes?: number;
  /** Starting memory size. Default 16 MiB. */
  initialMemoryBytes?: number;
}

/** What the loader chose, and the state of memory and threads. */
export interface BackendInfo {
  /** The build that runs, or 'custom' for a module given through {@link InitOptions.wasm}. */
  variant: VariantName | 'custom';
  /** Where it runs: 'node', 'deno', 'browser' or 'worker' (a web worker). */
  runtime: string;
  /** Always true: every build needs WebAssembly SIMD. */
  simd: true;
  /** Whether the relaxed SIMD (fused multiply-add) build runs. */
  relaxedSimd: boolean;
  /** Whether the memory is shared, which threads need (false on pages that are not cross-origin isolated). */
  sharedMemory: boolean;
  /** Threads taking part in split kernels now (the calling thread included). */
  threads: number;
  /** Threads asked for; more than `threads` while workers start. */
  requestedThreads: number;
  /** Figures of the memory arena at the time of the call. */
  memory: ArenaStats;
  /**
   * Set when the pool gave up on its workers (they kept dying or hung; see docs/threads-and-performance.md):
   * why, while every kernel runs on the calling thread. `setThreads(n)` tries workers again.
   */
  poolError?: string;
}

/**
 * The loaded kernel module (from {@link runtime}): its exports, memory, arena and thread pool; what `@wasmml/tensor`
 * calls into.
 */
export interface Runtime {
  /** The module's exported kernel functions by name (`gemm_f32`, ...); arguments are byte addresses and sizes. */
  readonly exports: Record<string, (...args: number[]) => number | void>;
  /** The one wasm memory every tensor lives in; derive views from its current buffer, as growth replaces it. */
  readonly memory: WebAssembly.Memory;
  /** Allocator of blocks in {@link Runtime.memory}. */
  readonly arena: Arena;
  /** The thread pool that splits kernel calls over workers. */
  readonly pool: Pool;
  /** The build that runs, or 'custom' for a user-supplied module. */
  readonly variant: VariantName | 'custom';
  /** Whether the relaxed SIMD (fused multiply-add) build runs. */
  readonly relaxed: boolean;
  /** Whether the memory is shared (threads possible). */
  readonly shared: boolean;
  /**
   * Resolves once the pool's workers run (kernels run on the calling thread until then); rejects if they fail to
   * start.
   */
  readonly starting: Promise<void>;
}

let current: Runtime | undefined;
let loading: Promise<Runtime> | undefined;
let pendingOptions: InitOptions = {};

function envRelaxed(): boolean | 'auto' {
  const v = platform.env('WASMML_RELAXED_SIMD');
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  return 'auto';
}

function chooseVariant(opts: InitOptions): { variant: VariantName; relaxed: boolean; shared: boolean } {
  if (!hasSimd()) {
    throw new Error('wasmml: this runtime lacks WebAssembly SIMD, which every wasmml kernel needs');
  }
  const want = opts.relaxedSimd ?? envRelaxed();
  let relaxed = false;
  if (want !== false) {
    relaxed = hasRelaxedSimd();
    if (!relaxed && want === true && platform.setV8Flag('--experimental-wasm-relaxed-simd')) relaxed = hasRelaxedSimd();
  }
  const shared = hasSharedMemory() && (opts.threads ?? 2) !== 0;
  return { variant: `${relaxed ? 'relaxed' : 'simd'}-${shared ? 'shared' : 'single'}`, relaxed, shared };
}

function wasmUrl(opts: InitOptions, variant: VariantName): URL {
  if (opts.wasmBaseUrl !== undefined) {
    const base = String(opts.wasmBaseUrl);
    return new URL(`${variant}.wasm`, base.endsWith('/') ? base : `${base}/`);
  }
  return new URL(`../wasm/${variant}.wasm`, import.meta.url);
}

function makeMemory(shared: boolean, opts: InitOptions): { memory: WebAssembly.Memory; maxBytes: number } {
  const initial = Math.max(2, Math.ceil((opts.initialMemoryBytes ?? 16 << 20) / PAGE));
  let maxPages = Math.min(MAX_PAGES, Math.floor((opts.maxMemoryBytes ?? MAX_PAGES * PAGE) / PAGE));
  if (maxPages < initial) throw new RangeError(`wasmml: maxMemoryBytes is below initialMemoryBytes`);
  // Shared memory reserves its maximum up front; a small address space (32-bit
  // or mobile browsers) may refuse 4 GiB, so halve until it is accepted.
  for (;;) {
    try {
      return { memory: new WebAssembly.Memory({ initial, maximum: maxPages, shared }), maxBytes: maxPages * PAGE };
    } catch (e) {
      if (maxPages / 2 < Math.max(initial, 4096)) throw e;
      maxPages = Math.floor(maxPages / 2);
    }
  }
}

function toBytesOrModule(src: WasmSource): Uint8Array | WebAssembly.Module | undefined {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof Uint8Array) return src;
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  return undefined;
}

function build(
  opts: InitOptions,
  code: Uint8Array | WebAssembly.Module,
  choice: ReturnType<typeof chooseVariant>,
  custom: boolean,
): Runtime {
  const module = code instanceof WebAssembly.Module ? code : new WebAssembly.Module(code as BufferSource);
  const bytes = code instanceof WebAssembly.Module ? undefined : code;
  const { memory, maxBytes } = makeMemory(choice.shared, opts);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as Runtime['exports'];
  const names = Object.keys(exports)
    .filter((k) => typeof exports[k] === 'function')
    .sort();
  const arena = new Arena(memory, maxBytes);
  if (ARENA_BASE + 64 > memory.buffer.byteLength) throw new Error('wasmml: initial memory too small');
  const pool = new Pool(
    workers,
    memory,
    module,
    bytes,
    exports as Record<string, (...a: number[]) => void>,
    names,
    (n) => arena.alloc(n),
    (p) => arena.free(p),
  );
  const threads = choice.shared ? Math.max(1, Math.floor(opts.threads ?? platform.cores())) : 1;
  const starting = threads > 1 && (bytes || workers.postsModules) ? pool.resize(threads) : Promise.resolve();
  starting.catch(() => {});
  return {
    exports,
    memory,
    arena,
    pool,
    variant: custom ? 'custom' : choice.variant,
    relaxed: choice.relaxed,
    shared: choice.shared,
    starting,
  };
}

/**
 * Loads the kernel module (once) and starts the thread pool; resolves when the
 * workers run. Options apply only to the first call; later calls return the running state.
 */
export async function init(options: InitOptions = {}): Promise<BackendInfo> {
  if (current) {
    await current.starting;
    return backendInfo();
  }
  if (!loading) {
    pendingOptions = options;
    loading = (async () => {
      const choice = chooseVariant(options);
      let code: Uint8Array | WebAssembly.Module | undefined;
      let custom = false;
      if (options.wasm !== undefined) {
        custom = true;
        code = toBytesOrModule(options.wasm) ?? (await platform.loadBytes(new URL(String(options.wasm))));
      } else {
        code = await platform.loadBytes(wasmUrl(options, choice.variant));
      }
      if (!(code instanceof WebAssembly.Module) && !platform.canBlock) {
        // Browser main threads may not compile large modules synchronously.
        code = await WebAssembly.compile(code as BufferSource);
      }
      current = build(options, code, choice, custom);
      return current;
    })();
    loading.catch(() => (loading = undefined));
  }
  const rt = await loading;
  await rt.starting;
  return backendInfo();
}

/** Resolves once the kernel module and its threads are ready (same as `init()` with defaults). */
export function ready(): Promise<BackendInfo> {
  return init(pendingOptions);
}

/**
 * The loaded runtime; loads it synchronously on first use where the runtime can
 * read files synchronously (Node, Deno), starting the pool in the background.
 */
export function runtime(): Runtime {
  if (current) return current;
  const choice = chooseVariant(pendingOptions);
  const bytes =
    pendingOptions.wasm !== undefined
      ? toBytesOrModule(pendingOptions.wasm)
      : platform.loadBytesSync(wasmUrl(pendingOptions, choice.variant));
  if (!bytes || !platform.canBlock) {
    throw new Error('wasmml: the kernels are not loaded yet; `await ready()` (or `await init()`) before the first op');
  }
  current = build(pendingOptions, bytes!, choice, pendingOptions.wasm !== undefined);
  loading = Promise.resolve(current);
  return current;
}

/** Whether the kernel module is loaded. */
export function isLoaded(): boolean {
  return current !== undefined;
}

/** Sets the number of threads (the calling thread included) and waits until they run. */
export async function setThreads(n: number): Promise<void> {
  if (!Number.isFinite(n) || n < 1) throw new RangeError(`wasmml: setThreads(${n}): expected an integer >= 1`);
  if (!current) pendingOptions = { ...pendingOptions, threads: n };
  const rt = current ?? (await init(pendingOptions), current!);
  await rt.starting;
  if (!rt.shared) return;
  await rt.pool.resize(n);
}

/** Threads taking part in split kernels now. */
export function getThreads(): number {
  return current ? current.pool.size : 1;
}

/** What the loader chose and how memory and threads stand. */
export function backendInfo(): BackendInfo {
  const rt = runtime();
  return {
    variant: rt.variant,
    runtime: platform.runtime,
    simd: true,
    relaxedSimd: rt.relaxed,
    sharedMemory: rt.shared,
    threads: rt.pool.size,
    requestedThreads: rt.pool.requested,
    memory: rt.arena.stats(),
    ...(rt.pool.broken ? { poolError: rt.pool.broken } : {}),
  };
}

/**
 * Kernel calls so far, and how many were split over the pool (small ones stay on the calling thread).
 * @property __type.calls Kernel calls run since the runtime loaded.
 * @property __type.splitCalls Those of them that were split over the pool's threads.
 */
export function poolStats(): { calls: number; splitCalls: number } {
  return { ...runtime().pool.stats };
}

/**
 * Calls `observer` after every kernel call (name, items, threads, milliseconds) until set to null: the hook
 * `@wasmml/tensor`'s `profile()` times kernels with. One observer at a time; returns the one it replaces.
 */
export function setKernelObserver(observer: KernelObserver | null): KernelObserver | null {
  const pool = runtime().pool;
  const previous = pool.observer;
  pool.observer = observer;
  return previous;
}

/** Stops the workers. Kernels keep running on the calling thread. */
export function stopThreads(): void {
  current?.pool.stop();
}
