import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { checkGradNumeric, compareOp, tf } from './harness.js';

describe('data movement ops vs tfjs (values and gradients)', () => {
  it('slice', () => {
    compareOp(
      'slice',
      (x) => wm.slice(x!, [1, 0, 2], [2, -1, 3]),
      (x) => tf.slice(x!, [1, 0, 2], [2, -1, 3]),
      [{ shape: [4, 3, 7] }],
    );
    compareOp(
      'slice 1d',
      (x) => wm.slice(x!, 2),
      (x) => tf.slice(x!, 2),
      [{ shape: [9] }],
    );
    compareOp(
      'slice int',
      (x) => wm.slice(x!, [0, 1], [1, 2]),
      (x) => tf.slice(x!, [0, 1], [1, 2]),
      [{ shape: [2, 3], dtype: 'int32' }],
    );
    compareOp(
      'slice empty',
      (x) => wm.slice(x!, [1, 0], [0, 3]),
      (x) => tf.slice(x!, [1, 0], [0, 3]),
      [{ shape: [2, 3] }],
    );
  });

  it('stridedSlice with masks', () => {
    const cases: Array<[number[], number[], number[], number[], number, number, number, number, number]> = [
      [[5, 6], [1, 0], [4, 6], [1, 2], 0, 0, 0, 0, 0],
      [[5, 6], [4, 5], [0, 0], [-1, -2], 0, 0, 0, 0, 0],
      [[5, 6], [0, 0], [0, 0], [1, 1], 1, 2, 0, 0, 0],
      [[5, 6, 7], [2, 1], [3, 4], [1, 1], 0, 0, 0, 0, 1],
      [[4, 6], [0, 0, 1], [0, 0, 5], [1, 1, 2], 0, 0, 0, 2, 0],
      [[3, 4, 5], [0, 1], [0, 3], [1, 1], 0, 0, 1, 0, 0],
      [[6], [-4], [-1], [1], 0, 0, 0, 0, 0],
    ];
    for (const [shape, b, e, s, bm, em, ell, na, sh] of cases) {
      compareOp(
        `stridedSlice ${shape} ${b} ${e} ${s} ${bm} ${em} ${ell} ${na} ${sh}`,
        (x) => wm.stridedSlice(x!, b, e, s, bm, em, ell, na, sh),
        (x) => tf.stridedSlice(x!, b, e, s, bm, em, ell, na, sh),
        [{ shape }],
        { grad: false },
      );
      // tfjs registers no StridedSlice gradient: check ours numerically.
      checkGradNumeric('stridedSlice grad', (x) => wm.stridedSlice(x, b, e, s, bm, em, ell, na, sh), shape);
    }
  });

  it('concat, stack, unstack, split', () => {
    compareOp(
      'concat',
      (a, b, c) => wm.concat([a!, b!, c!], 1),
      (a, b, c) => tf.concat([a!, b!, c!], 1),
      [{ shape: [2, 3, 4] }, { shape: [2, 1, 4] }, { shape: [2, 5, 4] }],
    );
    compareOp(
      'concat -1',
      (a, b) => wm.concat([a!, b!], -1),
      (a, b) => tf.concat([a!, b!], -1),
      [{ shape: [3, 2] }, { shape: [3, 5] }],
    );
    compareOp(
      'stack',
      (a, b) => wm.stack([a!, b!], 1),
      (a, b) => tf.stack([a!, b!], 1),
      [{ shape: [2, 3] }, { shape: [2, 3] }],
    );
    compareOp(
      'unstack',
      (x) =>
        wm.stack(
          wm.unstack(x!, 1).map((t, i) => t.mul(i + 1)),
          0,
        ),
      (x) =>
        tf.stack(
          tf.unstack(x!, 1).map((t, i) => tf.mul(t, i + 1)),
          0,
        ),
      [{ shape: [2, 3, 4] }],
    );
    compareOp(
      'split',
      (x) => {
        const [a, b] = wm.split(x!, [1, -1], 1);
        return wm.concat([b!.mul(3), a!], 1);
      },
      (x) => {
        const [a, b] = tf.split(x!, [1, -1], 1);
        return tf.concat([tf.mul(b!, 3), a!], 1);
      },
      [{ shape: [2, 4, 3] }],
    );
    expect(() => wm.concat([wm.zeros([2, 3]), wm.zeros([3, 3])], 1)).toThrow(/concat: shapes \[2,3\], \[3,3\] differ outside axis 1/);
  });

  it('pad, reverse, tile', () => {
    compareOp(
      'pad',
      (x) =>
        wm.pad(
          x!,
          [
            [1, 2],
            [0, 3],
          ],
          5,
        ),
      (x) =>
        tf.pad(
          x!,
          [
            [1, 2],
            [0, 3],
          ],
          5,
        ),
      [{ shape: [2, 3] }],
    );
    compareOp(
      'reverse',
      (x) => wm.reverse(x!, [0, 2]),
      (x) => tf.reverse(x!, [0, 2]),
      [{ shape: [3, 4, 5] }],
    );
    compareOp(
      'reverse all',
      (x) => wm.reverse(x!),
      (x) => tf.reverse(x!),
      [{ shape: [7] }],
    );
    compareOp(
      'tile',
      (x) => wm.tile(x!, [2, 1, 3]),
      (x) => tf.tile(x!, [2, 1, 3]),
      [{ shape: [2, 3, 2] }],
    );
    compareOp(
      'tile int',
      (x) => wm.tile(x!, [3]),
      (x) => tf.tile(x!, [3]),
      [{ shape: [4], dtype: 'int32' }],
    );
  });
});
