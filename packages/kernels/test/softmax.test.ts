import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  alloc,
  i32View,
  logSoftmax,
  logSoftmaxGrad,
  reduceCollapsed,
  softmax,
  softmaxCrossEntropy,
  softmaxGrad,
  sparseSoftmaxCrossEntropy,
} from '@wasmml/kernels';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { empty, get, put, release, setup, singleAndThreaded } from './helpers.js';

beforeAll(async () => {
  await setup(2);
  tf.env().set('PROD', true); // no tfjs-node banner
  await tf.setBackend('cpu');
});

// Float64 references, row by row.
function rows(x: ArrayLike<number>, r: number, n: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from({ length: n }, (_, j) => x[i * n + j]!));
}
function refLogSoftmax(row: number[]): number[] {
  const m = Math.max(...row);
  const ls = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return row.map((v) => v - m - ls);
}
const refSoftmax = (row: number[]) => refLogSoftmax(row).map(Math.exp);

function runRows(fn: () => number, count: number): { single: Float32Array; threaded: Float32Array } {
  return singleAndThreaded(() => {
    const p = fn();
    const out = get(p, count);
    release(p);
    return out;
  });
}

const sizes: Array<[number, number]> = [
  [1, 1],
  [1, 2],
  [3, 3],
  [2, 4],
  [5, 7],
  [4, 10],
  [3, 33],
  [2, 100],
  [300, 77],
  [48, 600],
];

