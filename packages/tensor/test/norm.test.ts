import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { compareOp, tf } from './harness.js';

// The fused kernels against the composed definitions in tfjs (cpu backend),
// values and the gradients of x, gamma and beta: odd row lengths (vector tails),
// several leading axes, a row of one, and rows with a large common offset.
const tfLayerNorm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor | undefined, eps: number) => {
  const { mean, variance } = tf.moments(x, -1, true);
  const y = tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g);
  return b ? tf.add(y, b) : y;
};
const tfRmsNorm = (x: tf.Tensor, g: tf.Tensor, eps: number) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), g);

const shapes = [
  [3, 7],
  [2, 5, 16],
  [4, 1],
  [1, 33],
  [2, 3, 4, 13],
];

describe('layerNorm / rmsNorm (fused) vs the composed tfjs definitions', () => {
  for (const shape of shapes) {
    const d = shape[shape.length - 1]!;
    it(`layerNorm ${JSON.stringify(shape)} with beta`, () => {
      compareOp(
        'layerNorm',
        (x, g, b) => wm.layerNorm(x!, g!, b!, 1e-5),
        (x, g, b) => tfLayerNorm(x!, g!, b!, 1e-5),
        [{ shape }, { shape: [d], range: [0.5, 1.5] }, { shape: [d] }],
        { rtol: 1e-4, atol: 1e-4, gradAtol: d === 1 ? 2e-2 : 1e-3 },
      );
    });
    it(`layerNorm ${JSON.stringify(shape)} without beta, and rmsNorm`, () => {
      compareOp(
        'layerNorm',
        (x, g) => wm.layerNorm(x!, g!, undefined, 1e-3),
        (x, g) => tfLayerNorm(x!, g!, undefined, 1e-3),
        [{ shape }, { shape: [d], range: [0.5, 1.5] }],
        { rtol: 1e-4, atol: 1e-4, gradAtol: 1e-3 },
      );
      compareOp(
        'rmsNorm',
        (x, g) => wm.rmsNorm(x!, g!, 1e-6),
        (x, g) => tfRmsNorm(x!, g!, 1e-6),
        [{ shape }, { shape: [d], range: [0.5, 1.5] }],
        { rtol: 1e-4, atol: 1e-4, gradAtol: 1e-3 },
      );
    });
  }

  it('keeps the variance of rows with a large common offset (two-pass statistics)', () => {
    const row = Array.from({ length: 64 }, (_, i) => 1000 + Math.sin(i));
    const y = wm.layerNorm(wm.tensor(row, [1, 64]), wm.ones([64]), undefined, 0);
    const ref = tfLayerNorm(tf.tensor(row, [1, 64]), tf.ones([64]), undefined, 0).dataSync();
    const got = y.dataSync();
    for (let i = 0; i < 64; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(2e-3);
  });

  it('names the op, shapes and dtypes on bad input', () => {
    expect(() => wm.layerNorm(wm.zeros([2, 4]), wm.ones([3]))).toThrow(/layerNorm: gamma must be float32 \[4\] for x \[2,4\], got \[3\]/);
    expect(() => wm.rmsNorm(wm.zeros([2, 4], 'int32'), wm.ones([4]))).toThrow(/rmsNorm: x must be float32.*int32/);
    expect(() => wm.layerNorm(wm.zeros([2, 4]), wm.ones([4]), wm.ones([4]), -1)).toThrow(/epsilon must be >= 0/);
  });

  it('an empty batch gives an empty result and zero parameter gradients', () => {
    const g = wm.ones([5]);
    const { grads } = wm.valueAndGrads((gamma: wm.Tensor) => wm.sum(wm.layerNorm(wm.zeros([0, 5]), gamma)))([g]);
    expect(Array.from(grads[0]!.dataSync())).toEqual([0, 0, 0, 0, 0]);
  });
});
