import { describe, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { compareOp, tf } from './harness.js';

describe('fused matMul + bias + activation vs tfjs fused.matMul', () => {
  for (const activation of ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'leakyrelu'] as const) {
    it(activation, () => {
      for (const [tA, tB] of [
        [false, false],
        [true, false],
        [false, true],
      ] as const) {
        const sa = tA ? [7, 5] : [5, 7],
          sb = tB ? [9, 7] : [7, 9];
        compareOp(
          `fusedMatMul ${activation}`,
          (a, b, c) => wm.fusedMatMul({ a: a!, b: b!, bias: c!, activation, transposeA: tA, transposeB: tB, leakyreluAlpha: 0.3 }),
          // tfjs's cpu backend has no fused tanh: compose it there.
          (a, b, c) =>
            activation === 'tanh'
              ? tf.tanh(tf.add(tf.matMul(a!, b!, tA, tB), c!))
              : tf.fused.matMul({
                  a: a! as tf.Tensor2D,
                  b: b! as tf.Tensor2D,
                  bias: c!,
                  activation,
                  transposeA: tA,
                  transposeB: tB,
                  leakyreluAlpha: 0.3,
                }),
          [
            { shape: sa, range: [-1, 1] },
            { shape: sb, range: [-1, 1] },
            { shape: [9], range: [-1, 1] },
          ],
          { atol: 1e-5 },
        );
      }
    });
  }
  it('fused conv2d with elu and sigmoid', () => {
    for (const activation of ['elu', 'sigmoid'] as const) {
      compareOp(
        `fusedConv2d ${activation}`,
        (x, f, b) => wm.fusedConv2d({ x: x!, filter: f!, strides: 1, pad: 'valid', bias: b!, activation }),
        (x, f, b) => tf.fused.conv2d({ x: x! as tf.Tensor4D, filter: f! as tf.Tensor4D, strides: 1, pad: 'valid', bias: b!, activation }),
        [{ shape: [1, 5, 5, 2] }, { shape: [3, 3, 2, 3] }, { shape: [3] }],
        { atol: 1e-4 },
      );
    }
  });
});
