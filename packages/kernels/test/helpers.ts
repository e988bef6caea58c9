// Kernel-test plumbing: arrays in and out of the arena, and running a body once
// on the calling thread and once forced onto the pool.
import { alloc, f32View, free, getParallelThreshold, init, setParallelThreshold, setThreads } from '@wasmml/kernels';

export async function setup(threads = 2): Promise<void> {
  await init({ threads });
  await setThreads(threads);
}

/** Copies floats into a fresh arena block; returns its address. */
export function put(data: ArrayLike<number>): number {
  const p = alloc(Math.max(4, data.length * 4));
  f32View(p, data.length).set(data);
  return p;
}

/** An arena block of n floats filled with a sentinel, to catch unwritten outputs. */
export function empty(n: number, fillValue = Number.NaN): number {
  const p = alloc(Math.max(4, n * 4));
  f32View(p, n).fill(fillValue);
  return p;
}

export function get(p: number, n: number): Float32Array {
  return f32View(p, n).slice();
}

export function release(...ptrs: number[]): void {
  for (const p of ptrs) free(p);
}

/** Runs fn with work forced onto one thread, then onto the pool; returns both results. */
export function singleAndThreaded<T>(fn: () => T): { single: T; threaded: T } {
  const saved = getParallelThreshold();
  try {
    setParallelThreshold(Number.MAX_SAFE_INTEGER);
    const single = fn();
    setParallelThreshold(0);
    const threaded = fn();
    return { single, threaded };
  } finally {
    setParallelThreshold(saved);
  }
}
