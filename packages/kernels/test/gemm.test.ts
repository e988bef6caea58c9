import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, gemm, type ActName } from '@wasmml/kernels';
import { expectClose, randomFloats, refMatmul } from '@wasmml/test-utils';
import { empty, get, put, release, setup, singleAndThreaded } from './helpers.js';

beforeAll(() => setup(2));

function act(name: ActName, x: number, alpha: number): number {
  switch (name) {
    case 'relu':
      return Math.max(0, x);
    case 'relu6':
      return Math.min(6, Math.max(0, x));
    case 'leakyRelu':
      return x < 0 ? alpha * x : x;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    case 'elu':
      return x < 0 ? alpha * Math.expm1(x) : x;
    default:
      return x;
  }
}

function check(m: number, n: number, k: number, tA: boolean, tB: boolean, batch = 1, seed = 1) {
  const A = randomFloats(batch * m * k, seed),
    B = randomFloats(batch * k * n, seed + 1);
  const a = put(A),
    b = put(B);
  const run = () => {
    const c = empty(batch * m * n);
    gemm(a, b, c, m, n, k, { transposeA: tA, transposeB: tB, batch });
    const out = get(c, batch * m * n);
    release(c);
    return out;
  };
  const { single, threaded } = singleAndThreaded(run);
  for (let bi = 0; bi < batch; bi++) {
    const ref = refMatmul(A.subarray(bi * m * k, (bi + 1) * m * k), B.subarray(bi * k * n, (bi + 1) * k * n), m, n, k, tA, tB);
    expectClose(
      single.subarray(bi * m * n, (bi + 1) * m * n),
      ref,
      1e-4,
      1e-4 * Math.sqrt(k),
      `gemm ${m}x${n}x${k} tA=${tA} tB=${tB} batch ${bi}`,
    );
  }
  expect(threaded).toEqual(single);
  release(a, b);
}

