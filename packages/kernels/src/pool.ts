// The thread pool. Workers instantiate the same module on the same memory and
// sleep in Atomics.wait on a generation counter; a job is written into the
// control block and announced with one Atomics.notify — no postMessage per
// call. The calling thread always takes the first range itself.
import { CTL, MAX_ARGS, MAX_CHUNKS, MAX_THREADS } from './control.js';
import { runChunks } from './worker-loop.js';
import type { PoolWorker, WorkerHost } from './workers/types.js';

/** How a kernel call may be split over the thread pool. */
export interface RunOptions {
  /** Work per item, in multiply-add-like units; decides whether threads pay off. */
  cost?: number;
  /** Bytes of private scratch each participant gets, passed before the range. */
  scratchBytes?: number;
}

type Kernel = (...args: number[]) => void;

/** One kernel call as a {@link KernelObserver} sees it. */
export interface KernelCall {
  /** Kernel name (`gemm_f32`, `conv2d_f32`, ...). */
  name: string;
  /** Work items (rows, pixels, elements) the call covered. */
  items: number;
  /** Threads it ran on (1 when it stayed on the calling thread). */
  threads: number;
  /** Wall time of the call in milliseconds, the wait for the pool included. */
  ms: number;
}

/** Called after every kernel call while set (profilers); see `setKernelObserver`. */
export type KernelObserver = (call: KernelCall) => void;

/** A split kernel with no chunk finishing for this long is taken for a hung worker (a chunk is ~1/8 of a kernel). */
const DEFAULT_STALL_MS = 120_000;
/** Worker generations the pool restarts after deaths before it stays on the calling thread. */
const MAX_RESTARTS = 3;
/** How long the blocked caller sleeps between checks for dead workers (a death also wakes it at once). */
const WAIT_SLICE_MS = 50;
/** The caller's bounded spin before it sleeps: long enough for a typical chunk, short against a busy OS. */
const CALLER_SPIN_US = 50;

/** Minimum total work (items x cost) before a job is split over threads. */
let parallelThreshold = 1 << 17;

/** Sets the work size above which kernels use the pool (tests use 0 to force threads). */
export function setParallelThreshold(units: number): void {
  parallelThreshold = Math.max(0, units);
}
/** The work size (items x cost) above which kernels are split over the pool; see {@link setParallelThreshold}. */
export function getParallelThreshold(): number {
  return parallelThreshold;
}

/**
 * Thrown when a kernel cannot run: an unknown kernel name, too many arguments, a worker that failed to start or
 * crashed.
 */
export class KernelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelError';
  }
}

export class Pool {
  private sab: SharedArrayBuffer | undefined;
  private ctl: Int32Array | undefined;
  private args: Float64Array | undefined;
  private workers: PoolWorker[] = [];
  private ready = 0;
  private readonly index = new Map<string, number>();
  private workerError: unknown;
  /** Kernel calls run, and how many of them were split over threads. */
  readonly stats = { calls: 0, splitCalls: 0 };
  /** Sees every call while set; timing costs two clock reads per call, so it is off unless a profiler asks. */
  observer: KernelObserver | null = null;
  /** Bumped whenever the workers are replaced, so events of old workers are ignored. */
  private generation = 0;
  /** Threads last asked for, to restart after a worker died. */
  private wanted = 1;
  /** Worker generations lost to a death or a stall so far; past MAX_RESTARTS the pool stays on the calling thread. */
  private failures = 0;
  /** Why the pool gave up on workers, once it has. */
  private brokenReason: string | undefined;
  /** Milliseconds without progress after which a split kernel is abandoned as stalled. */
  stallTimeoutMs = DEFAULT_STALL_MS;

  constructor(
    private readonly host: WorkerHost,
    private readonly memory: WebAssembly.Memory,
    private readonly module: WebAssembly.Module,
    private readonly bytes: Uint8Array | undefined,
    private readonly exports: Record<string, Kernel>,
    private readonly names: string[],
    private readonly alloc: (bytes: number) => number,
    private readonly free: (ptr: number) => void,
  ) {
    names.forEach((n, i) => this.index.set(n, i));
    this.fnTable = names.map((n) => exports[n]!);
  }

