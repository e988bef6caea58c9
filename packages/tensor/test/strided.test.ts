// copyBlock (the engine of slice, pad, concat, reverse and tile) against a
// plain per-index copy: size-1 dimensions, dimensions it merges into one run,
// reversed (negative) and broadcast (zero) strides.
import { describe, expect, it } from 'vitest';
import { copyBlock } from '../src/strided.js';

function naive(src: Float32Array, sOff: number, sStr: number[], dst: Float32Array, dOff: number, dStr: number[], shape: number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < size; flat++) {
    let rest = flat,
      s = sOff,
      d = dOff;
    for (let k = shape.length - 1; k >= 0; k--) {
      const i = rest % shape[k]!;
      rest = Math.floor(rest / shape[k]!);
      s += i * sStr[k]!;
      d += i * dStr[k]!;
    }
    dst[d] = src[s]!;
  }
}

const contiguous = (shape: number[]) => shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));

describe('copyBlock', () => {
  const cases: Array<{
    name: string;
    shape: number[];
    sStr: (full: number[]) => number[];
    sOff: (full: number[]) => number;
    full: number[];
  }> = [
    {
      name: 'rows of [n, 28, 28, 1] (merges into one run)',
      full: [7, 28, 28, 1],
      shape: [3, 28, 28, 1],
      sStr: contiguous,
      sOff: () => 2 * 784,
    },
    {
      name: 'an inner window (no merge across the cut)',
      full: [4, 9, 10, 3],
      shape: [2, 5, 7, 3],
      sStr: contiguous,
      sOff: () => 270 + 30 + 3,
    },
    { name: 'a size-1 axis in the middle', full: [5, 1, 17], shape: [5, 1, 17], sStr: contiguous, sOff: () => 0 },
    { name: 'reversed inner axis', full: [6, 33], shape: [6, 33], sStr: () => [33, -1], sOff: () => 32 },
    { name: 'reversed outer axes', full: [4, 5, 20], shape: [4, 5, 20], sStr: () => [-100, -20, 1], sOff: () => 380 },
    { name: 'broadcast (zero strides) on two axes', full: [1, 1, 40], shape: [3, 4, 40], sStr: () => [0, 0, 1], sOff: () => 0 },
    { name: 'strided steps', full: [10, 40], shape: [5, 20], sStr: () => [80, 2], sOff: () => 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const src = Float32Array.from({ length: c.full.reduce((a, b) => a * b, 1) }, (_, i) => i + 1);
      const size = c.shape.reduce((a, b) => a * b, 1);
      const want = new Float32Array(size + 5),
        got = new Float32Array(size + 5);
      const dStr = contiguous(c.shape);
      naive(src, c.sOff(c.full), c.sStr(c.full), want, 2, dStr, c.shape);
      copyBlock(src, c.sOff(c.full), c.sStr(c.full), got, 2, dStr, c.shape);
      expect(got).toEqual(want);
      expect(got.some((v) => v !== 0)).toBe(true);
    });
  }
});