describe('gemm_f32', () => {
  it('threads are running', () => {
    expect(backendInfo().threads).toBe(2);
  });

  const sizes: Array<[number, number, number]> = [
    [1, 1, 1],
    [2, 3, 4],
    [5, 7, 3],
    [6, 8, 1],
    [7, 9, 13],
    [13, 17, 19],
    [33, 65, 31],
    [64, 64, 64],
    [100, 37, 300],
    [1, 130, 257],
    [130, 1, 70],
    [47, 200, 513],
  ];
  for (const [m, n, k] of sizes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        it(`${m}x${n}x${k} tA=${tA} tB=${tB}`, () => check(m, n, k, tA, tB));
      }
    }
  }

  it('batched, with per-batch and broadcast B', () => {
    check(9, 10, 11, false, false, 3);
    check(5, 12, 7, true, true, 4);
    const m = 7,
      n = 9,
      k = 5,
      batch = 3;
    const A = randomFloats(batch * m * k, 5),
      B = randomFloats(k * n, 6);
    const a = put(A),
      b = put(B),
      c = empty(batch * m * n);
    gemm(a, b, c, m, n, k, { batch, batchB: false });
    const out = get(c, batch * m * n);
    for (let bi = 0; bi < batch; bi++) {
      expectClose(out.subarray(bi * m * n, (bi + 1) * m * n), refMatmul(A.subarray(bi * m * k), B, m, n, k), 1e-4, 1e-4);
    }
    release(a, b, c);
  });

  it('size 0 is a no-op and k = 0 gives zeros (or the bias)', () => {
    const a = put([1]),
      b = put([1]),
      c = empty(6, 7);
    gemm(a, b, c, 0, 3, 2);
    expect(Array.from(get(c, 6))).toEqual([7, 7, 7, 7, 7, 7]);
    gemm(a, b, c, 2, 3, 0);
    expect(Array.from(get(c, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    const bias = put([1, -2, 3]);
    gemm(a, b, c, 2, 3, 0, { bias, activation: 'relu' });
    expect(Array.from(get(c, 6))).toEqual([1, 0, 3, 1, 0, 3]);
    release(a, b, c, bias);
  });

  it('accumulates into C', () => {
    const m = 11,
      n = 10,
      k = 9;
    const A = randomFloats(m * k, 8),
      B = randomFloats(k * n, 9),
      C0 = randomFloats(m * n, 10);
    const a = put(A),
      b = put(B),
      c = put(C0);
    gemm(a, b, c, m, n, k, { accumulate: true });
    const ref = refMatmul(A, B, m, n, k).map((v, i) => v + C0[i]!);
    expectClose(get(c, m * n), ref, 1e-4, 1e-4);
    release(a, b, c);
  });

  for (const activation of ['linear', 'relu', 'relu6', 'leakyRelu', 'sigmoid', 'tanh', 'elu'] as ActName[]) {
    it(`fused bias + ${activation}`, () => {
      const m = 19,
        n = 21,
        k = 300;
      const A = randomFloats(m * k, 11, -0.3, 0.3),
        B = randomFloats(k * n, 12, -0.3, 0.3),
        bias = randomFloats(n, 13);
      const a = put(A),
        b = put(B),
        bp = put(bias);
      const { single, threaded } = singleAndThreaded(() => {
        const c = empty(m * n);
        gemm(a, b, c, m, n, k, { bias: bp, activation, alpha: 0.3 });
        const out = get(c, m * n);
        release(c);
        return out;
      });
      const ref = refMatmul(A, B, m, n, k).map((v, i) => act(activation, v + bias[i % n]!, 0.3));
      expectClose(single, ref, 1e-4, 1e-5, activation);
      expect(threaded).toEqual(single);
      release(a, b, bp);
    });
  }
});

// The column split (few rows) and the row split must agree to the bit, and both
// with the reference, over in-place and packed B, batches, bias + activation and
// accumulation; the shapes cross the k block (256) and partial panels.
describe('gemm_f32 split by columns', () => {
  const cases: Array<[number, number, number, boolean, boolean, number]> = [
    [1, 16, 5, false, false, 1],
    [3, 40, 300, false, false, 1],
    [4, 33, 257, false, true, 1],
    [5, 128, 513, true, false, 1],
    [32, 128, 600, false, false, 1],
    [32, 600, 128, false, true, 1],
    [17, 24, 70, true, true, 3],
    [64, 72, 9, false, false, 2],
  ];
  for (const [m, n, k, tA, tB, batch] of cases) {
    it(`${m}x${n}x${k} tA=${tA} tB=${tB} batch ${batch}, with bias + elu and accumulation`, () => {
      const A = randomFloats(batch * m * k, m, -0.3, 0.3),
        B = randomFloats(batch * k * n, n, -0.3, 0.3),
        bias = randomFloats(n, k),
        C0 = randomFloats(batch * m * n, 3);
      const a = put(A),
        b = put(B),
        bp = put(bias);
      const run = (split: 'rows' | 'cols', accumulate: boolean) => {
        const c = accumulate ? put(C0) : empty(batch * m * n);
        gemm(a, b, c, m, n, k, {
          transposeA: tA,
          transposeB: tB,
          batch,
          split,
          ...(accumulate ? { accumulate } : { bias: bp, activation: 'elu' as const, alpha: 0.7 }),
        });
        const out = get(c, batch * m * n);
        release(c);
        return out;
      };
      for (const accumulate of [false, true]) {
        const { single, threaded } = singleAndThreaded(() => run('cols', accumulate));
        expect(threaded).toEqual(single);
        expect(single).toEqual(run('rows', accumulate));
        for (let bi = 0; bi < batch; bi++) {
          const ref = refMatmul(A.subarray(bi * m * k), B.subarray(bi * k * n), m, n, k, tA, tB).map((v, i) =>
            accumulate ? v + C0[bi * m * n + i]! : act('elu', v + bias[i % n]!, 0.7),
          );
          expectClose(single.subarray(bi * m * n, (bi + 1) * m * n), ref, 1e-4, 1e-4 * Math.sqrt(k), `batch ${bi}`);
        }
      }
      release(a, b, bp);
    });
  }
});
