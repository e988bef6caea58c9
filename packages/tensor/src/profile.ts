// profile(f): what a piece of work spends in kernels, in which scopes (layers)
// and on what memory, in the shape of tfjs's tf.profile plus the split between
// kernel time and everything around the kernels (op dispatch, allocation,
// autograd bookkeeping, JavaScript between ops). Kernel calls are timed by the
// pool's observer hook; scopes come from profileScope (the layers package
// wraps each layer call, the loss and the optimizer step in one).
import { setKernelObserver, type KernelCall } from '@wasmml/kernels';
import { ENGINE, type ProfileHooks } from './engine.js';
import { transferStats, type TransferStats } from './transfer.js';

/** One kernel call under {@link profile} (tfjs `KernelInfo` fields, plus where and how it ran). */
export interface KernelProfile {
  /** Kernel name in the module (`gemm_f32`, `conv2d_f32`, `adam_step`...). */
  name: string;
  /** Wall time of the call in milliseconds (the calling thread's, waiting for the pool included). */
  kernelTimeMs: number;
  /** Work items (rows, pixels, elements) of the call. */
  items: number;
  /** Threads the call ran on. */
  threads: number;
  /** Scope path it ran in (a layer name, `loss`, `optimizer`...; '' outside every scope). */
  scope: string;
  /** 'forward', or 'backward' for kernels of a gradient. */
  phase: 'forward' | 'backward';
  /** Net change in tensor bytes since the previous kernel call: the outputs allocated for this one, less what was freed. */
  bytesAdded: number;
  /** Tensor bytes live after the call. */
  totalBytesSnapshot: number;
  /** Net change in live tensors since the previous kernel call. */
  tensorsAdded: number;
  /** Live tensors after the call. */
  totalTensorsSnapshot: number;
}

/** All calls of one kernel under {@link profile}. */
export interface KernelSummary {
  /** Kernel name. */
  name: string;
  /** Number of calls. */
  calls: number;
  /** Their total time in milliseconds. */
  kernelTimeMs: number;
  /** Their share of all kernel time, 0 to 1. */
  share: number;
}

/** Time spent in one scope (a layer) under {@link profile}, nested scopes excluded. */
export interface ScopeSummary {
  /** Scope path: a layer name (`dense_Dense1`; `model/dense` inside a nested model), `loss`, `optimizer`, `metrics`, or `(outside scopes)`. */
  name: string;
  /** Wall time of the forward pass in it, in milliseconds. */
  forwardMs: number;
  /** Wall time of its gradients, in milliseconds. */
  backwardMs: number;
  /** Kernel time of the forward pass. */
  forwardKernelMs: number;
  /** Kernel time of its gradients. */
  backwardKernelMs: number;
  /** Kernel calls, both phases. */
  kernelCalls: number;
  /** Wall time minus kernel time, both phases: dispatch, allocation and JavaScript around the kernels. */
  overheadMs: number;
}

/** What {@link profile} returns: tfjs's `ProfileInfo` fields plus timings by kernel and by scope. */
export interface ProfileInfo<T = unknown> {
  /** Tensor bytes live after f minus before. */
  newBytes: number;
  /** Live tensors after f minus before. */
  newTensors: number;
  /** Most tensor bytes live at once while f ran. */
  peakBytes: number;
  /** Every kernel call, in order. */
  kernels: KernelProfile[];
  /** The kernels that ran, each once, in order of first call. */
  kernelNames: string[];
  /** What f returned. */
  result: T;
  /** Wall time of f in milliseconds. */
  wallMs: number;
  /** Time inside kernels. */
  kernelMs: number;
  /** Wall time minus kernel time: everything around the kernels. */
  overheadMs: number;
  /** Per kernel name, most time first. */
  byKernel: KernelSummary[];
  /** Per scope (layer), in order of first use; the remainder as `(outside scopes)`. */
  byScope: ScopeSummary[];
  /** Bytes copied between JavaScript and the kernel memory while f ran (see `transferStats`). */
  transfers: TransferStats;
}

interface Frame {
  path: string;
  phase: 'forward' | 'backward';
  start: number;
  /** Wall time of scopes entered inside this one (subtracted: times are exclusive). */
  inner: number;
}

const OUTSIDE = '(outside scopes)';

class Recorder implements ProfileHooks {
  readonly kernels: KernelProfile[] = [];
  readonly scopes = new Map<string, ScopeSummary>();
  private readonly stack: Frame[] = [];
  private lastBytes = ENGINE.numBytes;
  private lastTensors = ENGINE.numTensors;

  current(): string {
    return this.stack[this.stack.length - 1]?.path ?? '';
  }

  private phase(): 'forward' | 'backward' {
    return this.stack[this.stack.length - 1]?.phase ?? 'forward';
  }

  enter(path: string, phase: 'forward' | 'backward'): void {
    this.stack.push({ path, phase, start: performance.now(), inner: 0 });
  }

