// Kernel-test plumbing: arrays in and out of the arena, and running a body once
// on the calling thread and once forced onto the pool.
import { alloc, f32View, free, getParallelThreshold, init, setParallelThreshold, setThreads } from '@wasmml/kernels';
import { singleAndThreaded as both } from '@wasmml/test-utils/threads';
import { expect } from 'vitest';

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

/** Runs fn with work forced onto one thread, then onto the pool; returns both results. */
export const singleAndThreaded = <T>(fn: () => T) => both({ getParallelThreshold, setParallelThreshold }, fn);

export function get(p: number, n: number): Float32Array {
  return f32View(p, n).slice();
}

export function release(...ptrs: number[]): void {
  for (const p of ptrs) free(p);
}

/**
 * A recurrent kernel's hPrev [B, T, u]: at time t, the state that step
 * started from — h0 for the first step taken (t = T-1 with goBackwards),
 * else the h the previous step stored (h is in step order).
 */
export function expectHPrev(
  hPrev: Float32Array,
  h: Float32Array,
  h0: Float32Array,
  B: number,
  T: number,
  u: number,
  goBackwards: boolean,
): void {
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < T; k++) {
      const t = goBackwards ? T - 1 - k : k;
      const src = k === 0 ? h0.subarray(b * u, (b + 1) * u) : h.subarray((b * T + k - 1) * u, (b * T + k) * u);
      expect(Array.from(hPrev.subarray((b * T + t) * u, (b * T + t + 1) * u))).toEqual(Array.from(src));
    }
  }
}
