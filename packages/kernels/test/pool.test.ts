import { beforeAll, describe, expect, it } from 'vitest';
import { backend_util } from '@tensorflow/tfjs-core';
import { avgPool, avgPoolBackprop, conv2dGeometry, maxPool, maxPoolBackprop, type Pair, type Pool2dOptions } from '@wasmml/kernels';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { refPool } from './conv-ref.js';
import { both, expectSameBytes } from './conv-helpers.js';
import { empty, get, put, release, setup } from './helpers.js';

beforeAll(() => setup(2));

interface Case {
  x: [number, number, number, number];
  f: Pair;
  o: Pool2dOptions;
}

const cases: Case[] = [
  { x: [1, 1, 1, 1], f: 1, o: {} },
  { x: [2, 6, 6, 3], f: 2, o: {} },
  { x: [2, 7, 5, 6], f: 3, o: { strides: 1, pad: 'same' } },
  { x: [3, 9, 8, 5], f: [3, 2], o: { strides: [2, 3], pad: 'same' } },
  { x: [1, 3, 3, 4], f: 5, o: { strides: 1, pad: 'same' } }, // window larger than the input
  { x: [2, 5, 4, 7], f: 2, o: { strides: 1, pad: 2 } }, // corner windows entirely in the padding
  {
    x: [1, 6, 7, 3],
    f: [3, 2],
    o: {
      strides: 2,
      pad: [
        [0, 0],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
    },
  },
  { x: [5, 4, 4, 9], f: 1, o: { strides: 1, pad: 'same' } }, // 1x1 identity, batch > threads
  { x: [2, 7, 7, 5], f: 2, o: { strides: 3 } }, // disjoint windows, pixels in none
  { x: [1, 7, 5, 18], f: 2, o: { pad: 'same' } }, // disjoint, padded bottom/right, 16 + 2 channels
  { x: [8, 26, 26, 32], f: 2, o: {} }, // the seed CNN's pool: large enough for the pool
];

/** Values from a small set, so windows hold ties (and optionally NaN). */
function tiedValues(n: number, seed: number, nan = false): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (nan && r() < 0.1 ? Number.NaN : Math.floor(r() * 3) - 1));
}

function run(c: Case, X: Float32Array, seed: number) {
  const g = conv2dGeometry(c.x, c.f, { strides: c.o.strides ?? c.f, pad: c.o.pad });
  const xLen = X.length,
    yLen = g.batch * g.outHeight * g.outWidth * g.inChannels;
  const DY = randomFloats(yLen, seed);
  const x = put(X),
    dy = put(DY);
  const out = {
    g,
    maxY: both(yLen, (y) => maxPool(x, y, c.x, c.f, c.o)),
    avgY: both(yLen, (y) => avgPool(x, y, c.x, c.f, c.o)),
    maxDx: both(xLen, (dx) => maxPoolBackprop(dy, x, dx, c.x, c.f, c.o)),
    avgDx: both(xLen, (dx) => avgPoolBackprop(dy, dx, c.x, c.f, c.o)),
    max: refPool('max', X, DY, g),
    avg: refPool('avg', X, DY, g),
  };
  release(x, dy);
  return out;
}