  exit(): void {
    const f = this.stack.pop();
    if (!f) return;
    const dt = performance.now() - f.start;
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.inner += dt;
    const s = this.scope(f.path);
    if (f.phase === 'forward') s.forwardMs += dt - f.inner;
    else s.backwardMs += dt - f.inner;
  }

  /** The pool's observer: one record per kernel call. */
  readonly observe = (c: KernelCall): void => {
    const scope = this.current(),
      phase = this.phase();
    this.kernels.push({
      name: c.name,
      kernelTimeMs: c.ms,
      items: c.items,
      threads: c.threads,
      scope,
      phase,
      bytesAdded: ENGINE.numBytes - this.lastBytes,
      totalBytesSnapshot: ENGINE.numBytes,
      tensorsAdded: ENGINE.numTensors - this.lastTensors,
      totalTensorsSnapshot: ENGINE.numTensors,
    });
    this.lastBytes = ENGINE.numBytes;
    this.lastTensors = ENGINE.numTensors;
    const s = this.scope(scope);
    s.kernelCalls++;
    if (phase === 'forward') s.forwardKernelMs += c.ms;
    else s.backwardKernelMs += c.ms;
  };

  scope(path: string): ScopeSummary {
    const name = path === '' ? OUTSIDE : path;
    let s = this.scopes.get(name);
    if (!s) {
      s = { name, forwardMs: 0, backwardMs: 0, forwardKernelMs: 0, backwardKernelMs: 0, kernelCalls: 0, overheadMs: 0 };
      this.scopes.set(name, s);
    }
    return s;
  }
}

/**
 * Runs `fn` as the scope `name` of a running {@link profile} (a layer's call, a loss, an optimizer step): its kernel
 * calls, its wall time and its ops' gradients are reported under that name. Scopes nest (`model/dense`). Outside a
 * profile it just calls `fn`.
 */
export function profileScope<T>(name: string, fn: () => T): T {
  const p = ENGINE.profiler;
  if (p === null) return fn();
  const parent = p.current();
  p.enter(parent === '' ? name : `${parent}/${name}`, 'forward');
  try {
    return fn();
  } finally {
    p.exit();
  }
}

/**
 * Runs `f` (sync or async) and reports what it did (tfjs `tf.profile`): every kernel call with its time, threads,
 * scope and memory change; totals by kernel and by scope (layer: forward and backward, kernel time and the overhead
 * around it); new and peak tensor bytes; bytes copied to and from JavaScript. Timing every call costs a little (two
 * clock reads), so figures under a profile run slightly slower than without. One profile at a time.
 */
export async function profile<T>(f: () => T | Promise<T>): Promise<ProfileInfo<Awaited<T>>> {
  if (ENGINE.profiler !== null) throw new Error('profile: another profile() is running; profiles do not nest');
  const rec = new Recorder();
  const bytes0 = ENGINE.numBytes,
    tensors0 = ENGINE.numTensors,
    moved0 = transferStats();
  ENGINE.peakBytes = ENGINE.numBytes;
  ENGINE.profiler = rec;
  const previous = setKernelObserver(rec.observe);
  const t0 = performance.now();
  let result: Awaited<T>;
  try {
    result = await f();
  } finally {
    setKernelObserver(previous);
    ENGINE.profiler = null;
  }
  const wallMs = performance.now() - t0;
  const moved1 = transferStats();
  let kernelMs = 0;
  const byName = new Map<string, KernelSummary>();
  for (const k of rec.kernels) {
    kernelMs += k.kernelTimeMs;
    let s = byName.get(k.name);
    if (!s) byName.set(k.name, (s = { name: k.name, calls: 0, kernelTimeMs: 0, share: 0 }));
    s.calls++;
    s.kernelTimeMs += k.kernelTimeMs;
  }
  for (const s of byName.values()) s.share = kernelMs > 0 ? s.kernelTimeMs / kernelMs : 0;
  // What ran outside every scope: the wall time the scopes do not account for.
  const scoped = [...rec.scopes.values()].reduce((t, s) => t + s.forwardMs + s.backwardMs, 0);
  const outside = rec.scope('');
  outside.forwardMs += Math.max(0, wallMs - scoped);
  for (const s of rec.scopes.values()) s.overheadMs = s.forwardMs + s.backwardMs - s.forwardKernelMs - s.backwardKernelMs;
  return {
    newBytes: ENGINE.numBytes - bytes0,
    newTensors: ENGINE.numTensors - tensors0,
    peakBytes: ENGINE.peakBytes,
    kernels: rec.kernels,
    kernelNames: [...byName.keys()],
    result,
    wallMs,
    kernelMs,
    overheadMs: wallMs - kernelMs,
    byKernel: [...byName.values()].sort((a, b) => b.kernelTimeMs - a.kernelTimeMs),
    byScope: [...rec.scopes.values()],
    transfers: {
      uploads: moved1.uploads - moved0.uploads,
      bytesUploaded: moved1.bytesUploaded - moved0.bytesUploaded,
      readbacks: moved1.readbacks - moved0.readbacks,
      bytesReadBack: moved1.bytesReadBack - moved0.bytesReadBack,
    },
  };
}