describe('softmax family', () => {
  for (const [r, n] of sizes) {
    it(`softmax / logSoftmax and their gradients, ${r}x${n}`, () => {
      const X = randomFloats(r * n, r * 31 + n, -8, 8),
        DY = randomFloats(r * n, r + n * 7);
      const x = put(X),
        dy = put(DY);
      const ys = rows(X, r, n).map(refSoftmax),
        ls = rows(X, r, n).map(refLogSoftmax);
      const dys = rows(DY, r, n);

      const sm = runRows(() => {
        const y = empty(r * n);
        softmax(x, y, r, n);
        return y;
      }, r * n);
      expectClose(sm.single, ys.flat(), 1e-5, 1e-7, 'softmax');
      expect(sm.threaded).toEqual(sm.single);

      const lsm = runRows(() => {
        const y = empty(r * n);
        logSoftmax(x, y, r, n);
        return y;
      }, r * n);
      expectClose(lsm.single, ls.flat(), 1e-5, 2e-6, 'logSoftmax');
      expect(lsm.threaded).toEqual(lsm.single);

      const y = put(sm.single),
        l = put(lsm.single);
      const g = runRows(() => {
        const dx = empty(r * n);
        softmaxGrad(y, dy, dx, r, n);
        return dx;
      }, r * n);
      const refG = ys.flatMap((yr, i) => {
        const s = yr.reduce((a, v, j) => a + v * dys[i]![j]!, 0);
        return yr.map((v, j) => v * (dys[i]![j]! - s));
      });
      expectClose(g.single, refG, 1e-4, 1e-6, 'softmaxGrad');
      expect(g.threaded).toEqual(g.single);

      const lg = runRows(() => {
        const dx = empty(r * n);
        logSoftmaxGrad(l, dy, dx, r, n);
        return dx;
      }, r * n);
      const refLg = ls.flatMap((lr, i) => {
        const s = dys[i]!.reduce((a, v) => a + v, 0);
        return lr.map((v, j) => dys[i]![j]! - Math.exp(v) * s);
      });
      expectClose(lg.single, refLg, 1e-4, 1e-5, 'logSoftmaxGrad');
      expect(lg.threaded).toEqual(lg.single);
      release(x, dy, y, l);
    });
  }

  it('softmax is stable for large logits and handles -Infinity', () => {
    const x = put([1000, 1001, 1002, -Infinity, 0, -1e30, 5, 5]);
    const y = empty(8);
    softmax(x, y, 2, 4);
    expectClose(get(y, 8), [...refSoftmax([1000, 1001, 1002, -Infinity]), ...refSoftmax([0, -1e30, 5, 5])], 1e-6, 1e-7);
    release(x, y);
  });

  it('softmax keeps 3 ulp over the whole exponent range (x - max from 0 to -87) and flushes below it', () => {
    // One row per decade of x - max: 0 and a point t in [-87, 0], so the small output is exp(t) / (1 + exp(t)).
    const ts = Array.from({ length: 2000 }, (_, k) => Math.fround((-87 * (k + 1)) / 2000));
    const x = put(ts.flatMap((t) => [0, t]));
    const y = empty(2 * ts.length);
    softmax(x, y, ts.length, 2);
    const got = get(y, 2 * ts.length);
    let worst = 0;
    ts.forEach((t, k) => {
      const want = Math.exp(t) / (1 + Math.exp(t));
      worst = Math.max(worst, Math.abs(got[2 * k + 1]! - want) / want);
    });
    expect(worst).toBeLessThan(3 * 2 ** -23);
    const under = put([0, -88, -200]);
    softmax(under, y, 1, 3);
    expect(Array.from(get(y, 3))).toEqual([1, 0, 0]);
    release(x, y, under);
  });

  it('a NaN anywhere in a row makes the whole row NaN (softmax, logSoftmax, logSumExp), as in tfjs', () => {
    const x = put([1, Number.NaN, 3, 0.5, 1, 2]);
    const y = empty(6);
    softmax(x, y, 2, 3);
    const sm = Array.from(get(y, 6));
    expect(sm.slice(0, 3).every(Number.isNaN)).toBe(true);
    expectClose(sm.slice(3), refSoftmax([0.5, 1, 2]), 1e-6, 1e-7);
    logSoftmax(x, y, 2, 3);
    expect(Array.from(get(y, 3)).every(Number.isNaN)).toBe(true);
    const out = empty(2);
    reduceCollapsed('logSumExp', x, out, 2, 3, 1);
    const lse = get(out, 2);
    expect(Number.isNaN(lse[0]!)).toBe(true);
    expect(lse[1]).toBeCloseTo(Math.log(Math.exp(0.5) + Math.exp(1) + Math.exp(2)), 5);
    const ref = tf.softmax(tf.tensor2d([1, Number.NaN, 3], [1, 3])).dataSync();
    expect(Array.from(ref).every(Number.isNaN)).toBe(true);
    release(x, y, out);
  });

  for (const sparse of [false, true]) {
    for (const [r, n] of [
      [1, 1],
      [3, 5],
      [7, 10],
      [4, 37],
      [96, 300],
    ] as Array<[number, number]>) {
      it(`${sparse ? 'sparse ' : ''}softmax cross-entropy ${r}x${n} (loss and dlogits)`, () => {
        const X = randomFloats(r * n, r + n, -5, 5);
        const rnd = rng(r * n + 3);
        const ids = Array.from({ length: r }, () => Math.floor(rnd() * n));
        const L = sparse
          ? Float32Array.from({ length: r * n }, (_, k) => (ids[Math.floor(k / n)] === k % n ? 1 : 0))
          : Float32Array.from(
              rows(randomFloats(r * n, r, 0, 1), r, n).flatMap((row) => {
                const s = row.reduce((a, v) => a + v, 0);
                return row.map((v) => v / s);
              }),
            );
        const x = put(X);
        const labels = sparse ? alloc(r * 4) : put(L);
        if (sparse) i32View(labels, r).set(ids);
        const scale = 1 / r;
        const res = singleAndThreaded(() => {
          const loss = empty(r),
            dl = empty(r * n);
          (sparse ? sparseSoftmaxCrossEntropy : softmaxCrossEntropy)(x, labels, r, n, { loss, dlogits: dl, gradScale: scale });
          const out = [get(loss, r), get(dl, r * n)];
          release(loss, dl);
          return out;
        });
        const ls = rows(X, r, n).map(refLogSoftmax);
        const refLoss = ls.map((row, i) => -row.reduce((a, v, j) => a + L[i * n + j]! * v, 0));
        const refD = ls.flatMap((row, i) => row.map((v, j) => (Math.exp(v) - L[i * n + j]!) * scale));
        expectClose(res.single[0]!, refLoss, 1e-5, 1e-5, 'loss');
        expectClose(res.single[1]!, refD, 1e-4, 1e-7, 'dlogits');
        expect(res.threaded).toEqual(res.single);
        release(x, labels);
      });
    }
  }

  it('cross-entropy matches tfjs losses.softmaxCrossEntropy and its gradient (cpu backend)', () => {
    const r = 6,
      n = 9;
    const X = randomFloats(r * n, 5, -4, 4),
      L = randomFloats(r * n, 6, 0, 1);
    const lt = tf.tensor2d(L, [r, n]),
      xt = tf.tensor2d(X, [r, n]);
    const f = (lg: tf.Tensor) => tf.losses.softmaxCrossEntropy(lt, lg, undefined, 0, tf.Reduction.NONE);
    const tfLoss = f(xt).dataSync(),
      tfGrad = tf.grad(f)(xt).dataSync();
    const x = put(X),
      labels = put(L),
      loss = empty(r),
      dl = empty(r * n);
    softmaxCrossEntropy(x, labels, r, n, { loss, dlogits: dl });
    expectClose(get(loss, r), tfLoss, 1e-5, 1e-5, 'loss vs tfjs');
    // tfjs's gradient is dy * (softmax - labels) with dy = 1 per row, the labels not normalised.
    expectClose(get(dl, r * n), tfGrad, 1e-5, 1e-6, 'dlogits vs tfjs');
    release(x, labels, loss, dl);
    tf.dispose([lt, xt]);
  });

  it('sparse labels outside [0, n) count as all-zero rows; loss or dlogits may be skipped', () => {
    const X = [1, 2, 3, 0, 0, 0];
    const x = put(X),
      labels = alloc(8);
    i32View(labels, 2).set([5, -1]);
    const loss = empty(2),
      dl = empty(6);
    sparseSoftmaxCrossEntropy(x, labels, 2, 3, { loss, dlogits: dl });
    expect(Array.from(get(loss, 2)).map(Math.abs)).toEqual([0, 0]);
    expectClose(get(dl, 6), [...refSoftmax([1, 2, 3]), 1 / 3, 1 / 3, 1 / 3], 1e-6, 1e-7);
    const onlyLoss = empty(2);
    i32View(labels, 2).set([2, 0]);
    sparseSoftmaxCrossEntropy(x, labels, 2, 3, { loss: onlyLoss });
    expectClose(get(onlyLoss, 2), [-refLogSoftmax([1, 2, 3])[2]!, Math.log(3)], 1e-6, 1e-6);
    release(x, labels, loss, dl, onlyLoss);
    expect(() => softmax(0, 0, -1, 3)).toThrow(/softmax: rows = -1/);
  });

  it('logSumExp over an axis, chunked and along inner, matches tfjs', () => {
    for (const [outer, r, inner] of [
      [2, 9000, 1],
      [1, 5000, 6],
      [3, 5, 4],
    ] as Array<[number, number, number]>) {
      const X = randomFloats(outer * r * inner, r, -20, 20);
      const x = put(X);
      const { single, threaded } = runRows(() => {
        const out = empty(outer * inner);
        reduceCollapsed('logSumExp', x, out, outer, r, inner);
        return out;
      }, outer * inner);
      const ref = tf.logSumExp(tf.tensor3d(X, [outer, r, inner]), 1).dataSync();
      expectClose(single, ref, 1e-5, 1e-5, `logSumExp [${outer}, ${r}, ${inner}]`);
      expect(threaded).toEqual(single);
      release(x);
    }
  });
});
