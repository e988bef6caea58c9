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

describe('int8 chains: u7 activations from one int8 op to the next', () => {
  const quant = { scale: 0.01, zeroPoint: 12 };

  it('quantizeActivations: clamp(round(x / scale) + zeroPoint, 0, 127), ties to even; dequantize inverts it on the grid', () => {
    const x = wm.tensor([-1, -0.12, -0.005, 0, 0.005, 0.015, 0.333, 5], [2, 4]);
    const q = wm.quantizeActivations(x, quant);
    expect(q.shape).toEqual([2, 4]);
    expect(q.quant).toEqual(quant);
    // -0.005 / 0.01 = -0.5 -> 0 (even), 0.005 -> 0, 0.015 -> 2 (1.5 to even)
    expect(Array.from(q.values())).toEqual([0, 0, 12, 12, 12, 14, 45, 127]);
    const back = q.dequantize();
    expect(Array.from(back.dataSync())).toEqual(
      [-12, -12, 0, 0, 0, 2, 33, 115].map((v) => Math.fround(v) * Math.fround(0.01)).map(Math.fround),
    );
    expect(() => wm.quantizeActivations(x, { scale: -1, zeroPoint: 0 })).toThrow(
      /quantizeActivations: the input quantisation needs scale > 0/,
    );
    x.dispose();
    q.dispose();
    back.dispose();
  });

  it('an int8 op on a QuantizedTensor = the same op on its dequantised values; u7 output = the float output quantised', () => {
    const k = 40,
      n = 19;
    const x = rand(6 * k, 7, 0, 1.1),
      w = rand(k * n, 8, -1, 1),
      bias = rand(n, 9, -0.5, 0.5);
    const { q, scales } = quantised(x, w, k, n, quant);
    const W = wm.Int8Weights.create({ values: q, scales, k, n, bias });
    const xt = wm.tensor(x, [6, k]);
    const qx = wm.quantizeActivations(xt, quant);
    const fromFloat = wm.int8MatMul(xt, W, quant, 'relu');
    const fromBytes = wm.int8MatMul(qx, W, quant, 'relu');
    expect(Array.from(fromBytes.dataSync())).toEqual(Array.from(fromFloat.dataSync()));
    const out = { scale: 0.05, zeroPoint: 3 };
    const qy = wm.int8MatMul(qx, W, quant, 'relu', out);
    expect(qy).toBeInstanceOf(wm.QuantizedTensor);
    expect(qy.shape).toEqual([6, n]);
    // Requantised in the epilogue (one float rounding apart from quantising the float result).
    const viaFloat = wm.quantizeActivations(fromFloat, out).values();
    const direct = qy.values();
    let same = 0;
    direct.forEach((v, i) => {
      expect(Math.abs(v - viaFloat[i]!)).toBeLessThanOrEqual(1);
      if (v === viaFloat[i]) same++;
    });
    expect(same / direct.length).toBeGreaterThan(0.97);
    expect(Math.min(...direct)).toBe(out.zeroPoint); // relu: nothing below the zero point
    expect(() => wm.int8MatMul(qx, W, { scale: 0.02, zeroPoint: 12 })).toThrow(
      /int8MatMul: x is quantised with scale 0.01, zeroPoint 12, not the given scale 0.02/,
    );
    W.dispose();
    wm.dispose([xt, fromFloat, fromBytes]);
    qx.dispose();
    qy.dispose();
  });

  it('int8Conv2d with maxPool2x2 = maxPool of its result, bit for bit (f32 and u7); int8MaxPool pools the bytes', () => {
    const [fh, fw, cin, cout] = [3, 3, 2, 12];
    const k = fh * fw * cin;
    const x = rand(3 * 11 * 9 * cin, 10, 0, 1),
      w = rand(k * cout, 11, -1, 1);
    const { q, scales } = quantised(x, w, k, cout, quant);
    const W = wm.Int8Weights.create({ values: q, scales, k, n: cout, bias: rand(cout, 12, -0.2, 0.2) });
    const xt = wm.tensor(x, [3, 11, 9, cin]);
    const y = wm.int8Conv2d(xt, W, [fh, fw], quant, { activation: 'relu' });
    const pooled = wm.int8Conv2d(xt, W, [fh, fw], quant, { activation: 'relu', maxPool2x2: true });
    const ref = wm.maxPool(y, 2, 2, 'valid');
    expect(pooled.shape).toEqual([3, 4, 3, cout]);
    expect(Array.from(pooled.dataSync())).toEqual(Array.from(ref.dataSync()));
    const out = { scale: 0.02, zeroPoint: 0 };
    const qy = wm.int8Conv2d(xt, W, [fh, fw], quant, { activation: 'relu', output: out });
    const qp = wm.int8Conv2d(xt, W, [fh, fw], quant, { activation: 'relu', output: out, maxPool2x2: true });
    const bytesPooled = wm.int8MaxPool(qy, 2);
    expect(bytesPooled.shape).toEqual([3, 4, 3, cout]);
    expect(Array.from(qp.values())).toEqual(Array.from(bytesPooled.values()));
    // Pooling the bytes = quantising the pooled real values (rounding is monotone).
    const deq = qy.dequantize();
    const refPool = wm.quantizeActivations(wm.maxPool(deq, [3, 3], [2, 1], 'same'), out);
    expect(Array.from(wm.int8MaxPool(qy, [3, 3], [2, 1], 'same').values())).toEqual(Array.from(refPool.values()));
    expect(() => wm.int8MaxPool(xt as unknown as wm.QuantizedTensor, 2)).toThrow(/int8MaxPool: x must be a QuantizedTensor/);
    expect(() => wm.int8Conv2d([1, 2] as unknown as wm.Tensor, W, [fh, fw], quant)).toThrow(
      /int8Conv2d: x must be a float32 Tensor or a QuantizedTensor/,
    );
    W.dispose();
  });

  it('tidy frees the bytes of QuantizedTensors it made and keeps a returned one', () => {
    const before = wm.memory().numBytes;
    const kept = wm.tidy(() => {
      const a = wm.quantizeActivations(wm.ones([4, 4]), quant);
      a.reshape([2, 8]);
      return wm.quantizeActivations(wm.zeros([3, 5]), quant);
    });
    expect(kept.isDisposed).toBe(false);
    expect(Array.from(kept.values())).toEqual(new Array(15).fill(12));
    expect(wm.memory().numBytes - before).toBe(15);
    kept.dispose();
    expect(kept.isDisposed).toBe(true);
    expect(wm.memory().numBytes).toBe(before);
    expect(() => kept.values()).toThrow(/disposed/);
  });
});