describe('pool2d', () => {
  for (const c of cases) {
    const name = `x [${c.x}] f ${JSON.stringify(c.f)} ${JSON.stringify(c.o)}`;
    it(`max and avg, forward and backprop: ${name}`, () => {
      const r = run(
        c,
        randomFloats(
          c.x.reduce((a, b) => a * b),
          21,
        ),
        22,
      );
      expectClose(r.maxY.single, r.max.y, 0, 0, 'maxPool');
      expectClose(r.avgY.single, r.avg.y, 1e-5, 1e-6, 'avgPool');
      expectClose(r.maxDx.single, r.max.dx, 1e-5, 1e-6, 'maxPoolBackprop');
      expectClose(r.avgDx.single, r.avg.dx, 1e-5, 1e-6, 'avgPoolBackprop');
      for (const k of ['maxY', 'avgY', 'maxDx', 'avgDx'] as const) expectSameBytes(r[k].threaded, r[k].single);
    });
  }

  it('max ties send the gradient to the first maximum; NaN is skipped as in tfjs cpu', () => {
    for (const c of [cases[2]!, cases[3]!, cases[5]!]) {
      const X = tiedValues(
        c.x.reduce((a, b) => a * b),
        23,
        true,
      );
      const r = run(c, X, 24);
      expectClose(r.maxY.single, r.max.y, 0, 0, 'maxPool');
      expectClose(r.maxDx.single, r.max.dx, 1e-5, 1e-6, 'maxPoolBackprop');
      expectSameBytes(r.maxDx.threaded, r.maxDx.single);
    }
    // One window, all equal: only the first position gets the gradient.
    const x = put([5, 5, 5, 5]),
      dy = put([3]),
      dx = empty(4);
    maxPoolBackprop(dy, x, dx, [1, 2, 2, 1], 2);
    expect(Array.from(get(dx, 4))).toEqual([3, 0, 0, 0]);
    // Windows of NaN or of padding only give -Infinity (avg: NaN).
    const y = empty(4);
    maxPool(x, y, [1, 2, 2, 1], 1, { pad: 1 });
    expect(get(y, 4)[0]).toBe(-Infinity);
    avgPool(x, y, [1, 2, 2, 1], 1, { pad: 1 });
    expect(get(y, 4)[0]).toBeNaN();
    release(x, dy, dx, y);
  });

  it('a 1x1 max pool over an unchanged shape is the identity, NaN included', () => {
    const x = put([1, Number.NaN, -Infinity, 2]),
      y = empty(4);
    maxPool(x, y, [1, 2, 2, 1], 1);
    expect(Array.from(get(y, 4))).toEqual([1, Number.NaN, -Infinity, 2]);
    release(x, y);
  });

  it('a 1x1 max pool keeps x whenever the output shape equals the input shape, as tfjs does', () => {
    // Padding top/left 1 with ceil rounding: 3 -> ceil(3/2 + 1) = 3 rows, yet tfjs returns x unchanged.
    const X = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const x = put(X),
      y = empty(9);
    const g = maxPool(x, y, [1, 3, 3, 1], 1, {
      strides: 2,
      pad: [
        [0, 0],
        [1, 0],
        [1, 0],
        [0, 0],
      ],
      dimRoundingMode: 'ceil',
    });
    expect([g.outHeight, g.outWidth]).toEqual([3, 3]);
    expect(Array.from(get(y, 9))).toEqual(X);
    release(x, y);
  });

  it('avgPool divides by the in-image window size (padding excluded)', () => {
    const x = put([1, 2, 3, 4]),
      y = empty(4);
    avgPool(x, y, [1, 2, 2, 1], 2, { strides: 1, pad: 'same' });
    // 'same' pads bottom/right: windows {1,2,3,4}, {2,4}, {3,4}, {4}.
    expect(Array.from(get(y, 4))).toEqual([2.5, 3, 3.5, 4]);
    release(x, y);
  });

  it('geometry matches tfjs computePool2DInfo; strides default to the filter size', () => {
    for (const [xShape, f, o] of [
      [[1, 26, 26, 32], 2, {}],
      [[1, 7, 9, 3], 3, { strides: 2, pad: 'same' }],
      [[2, 8, 5, 1], [3, 2], { pad: 1, strides: 2 }],
    ] as Array<[number[], Pair, Pool2dOptions]>) {
      const g = conv2dGeometry(xShape, f, { strides: o.strides ?? f, pad: o.pad });
      const t = backend_util.computePool2DInfo(
        xShape as [number, number, number, number],
        f as [number, number],
        (o.strides ?? f) as [number, number],
        1,
        (o.pad ?? 'valid') as never,
      );
      expect([g.outHeight, g.outWidth, g.padTop, g.padLeft]).toEqual([t.outHeight, t.outWidth, t.padInfo.top, t.padInfo.left]);
      const y = empty(1);
      const gg = maxPool(0, y, [0, ...xShape.slice(1)], f, o);
      expect([gg.outHeight, gg.outWidth]).toEqual([g.outHeight, g.outWidth]);
      release(y);
    }
  });
});