  /** Kernels by index, as the workers hold them. */
  private readonly fnTable: Kernel[];

  /** Threads that take part in a split job right now (1 + started workers). */
  get size(): number {
    return 1 + this.readyWorkers();
  }

  /** Threads asked for (workers may still be starting). */
  get requested(): number {
    return 1 + this.workers.length;
  }

  /** Replaces the workers by `threads - 1` new ones and waits until they run. */
  async resize(threads: number): Promise<void> {
    this.stop();
    this.wanted = threads;
    this.brokenReason = undefined;
    this.failures = 0;
    await this.start(threads);
  }

  /** Why the pool stopped using workers (they kept dying or hung), or undefined while it is healthy. */
  get broken(): string | undefined {
    return this.brokenReason;
  }

  private async start(threads: number): Promise<void> {
    const n = Math.min(Math.max(1, Math.floor(threads)), MAX_THREADS) - 1;
    if (n === 0) return;
    const generation = this.generation;
    // A fresh control block per generation of workers: a terminated worker that
    // has not exited yet can never see, or count itself into, a later job.
    this.sab = new SharedArrayBuffer(CTL.BYTES);
    this.ctl = new Int32Array(this.sab);
    this.args = new Float64Array(this.sab, CTL.ARGS_BYTE, MAX_ARGS);
    this.workerError = undefined;
    for (let tid = 1; tid <= n; tid++) {
      const w = this.host.createWorker((e) => {
        if (generation === this.generation && this.workerError === undefined) this.workerError = e;
      });
      if (!w) break;
      w.start({
        memory: this.memory,
        ...(this.host.postsModules ? { module: this.module } : { bytes: this.bytes! }),
        ctl: this.sab,
        tid,
        names: this.names,
      });
      this.workers.push(w);
    }
    await this.whenReady();
  }

