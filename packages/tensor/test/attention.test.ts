// dotProductAttention (the fused kernel) against the same attention composed
// from tfjs ops: values and gradients in q, k and v, causal and not, with a
// cache-shaped S > T, odd head sizes, one position, and empty inputs.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { compareOp, tf } from './harness.js';

// [B, T, H, D] in Keras's layout; the end-aligned causal mask when asked.
function tfAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, causal: boolean, scale?: number): tf.Tensor {
  const [, T, , D] = q.shape as number[];
  const S = k.shape[1] as number;
  const qh = tf.transpose(q, [0, 2, 1, 3]),
    kh = tf.transpose(k, [0, 2, 1, 3]),
    vh = tf.transpose(v, [0, 2, 1, 3]);
  let s = tf.mul(tf.matMul(qh, kh, false, true), scale ?? 1 / Math.sqrt(D as number));
  if (causal) {
    const m = new Float32Array((T as number) * S);
    for (let t = 0; t < (T as number); t++) for (let j = S - (T as number) + t + 1; j < S; j++) m[t * S + j] = -1e9;
    s = tf.add(s, tf.tensor(m, [T as number, S]));
  }
  return tf.transpose(tf.matMul(tf.softmax(s), vh), [0, 2, 1, 3]);
}

describe('dotProductAttention vs attention composed from tfjs ops', () => {
  const cases: Array<[string, number[], number, boolean]> = [
    ['causal, T = S', [2, 7, 3, 8], 7, true],
    ['not causal', [2, 5, 2, 4], 6, false],
    ['causal with 4 cached positions (S > T)', [1, 3, 2, 8], 7, true],
    ['odd head size 5', [3, 9, 2, 5], 9, true],
    ['head size 1, one head', [2, 6, 1, 1], 6, true],
    ['one position', [4, 1, 3, 16], 1, true],
    ['long rows (S = 130)', [1, 130, 2, 12], 130, true],
    // 8-, 4- and 1-column paths of the value products, an odd key count.
    ['head size 13, 11 keys', [2, 6, 2, 13], 11, false],
    ['head size 13, causal, T % 4 = 2', [2, 10, 3, 13], 13, true],
  ];
  for (const [what, [B, T, H, D], S, causal] of cases) {
    it(`${what}: [${B}, ${T}, ${H}, ${D}] with ${S} keys`, () => {
      compareOp(
        'dotProductAttention',
        (q, k, v) => wm.dotProductAttention(q!, k!, v!, { causal }),
        (q, k, v) => tfAttention(q!, k!, v!, causal),
        [
          { shape: [B as number, T as number, H as number, D as number], range: [-2, 2] },
          { shape: [B as number, S, H as number, D as number], range: [-2, 2] },
          { shape: [B as number, S, H as number, D as number], range: [-1, 1] },
        ],
        { atol: 2e-5, gradAtol: 1e-4 },
      );
    });
  }

  it('takes a scale', () => {
    compareOp(
      'dotProductAttention scale',
      (q, k, v) => wm.dotProductAttention(q!, k!, v!, { causal: true, scale: 0.7 }),
      (q, k, v) => tfAttention(q!, k!, v!, true, 0.7),
      [
        { shape: [2, 4, 2, 6], range: [-2, 2] },
        { shape: [2, 4, 2, 6], range: [-2, 2] },
        { shape: [2, 4, 2, 6], range: [-1, 1] },
      ],
    );
  });

  it('a query that sees no key gives zeros and a zero gradient; empty batches give empty results', () => {
    // Causal with T > S: the first T - S queries come before every key.
    const q = wm.randomNormal([1, 3, 1, 4], 0, 1, 'float32', 1),
      k = wm.randomNormal([1, 2, 1, 4], 0, 1, 'float32', 2),
      v = wm.randomNormal([1, 2, 1, 4], 0, 1, 'float32', 3);
    const y = wm.dotProductAttention(q, k, v, { causal: true });
    expect(Array.from(y.dataSync().slice(0, 4))).toEqual([0, 0, 0, 0]);
    const [dq] = wm.grads((a: wm.Tensor) => wm.sum(wm.dotProductAttention(a, k, v, { causal: true })))([q]);
    expect(Array.from((dq as wm.Tensor).dataSync().slice(0, 4))).toEqual([0, 0, 0, 0]);
    const e = wm.dotProductAttention(wm.zeros([0, 3, 2, 4]), wm.zeros([0, 3, 2, 4]), wm.zeros([0, 3, 2, 4]));
    expect(e.shape).toEqual([0, 3, 2, 4]);
    wm.dispose([q, k, v, y, dq as wm.Tensor, e]);
  });

  it('names the op, the shapes and the dtypes in its errors', () => {
    const q = wm.zeros([1, 2, 2, 4]);
    expect(() => wm.dotProductAttention(q, wm.zeros([1, 2, 3, 4]), wm.zeros([1, 2, 3, 4]))).toThrow(
      /dotProductAttention: key and value must be \[1, S, 2, 4\].*key \[1,2,3,4\] \(float32\)/,
    );
    expect(() => wm.dotProductAttention(q, q, wm.zeros([1, 3, 2, 4]))).toThrow(/value \[1,3,2,4\]/);
    expect(() => wm.dotProductAttention(wm.zeros([2, 2, 4]), q, q)).toThrow(/rank-4.*query \[2,2,4\]/);
    expect(() => wm.dotProductAttention(wm.zeros([1, 2, 2, 4], 'int32'), q, q)).toThrow(/float32.*query \[1,2,2,4\] \(int32\)/);
    expect(() => wm.dotProductAttention(q, q, q, { casual: true } as never)).toThrow(/casual.*causal/);
    q.dispose();
  });
});
