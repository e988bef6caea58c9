import { beforeAll, describe, expect, it } from 'vitest';
import { alloc, collapsePermutation, free, transpose, u8View } from '@wasmml/kernels';
import { randomFloats, rng } from '@wasmml/test-utils';
import { get, put, release, setup, singleAndThreaded } from './helpers.js';

beforeAll(() => setup(2));

/** Plain reference: out[newLoc] = x[loc] with newLoc[k] = loc[perm[k]]. */
function refTranspose<T extends ArrayLike<number>>(x: T, shape: number[], perm: number[]): number[] {
  const rank = shape.length;
  const outShape = perm.map((d) => shape[d]!);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, v) => a * v, 1));
  const size = shape.reduce((a, v) => a * v, 1);
  const out = new Array<number>(size);
  const loc = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += loc[k]! * strides[perm[k]!]!;
    out[i] = x[src]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++loc[k]! < outShape[k]!) break;
      loc[k] = 0;
    }
  }
  return out;
}

/** First index where a and b differ (NaN-safe, bit-level for floats via Object.is), or -1. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function check4(shape: number[], perm: number[], seed = 1) {
  const size = shape.reduce((a, v) => a * v, 1);
  const X = randomFloats(size, seed);
  const x = put(X);
  const { single, threaded } = singleAndThreaded(() => {
    const y = alloc(Math.max(16, size * 4));
    transpose(x, y, shape, perm);
    const out = get(y, size);
    free(y);
    return out;
  });
  expect(firstDiff(single, refTranspose(X, shape, perm)), `[${shape}] perm [${perm}]`).toBe(-1);
  expect(firstDiff(threaded, single)).toBe(-1);
  release(x);
}

function check1(shape: number[], perm: number[], seed = 1) {
  const size = shape.reduce((a, v) => a * v, 1);
  const r = rng(seed);
  const X = Uint8Array.from({ length: size }, () => Math.floor(r() * 256));
  const x = alloc(Math.max(16, size));
  u8View(x, size).set(X);
  const { single, threaded } = singleAndThreaded(() => {
    const y = alloc(Math.max(16, size));
    transpose(x, y, shape, perm, 1);
    const out = u8View(y, size).slice();
    free(y);
    return out;
  });
  expect(firstDiff(single, refTranspose(X, shape, perm)), `u8 [${shape}] perm [${perm}]`).toBe(-1);
  expect(firstDiff(threaded, single)).toBe(-1);
  free(x);
}

const cases: Array<[number[], number[]]> = [
  [[1], [0]],
  [[5], [0]],
  [
    [1, 1],
    [1, 0],
  ],
  [
    [1, 7],
    [1, 0],
  ],
  [
    [3, 5],
    [1, 0],
  ],
  [
    [4, 4],
    [1, 0],
  ],
  [
    [17, 33],
    [1, 0],
  ],
  [
    [16, 16],
    [1, 0],
  ],
  [
    [67, 130],
    [1, 0],
  ],
  [
    [2, 3, 5],
    [0, 2, 1],
  ],
  [
    [2, 3, 5],
    [2, 1, 0],
  ],
  [
    [2, 3, 5],
    [1, 0, 2],
  ],
  [
    [2, 3, 5],
    [1, 2, 0],
  ],
  [
    [3, 1, 4, 5],
    [0, 3, 1, 2],
  ],
  [
    [2, 5, 6, 7],
    [0, 2, 3, 1],
  ],
  [
    [2, 3, 4, 5, 6],
    [4, 2, 0, 3, 1],
  ],
  [
    [2, 3, 2, 3, 2, 3],
    [5, 4, 3, 2, 1, 0],
  ],
  [
    [2, 1, 3, 2, 1, 3, 2],
    [6, 2, 5, 0, 3, 4, 1],
  ],
  [
    [0, 3],
    [1, 0],
  ],
  [
    [300, 70, 3],
    [2, 0, 1],
  ],
];

describe('transpose', () => {
  it('collapses size-1 dims and dims that stay adjacent', () => {
    expect(collapsePermutation([2, 3, 4, 5], [0, 3, 1, 2])).toEqual({ shape: [2, 12, 5], perm: [0, 2, 1] });
    expect(collapsePermutation([2, 3, 4], [0, 1, 2])).toEqual({ shape: [24], perm: [0] });
    expect(collapsePermutation([2, 1, 3], [2, 1, 0])).toEqual({ shape: [2, 3], perm: [1, 0] });
    expect(collapsePermutation([4, 5, 6], [1, 2, 0])).toEqual({ shape: [4, 30], perm: [1, 0] });
  });

  for (const [shape, perm] of cases) {
    it(`4-byte and 1-byte, [${shape}] perm [${perm}]`, () => {
      check4(shape, perm);
      check1(shape, perm);
    });
  }

  it('large tiled 2-D (threaded) and batched 2-D', () => {
    check4([520, 1030], [1, 0], 3);
    check4([3, 129, 67], [0, 2, 1], 4);
    check1([200, 300], [1, 0], 5);
  });

  it('rejects bad permutations and too many dims after collapsing', () => {
    expect(() => transpose(0, 0, [2, 3], [0, 0])).toThrow(/not a permutation/);
    expect(() => transpose(0, 0, [2, 3], [1])).toThrow(/not a permutation/);
    expect(() => transpose(0, 0, [2, 2, 2, 2, 2, 2, 2], [6, 5, 4, 3, 2, 1, 0])).toThrow(/rank 7 after collapsing/);
  });
});