  /** Waits for every started worker to report in. */
  async whenReady(timeoutMs = 30000): Promise<void> {
    const t0 = Date.now();
    while (this.readyWorkers() < this.workers.length) {
      if (this.workerError) {
        const e = this.workerError;
        this.stop();
        throw new KernelError(`wasmml: a pool worker failed to start: ${(e as Error)?.message ?? e}`);
      }
      if (Date.now() - t0 > timeoutMs) {
        this.stop();
        throw new KernelError(`wasmml: pool workers did not start within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Terminates every worker (the pool keeps working, on the calling thread). */
  stop(): void {
    this.generation++;
    if (this.ctl) {
      Atomics.store(this.ctl, CTL.SHUTDOWN, 1);
      Atomics.add(this.ctl, CTL.GEN, 1);
      Atomics.notify(this.ctl, CTL.GEN);
    }
    for (const w of this.workers) w.terminate();
    this.workers = [];
    this.ready = 0;
    this.sab = this.ctl = this.args = undefined;
  }

  private readyWorkers(): number {
    const ctl = this.ctl;
    if (!ctl) return 0;
    while (this.ready < this.workers.length && Atomics.load(ctl, CTL.READY + this.ready + 1) === 1) this.ready++;
    return this.ready;
  }

  /**
   * Runs kernel `name` over items [0, items): args are passed first, then (with
   * scratchBytes) a private scratch address, then the item range.
   */
  run(name: string, args: number[], items: number, opts: RunOptions = {}): void {
    if (items <= 0) return;
    const observer = this.observer;
    if (observer === null) {
      this.runNow(name, args, items, opts);
      return;
    }
    let threads = 1;
    const t0 = performance.now();
    try {
      threads = this.runNow(name, args, items, opts);
    } finally {
      observer({ name, items, threads, ms: performance.now() - t0 });
    }
  }

  /** Runs the call; returns the threads it ran on. */
  private runNow(name: string, args: number[], items: number, opts: RunOptions): number {
    const fn = this.exports[name];
    if (!fn) throw new KernelError(`wasmml: no kernel named ${name}`);
    const cost = opts.cost ?? 1;
    const scratchBytes = opts.scratchBytes ?? 0;
    let p = 1;
    if (items * cost >= parallelThreshold && this.workers.length) {
      // A worker that died between kernels: replace the pool before trusting it with a job.
      if (this.workerError !== undefined || this.deadWorker() >= 0) this.recover(this.deathReason());
      p = Math.min(this.size, items);
    }
    this.stats.calls++;
    if (p <= 1) {
      if (scratchBytes > 0) {
        const s = this.alloc(scratchBytes);
        try {
          fn(...args, s, 0, items);
        } finally {
          this.free(s);
        }
      } else {
        // Calls are hot (every small op): direct calls for the common arities
        // (V8 calls into wasm fastest with a fixed argument count), else append
        // the range in place and restore the caller's array after.
        const a = args;
        switch (a.length) {
          case 2:
            fn(a[0]!, a[1]!, 0, items);
            break;
          case 3:
            fn(a[0]!, a[1]!, a[2]!, 0, items);
            break;
          case 4:
            fn(a[0]!, a[1]!, a[2]!, a[3]!, 0, items);
            break;
          case 5:
            fn(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, 0, items);
            break;
          case 6:
            fn(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, 0, items);
            break;
          default:
            a.push(0, items);
            try {
              fn.apply(undefined, a);
            } finally {
              a.length -= 2;
            }
        }
      }
      return 1;
    }
    this.stats.splitCalls++;
    this.runSplit(name, fn, args, items, p, scratchBytes);
    return p;
  }

  private runSplit(name: string, _fn: Kernel, args: number[], items: number, p: number, scratchBytes: number): void {
    const ctl = this.ctl!;
    if (args.length > MAX_ARGS) throw new KernelError(`wasmml: kernel ${name} has too many arguments`);
    const scratch = scratchBytes > 0 ? this.alloc(scratchBytes * p) : 0;
    try {
      this.args!.set(args);
      ctl[CTL.KERNEL] = this.index.get(name)!;
      ctl[CTL.NARGS] = args.length;
      ctl[CTL.PARTICIPANTS] = p;
      ctl[CTL.ERROR] = 0;
      ctl[CTL.HAS_SCRATCH] = scratchBytes > 0 ? 1 : 0;
      for (let t = 0; t < p; t++) ctl[CTL.SCRATCH + t] = scratch + t * scratchBytes;
      // Four chunks per thread: enough to even out uneven items and late wake-ups.
      const chunks = Math.min(items, 4 * p, MAX_CHUNKS);
      ctl[CTL.CHUNKS] = chunks;
      const gen = (ctl[CTL.GEN]! + 1) | 0;
      for (let k = 0; k < chunks; k++) {
        ctl[CTL.RANGES + 2 * k] = Math.floor((k * items) / chunks);
        ctl[CTL.RANGES + 2 * k + 1] = Math.floor(((k + 1) * items) / chunks);
        ctl[CTL.CLAIM + k] = gen;
      }
      Atomics.store(ctl, CTL.DONE, 0);
      Atomics.store(ctl, CTL.GEN, gen);
      Atomics.notify(ctl, CTL.GEN);
      let mainError: unknown;
      runChunks(ctl, this.args!, this.fnTable, 0, gen, (e: unknown) => {
        if (mainError === undefined) mainError = e;
      });
      const fault = this.waitDone(ctl, chunks);
      if (fault) {
        const why =
          fault === 'stalled'
            ? `no chunk finished for ${this.stallTimeoutMs} ms (a hung pool worker?)`
            : `pool worker ${this.deadWorker()} ${this.errorText(ctl)}`;
        const state = this.recover(why);
        throw new KernelError(
          `wasmml: kernel ${name} (${items} items over ${p} threads) did not complete: ${why}; ` + `its output is incomplete. ${state}`,
        );
      }
      if (mainError !== undefined) throw mainError;
      const failed = ctl[CTL.ERROR]!;
      if (failed) throw new KernelError(`wasmml: kernel ${name} failed in pool worker ${failed - 1}: ${this.errorText(ctl)}`);
    } finally {
      if (scratch) this.free(scratch);
    }
  }

  /** The message a worker left in the error area. */
  private errorText(ctl: Int32Array): string {
    const sab = ctl.buffer as SharedArrayBuffer;
    const len = new DataView(sab, CTL.ERR_BYTE).getUint32(0, true);
    // TextDecoder refuses views on shared memory: copy out first.
    return new TextDecoder().decode(new Uint8Array(sab, CTL.ERR_BYTE + 4, len).slice());
  }

  /** The lowest-numbered worker whose DEAD bit is set, or -1. */
  private deadWorker(): number {
    const ctl = this.ctl;
    if (!ctl) return -1;
    for (let w = 0; w < 2; w++) {
      const bits = Atomics.load(ctl, CTL.DEAD + w);
      if (bits) return 32 * w + (31 - Math.clz32(bits & -bits));
    }
    return -1;
  }

  private deathReason(): string {
    const dead = this.deadWorker();
    if (dead >= 0) return `pool worker ${dead} ${this.errorText(this.ctl!)}`;
    return `a pool worker failed: ${(this.workerError as Error)?.message ?? this.workerError}`;
  }

  /**
   * Drops the current workers after one died or hung, and starts new ones in
   * the background (kernels run on the calling thread meanwhile) unless that
   * already happened MAX_RESTARTS times. Returns what was done, for messages.
   */
  private recover(why: string): string {
    this.stop();
    this.failures++;
    if (this.failures > MAX_RESTARTS) {
      this.brokenReason = `pool workers failed ${this.failures} times (last: ${why})`;
      return 'The pool now runs every kernel on the calling thread (setThreads(n) tries workers again).';
    }
    this.start(this.wanted).catch((e: unknown) => {
      this.brokenReason = `restarting pool workers failed: ${(e as Error)?.message ?? e}`;
    });
    return 'The pool restarts its workers; kernels run on the calling thread until they are up.';
  }

  /**
   * Waits until every chunk is counted done: a short bounded spin (back-to-back
   * kernels rarely need more), then Atomics.wait so a busy machine gets the core
   * back. Returns 'dead' when a worker died holding a chunk (the other chunks are
   * finished by then), 'stalled' when no chunk finished for stallTimeoutMs.
   */
  private waitDone(ctl: Int32Array, chunks: number): 'dead' | 'stalled' | undefined {
    let done = Atomics.load(ctl, CTL.DONE);
    if (done === chunks) return undefined;
    const spinEnd = performance.now() + CALLER_SPIN_US / 1000;
    for (let i = 0; done !== chunks; i++) {
      done = Atomics.load(ctl, CTL.DONE);
      if ((i & 255) === 255 && performance.now() > spinEnd) break;
    }
    let lastDone = done;
    let lastProgress = performance.now();
    while (done !== chunks) {
      if (Atomics.load(ctl, CTL.DEAD) | Atomics.load(ctl, CTL.DEAD + 1)) {
        let lost = 0;
        for (let t = 1; t < MAX_THREADS; t++) {
          const dead = Atomics.load(ctl, CTL.DEAD + (t >> 5)) & (1 << (t & 31));
          if (dead && Atomics.load(ctl, CTL.RUNNING + t) !== 0) lost++;
        }
        // Chunks the dead worker held will never count; the rest must, or memory is still being written.
        if (done + lost >= chunks) return lost ? 'dead' : undefined;
      }
      if (this.host.canBlock) Atomics.wait(ctl, CTL.DONE, done, WAIT_SLICE_MS);
      done = Atomics.load(ctl, CTL.DONE);
      const now = performance.now();
      if (done !== lastDone) {
        lastDone = done;
        lastProgress = now;
      } else if (now - lastProgress > this.stallTimeoutMs) {
        return 'stalled';
      }
    }
    return undefined;
  }
}
