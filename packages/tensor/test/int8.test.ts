// The int8 ops against tfjs on the dequantised values: quantise x and W by
// hand, run tfjs's float matMul / conv2d on (q - zp)·s and q·scale, and the
// int8 op must agree to float rounding (its integer sums are exact).
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { tf } from './harness.js';

function rand(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return lo + (hi - lo) * (s / 2 ** 32);
  });
}

/** Symmetric per-column int8 of [k][n] and the u7 input grid of x: the exact values the int8 op multiplies. */
function quantised(x: Float32Array, w: Float32Array, k: number, n: number, quant: { scale: number; zeroPoint: number }) {
  const scales = new Float32Array(n);
  for (let i = 0; i < k * n; i++) scales[i % n] = Math.max(scales[i % n]!, Math.abs(w[i]!) / 127);
  const q = Int8Array.from(w, (v, i) => Math.round(v / scales[i % n]!));
  const inv = Math.fround(1 / quant.scale);
  const xd = Float32Array.from(
    x,
    (v) => (Math.min(127, Math.max(0, Math.round(Math.fround(v * inv)) + quant.zeroPoint)) - quant.zeroPoint) * quant.scale,
  );
  const wd = Float32Array.from(q, (v, i) => v * scales[i % n]!);
  return { q, scales, xd, wd };
}

describe('int8MatMul / int8Conv2d vs tfjs on the dequantised values', () => {
  it('int8MatMul: [3, 5, 37] x [37, 11] + bias, relu', () => {
    const k = 37,
      n = 11,
      quant = { scale: 0.02, zeroPoint: 40 };
    const x = rand(15 * k, 1, -0.8, 1.7),
      w = rand(k * n, 2, -1, 1),
      bias = rand(n, 3, -1, 1);
    const { q, scales, xd, wd } = quantised(x, w, k, n, quant);
    const W = wm.Int8Weights.create({ values: q, scales, k, n, bias });
    const y = wm.int8MatMul(wm.tensor(x, [3, 5, k]), W, quant, 'relu');
    expect(y.shape).toEqual([3, 5, n]);
    const ref = tf.tidy(() => tf.relu(tf.add(tf.matMul(tf.tensor(xd, [15, k]), tf.tensor(wd, [k, n])), tf.tensor(bias))).dataSync());
    const got = y.dataSync();
    for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i]!, 4);
    W.dispose();
    expect(() => wm.int8MatMul(wm.tensor(x, [15, k]), W, quant)).toThrow(/int8MatMul: the int8 weights were disposed/);
  });

  it('int8Conv2d: stride 2, same padding (padding reads the zero point)', () => {
    const [fh, fw, cin, cout] = [3, 3, 5, 6],
      quant = { scale: 0.015, zeroPoint: 20 };
    const k = fh * fw * cin;
    const x = rand(2 * 9 * 8 * cin, 4, -0.3, 1.5),
      w = rand(k * cout, 5, -1, 1);
    const { q, scales, xd, wd } = quantised(x, w, k, cout, quant);
    const W = wm.Int8Weights.create({ values: q, scales, k, n: cout });
    const y = wm.int8Conv2d(wm.tensor(x, [2, 9, 8, cin]), W, [fh, fw], quant, { strides: 2, pad: 'same' });
    const ref = tf.tidy(() => tf.conv2d(tf.tensor4d(xd, [2, 9, 8, cin]), tf.tensor4d(wd, [fh, fw, cin, cout]), 2, 'same'));
    expect(y.shape).toEqual(ref.shape);
    const r = ref.dataSync(),
      got = y.dataSync();
    for (let i = 0; i < r.length; i++) expect(got[i]).toBeCloseTo(r[i]!, 4);
    ref.dispose();
    expect(() => wm.int8Conv2d(wm.tensor(x, [2, 9, 8, cin]), W, [2, 3], quant)).toThrow(
      /int8Conv2d: x \[2,9,8,5\] must be NHWC with cin such that 2\*3\*cin = 45/,
    );
    W.dispose();
  });

  it('rejects bad weights and non-float input', () => {
    expect(() => wm.Int8Weights.create({ values: new Int8Array(5), scales: new Float32Array(2), k: 2, n: 2 })).toThrow(/k\*n = 2\*2/);
    const W = wm.Int8Weights.create({ values: new Int8Array(4), scales: new Float32Array(2), k: 2, n: 2 });
    expect(() => wm.int8MatMul(wm.tensor([1, 2], [1, 2], 'int32'), W, { scale: 1, zeroPoint: 0 })).toThrow(/x must be float32/);
    expect(() => wm.int8MatMul(wm.tensor([1, 2, 3], [1, 3]), W, { scale: 1, zeroPoint: 0 })).toThrow(/must end in the weights' 2 inputs/);
    W.dispose();
  });
});
