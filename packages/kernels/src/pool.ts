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
    const n = Math.min(Math.max(1, Math.floor(threads)), MAX_THREADS) - 1;
    if (n === 0) return;
    // A fresh control block per generation of workers: a terminated worker that
    // has not exited yet can never see, or count itself into, a later job.
    this.sab = new SharedArrayBuffer(CTL.BYTES);
    this.ctl = new Int32Array(this.sab);
    this.args = new Float64Array(this.sab, CTL.ARGS_BYTE, MAX_ARGS);
    this.workerError = undefined;
    for (let tid = 1; tid <= n; tid++) {
      const w = this.host.createWorker((e) => (this.workerError = e));
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
    const fn = this.exports[name];
    if (!fn) throw new KernelError(`wasmml: no kernel named ${name}`);
    const cost = opts.cost ?? 1;
    const scratchBytes = opts.scratchBytes ?? 0;
    const p = items * cost >= parallelThreshold ? Math.min(this.size, items) : 1;
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
          case 2: fn(a[0]!, a[1]!, 0, items); break;
          case 3: fn(a[0]!, a[1]!, a[2]!, 0, items); break;
          case 4: fn(a[0]!, a[1]!, a[2]!, a[3]!, 0, items); break;
          case 5: fn(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, 0, items); break;
          case 6: fn(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, 0, items); break;
          default:
            a.push(0, items);
            try {
              fn.apply(undefined, a);
            } finally {
              a.length -= 2;
            }
        }
      }
      return;
    }
    this.stats.splitCalls++;
    this.runSplit(name, fn, args, items, p, scratchBytes);
  }

  private runSplit(name: string, fn: Kernel, args: number[], items: number, p: number, scratchBytes: number): void {
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
      this.waitDone(ctl, chunks);
      if (mainError !== undefined) throw mainError;
      const failed = ctl[CTL.ERROR]!;
      if (failed) {
        const len = new DataView(this.sab!, CTL.ERR_BYTE).getUint32(0, true);
        // TextDecoder refuses views on shared memory: copy out first.
        const msg = new TextDecoder().decode(new Uint8Array(this.sab!, CTL.ERR_BYTE + 4, len).slice());
        throw new KernelError(`wasmml: kernel ${name} failed in pool worker ${failed - 1}: ${msg}`);
      }
    } finally {
      if (scratch) this.free(scratch);
    }
  }

  private waitDone(ctl: Int32Array, chunks: number): void {
    let done = Atomics.load(ctl, CTL.DONE);
    for (let i = 0; done !== chunks && i < 100000; i++) done = Atomics.load(ctl, CTL.DONE);
    if (this.host.canBlock) {
      while (done !== chunks) {
        Atomics.wait(ctl, CTL.DONE, done, 1000);
        done = Atomics.load(ctl, CTL.DONE);
      }
    } else {
      while (done !== chunks) done = Atomics.load(ctl, CTL.DONE);
    }
  }

}
