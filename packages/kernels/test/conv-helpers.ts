// Plumbing shared by the convolution and pooling tests.
import { expect } from 'vitest';
import { empty, get, release, singleAndThreaded } from './helpers.js';

/** Runs op into a fresh NaN-filled output of n floats, on one thread and then on the pool. */
export function both(n: number, op: (out: number) => void): { single: Float32Array; threaded: Float32Array } {
  return singleAndThreaded(() => {
    const out = empty(n);
    op(out);
    const r = get(out, n);
    release(out);
    return r;
  });
}

/**
 * Threaded results must be the same bytes as single-threaded ones. (toEqual
 * takes about a second per 200k floats; this compares the bits directly and
 * reports the first difference.)
 */
export function expectSameBytes(actual: Float32Array, expected: Float32Array, what = ''): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  expect(a.length, `${what} length`).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) expect(actual[i], `${what} differs at ${i}`).toBe(expected[i]);
  }
}
