import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { checkGradNumeric, compareOp, tf } from './harness.js';

describe('convolutions and pooling vs tfjs (values and both gradients)', () => {
  const cases: Array<[number[], number[], number | [number, number], 'same' | 'valid', number | [number, number]]> = [
    [[2, 7, 7, 3], [3, 3, 3, 4], 1, 'valid', 1],
    [[1, 8, 9, 2], [3, 2, 2, 5], 2, 'same', 1],
    [[2, 10, 10, 1], [3, 3, 1, 6], 1, 'same', 2],
    [[3, 5, 6, 4], [1, 1, 4, 3], [2, 1], 'valid', 1],
    [[1, 4, 4, 3], [5, 5, 3, 2], 1, 'same', 1],
  ];
  for (const [xs, fs, strides, pad, dil] of cases) {
    it(`conv2d x${JSON.stringify(xs)} f${JSON.stringify(fs)} s${strides} ${pad} d${dil}`, () => {
      // tfjs has no gradient for dilated convolutions: ours is checked numerically there.
      compareOp(
        'conv2d',
        (x, f) => wm.conv2d(x!, f!, strides, pad, 'NHWC', dil),
        (x, f) => tf.conv2d(x! as tf.Tensor4D, f! as tf.Tensor4D, strides, pad, 'NHWC', dil),
        [{ shape: xs }, { shape: fs }],
        { rtol: 1e-4, atol: 1e-4, grad: dil === 1 },
      );
      if (dil !== 1) {
        const f = wm.randomNormal(fs, 0, 1, 'float32', 3),
          x = wm.randomNormal(xs, 0, 1, 'float32', 4);
        checkGradNumeric('dilated conv2d dx', (t) => wm.conv2d(t, f, strides, pad, 'NHWC', dil), xs);
        checkGradNumeric('dilated conv2d df', (t) => wm.conv2d(x, t, strides, pad, 'NHWC', dil), fs);
        wm.dispose([f, x]);
      }
    });
  }

  it('fused conv2d with bias and relu', () => {
    compareOp(
      'fusedConv2d',
      (x, f, b) => wm.fusedConv2d({ x: x!, filter: f!, strides: 1, pad: 'same', bias: b!, activation: 'relu' }),
      (x, f, b) =>
        tf.fused.conv2d({ x: x! as tf.Tensor4D, filter: f! as tf.Tensor4D, strides: 1, pad: 'same', bias: b!, activation: 'relu' }),
      [{ shape: [2, 6, 6, 3] }, { shape: [3, 3, 3, 4] }, { shape: [4] }],
      { atol: 1e-4 },
    );
  });

  it('conv1d, conv2dTranspose, depthwiseConv2d', () => {
    compareOp(
      'conv1d',
      (x, f) => wm.conv1d(x!, f!, 2, 'same'),
      (x, f) => tf.conv1d(x! as tf.Tensor3D, f! as tf.Tensor3D, 2, 'same'),
      [{ shape: [2, 9, 3] }, { shape: [3, 3, 4] }],
      { atol: 1e-4 },
    );
    compareOp(
      'conv2dTranspose',
      (x, f) => wm.conv2dTranspose(x!, f!, [2, 8, 8, 3], 2, 'same'),
      (x, f) => tf.conv2dTranspose(x! as tf.Tensor4D, f! as tf.Tensor4D, [2, 8, 8, 3], 2, 'same'),
      [{ shape: [2, 4, 4, 5] }, { shape: [3, 3, 3, 5] }],
      { atol: 1e-4 },
    );
    compareOp(
      'depthwiseConv2d',
      (x, f) => wm.depthwiseConv2d(x!, f!, 1, 'valid'),
      (x, f) => tf.depthwiseConv2d(x! as tf.Tensor4D, f! as tf.Tensor4D, 1, 'valid'),
      [{ shape: [2, 6, 5, 3] }, { shape: [3, 3, 3, 2] }],
      { atol: 1e-4 },
    );
  });

  it('maxPool and avgPool', () => {
    for (const [xs, k, s, pad] of [
      [[2, 6, 6, 3], 2, 2, 'valid'],
      [[1, 7, 5, 2], 3, 2, 'same'],
      [[2, 5, 5, 4], [2, 3], 1, 'valid'],
    ] as const) {
      compareOp(
        'maxPool',
        (x) => wm.maxPool(x!, k as never, s, pad),
        (x) => tf.maxPool(x! as tf.Tensor4D, k as never, s, pad),
        [{ shape: [...xs] }],
      );
      // With 'same' padding tfjs's AvgPool gradient divides by the whole window while its
      // forward pass divides by the in-image count; ours matches its own forward pass.
      compareOp(
        'avgPool',
        (x) => wm.avgPool(x!, k as never, s, pad),
        (x) => tf.avgPool(x! as tf.Tensor4D, k as never, s, pad),
        [{ shape: [...xs] }],
        { grad: pad === 'valid' },
      );
      checkGradNumeric('avgPool', (x) => wm.avgPool(x, k as never, s, pad), [...xs]);
    }
  });

  it('bad shapes give clear errors', () => {
    const x = wm.ones([1, 5, 5, 3]),
      f = wm.ones([3, 3, 2, 4]);
    expect(() => wm.conv2d(x, f, 1, 'valid')).toThrow(/conv2d: filter \[3,3,2,4\] must be \[height, width, 3/);
    wm.dispose([x, f]);
  });
});
