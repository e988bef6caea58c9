import { beforeAll, describe, expect, it } from 'vitest';
import {
  conv2dGeometry,
  depthwiseConv2d,
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
  type Conv2dParams,
} from '@wasmml/kernels';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import { refDepthwise, refDepthwiseBackpropFilter, refDepthwiseBackpropInput } from './conv-ref.js';
import { both, expectSameBytes } from './conv-helpers.js';
import { put, release, setup } from './helpers.js';

beforeAll(() => setup(2));

interface Case {
  x: [number, number, number, number];
  /** [fh, fw, cin, multiplier] */
  f: [number, number, number, number];
  p: Conv2dParams;
}

const cases: Case[] = [
  { x: [1, 1, 1, 1], f: [1, 1, 1, 1], p: {} },
  { x: [2, 5, 7, 3], f: [3, 3, 3, 1], p: { pad: 'same' } },
  { x: [3, 6, 5, 5], f: [2, 3, 5, 2], p: { strides: [2, 1] } },
  { x: [1, 4, 4, 6], f: [5, 5, 6, 1], p: { pad: 'same' } }, // filter larger than the input
  { x: [2, 9, 8, 4], f: [3, 3, 4, 3], p: { strides: 3, pad: 'same' } },
  { x: [2, 10, 11, 9], f: [3, 3, 9, 1], p: { dilations: 2, pad: 'same' } },
  {
    x: [1, 6, 7, 3],
    f: [3, 2, 3, 2],
    p: {
      strides: 2,
      pad: [
        [0, 0],
        [1, 2],
        [0, 3],
        [0, 0],
      ],
    },
  },
  { x: [5, 7, 7, 2], f: [3, 3, 2, 4], p: { pad: 1 } }, // batch > threads
  { x: [4, 20, 20, 13], f: [3, 3, 13, 1], p: { pad: 'same' } }, // large: the pool splits it, several chunks
];

describe('depthwise_conv2d_f32', () => {
  for (const c of cases) {
    it(`forward, backprop input and backprop filter: x [${c.x}] f [${c.f}] ${JSON.stringify(c.p)}`, () => {
      const [fh, fw, cin, mult] = c.f;
      const cout = cin * mult;
      const g = conv2dGeometry(c.x, [fh, fw], c.p);
      const xLen = c.x.reduce((a, b) => a * b),
        fLen = c.f.reduce((a, b) => a * b);
      const yLen = g.batch * g.outHeight * g.outWidth * cout;
      const X = randomFloats(xLen, 11),
        F = randomFloats(fLen, 12),
        DY = randomFloats(yLen, 13);
      const x = put(X),
        f = put(F),
        dy = put(DY);
      const fwd = both(yLen, (y) => depthwiseConv2d(x, f, y, c.x, c.f, c.p));
      const bin = both(xLen, (dx) => depthwiseConv2dBackpropInput(dy, f, dx, c.x, c.f, c.p));
      const bfl = both(fLen, (dw) => depthwiseConv2dBackpropFilter(x, dy, dw, c.x, c.f, c.p));
      release(x, f, dy);
      expectClose(fwd.single, refDepthwise(X, F, g, mult), 1e-4, 1e-4, 'forward');
      expectClose(bin.single, refDepthwiseBackpropInput(DY, F, g, mult), 1e-4, 1e-4, 'backprop input');
      expectClose(bfl.single, refDepthwiseBackpropFilter(X, DY, g, mult), 1e-4, 1e-4 * Math.sqrt(yLen / cout), 'backprop filter');
      expectSameBytes(fwd.threaded, fwd.single);
      expectSameBytes(bin.threaded, bin.single);
      expectSameBytes(bfl.threaded, bfl.single);
    });
  }

  it('fuses bias + relu6', () => {
    const xShape = [2, 7, 6, 5],
      fShape = [3, 3, 5, 2],
      p: Conv2dParams = { pad: 'same', strides: 2 };
    const g = conv2dGeometry(xShape, [3, 3], p);
    const X = randomFloats(2 * 7 * 6 * 5, 14, -3, 3),
      F = randomFloats(90, 15, -3, 3),
      B = randomFloats(10, 16);
    const x = put(X),
      f = put(F),
      bias = put(B);
    const yLen = g.batch * g.outHeight * g.outWidth * 10;
    const r = both(yLen, (y) => depthwiseConv2d(x, f, y, xShape, fShape, { ...p, bias, activation: 'relu6' }));
    release(x, f, bias);
    const ref = refDepthwise(X, F, g, 2).map((v, i) => Math.min(6, Math.max(0, v + B[i % 10]!)));
    expectClose(r.single, ref, 1e-4, 1e-4);
    expectSameBytes(r.threaded, r.single);
  });

  it('rejects a filter whose channels differ from x', () => {
    expect(() => depthwiseConv2d(0, 0, 0, [1, 5, 5, 3], [3, 3, 4, 1])).toThrow(/depthwiseConv2d: filter \[3,3,4,1\] expects 4/);
    expect(() => depthwiseConv2dBackpropInput(0, 0, 0, [1, 5, 5, 3], [3, 3])).toThrow(/multiplier/);
  });
});
