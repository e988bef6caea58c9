// The fused epilogues and the unary ops share one activation implementation
// (assembly/activation.ts): fused and composed results agree to the last bit.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'leakyrelu'] as const;
type Act = (typeof ACTIVATIONS)[number];

const composed: Record<Act, (x: wm.Tensor) => wm.Tensor> = {
  linear: (x) => x,
  relu: wm.relu,
  relu6: wm.relu6,
  sigmoid: wm.sigmoid,
  tanh: wm.tanh,
  elu: wm.elu,
  leakyrelu: (x) => wm.leakyRelu(x, 0.3),
};

/** Values in [-scale, scale] from a fixed LCG, with zeros, -0 and NaN-free tails. */
function values(n: number, seed: number, scale: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

function expectSameBits(got: wm.Tensor, want: wm.Tensor, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  const g = new Uint32Array(Float32Array.from(got.dataSync() as Float32Array).buffer);
  const w = new Uint32Array(Float32Array.from(want.dataSync() as Float32Array).buffer);
  let bad = -1;
  for (let i = 0; i < g.length; i++)
    if (g[i] !== w[i]) {
      bad = i;
      break;
    }
  expect(bad, `${what}: first differing element`).toBe(-1);
}

describe('fused activation = activation of the unfused result, bit for bit', () => {
  for (const activation of ACTIVATIONS) {
    it(`fusedMatMul(..., '${activation}') equals ${activation}(matMul(...) + bias)`, () => {
      wm.tidy(() => {
        // Sizes off the 4-lane and register-tile grid; inputs wide enough to reach the tails of exp and tanh.
        for (const [m, k, n] of [
          [1, 3, 5],
          [37, 19, 45],
          [64, 33, 130],
        ]) {
          const a = wm.tensor(values(m * k, m, 3), [m, k]),
            b = wm.tensor(values(k * n, n, 3), [k, n]);
          const bias = wm.tensor(values(n, k, 2), [n]);
          const fused = wm.fusedMatMul({ a, b, bias, activation, leakyreluAlpha: 0.3 });
          const unfused = composed[activation](wm.add(wm.matMul(a, b), bias));
          expectSameBits(fused, unfused, `${activation} ${m}x${k}x${n}`);
        }
      });
    });
  }

  for (const activation of ['relu', 'sigmoid', 'tanh', 'elu'] as const) {
    it(`fusedConv2d(..., '${activation}') equals ${activation}(conv2d(...) + bias)`, () => {
      wm.tidy(() => {
        const x = wm.tensor(values(2 * 7 * 6 * 3, 1, 2), [2, 7, 6, 3]),
          filter = wm.tensor(values(3 * 3 * 3 * 5, 2, 1), [3, 3, 3, 5]);
        const bias = wm.tensor(values(5, 3, 1), [5]);
        const fused = wm.fusedConv2d({ x, filter, strides: 1, pad: 'same', bias, activation });
        const unfused = composed[activation](wm.add(wm.conv2d(x, filter, 1, 'same'), bias));
        expectSameBits(fused, unfused, `conv2d ${activation}`);
      });
    });
  }
});
