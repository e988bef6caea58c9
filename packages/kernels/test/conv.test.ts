import { beforeAll, describe, expect, it } from 'vitest';
import { backend_util } from '@tensorflow/tfjs-core';
import {
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dGeometry,
  type ActName,
  type Conv2dParams,
  type Padding,
} from '@wasmml/kernels';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import { refConv2d, refConv2dBackpropFilter, refConv2dBackpropInput } from './conv-ref.js';
import { both, expectSameBytes } from './conv-helpers.js';
import { empty, get, put, release, setup } from './helpers.js';

beforeAll(() => setup(2));

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  p: Conv2dParams;
}

const cases: Case[] = [
  { x: [1, 1, 1, 1], f: [1, 1, 1, 1], p: {} },
  { x: [2, 5, 7, 3], f: [3, 3, 3, 5], p: { pad: 'same' } },
  { x: [3, 6, 5, 2], f: [2, 3, 2, 9], p: { strides: [2, 1] } },
  { x: [1, 4, 4, 5], f: [5, 5, 5, 6], p: { pad: 'same' } }, // filter larger than the input
  { x: [2, 9, 8, 4], f: [3, 3, 4, 8], p: { strides: 3, pad: 'same' } },
  { x: [2, 10, 11, 6], f: [3, 3, 6, 7], p: { dilations: 2, pad: 'same' } },
  { x: [1, 9, 9, 8], f: [2, 3, 8, 3], p: { dilations: [2, 1], strides: [1, 2], pad: 'valid' } },
  {
    x: [1, 6, 7, 3],
    f: [3, 2, 3, 4],
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
  { x: [2, 5, 5, 8], f: [3, 3, 8, 12], p: { pad: 1 } },
  { x: [2, 3, 4, 10], f: [1, 1, 10, 13], p: {} },
  { x: [5, 7, 7, 1], f: [3, 3, 1, 32], p: {} }, // batch > threads, one input channel
  { x: [3, 12, 11, 1], f: [3, 3, 1, 8], p: { pad: 'same', dilations: [1, 2] } },
  { x: [4, 21, 19, 5], f: [3, 3, 5, 7], p: {} }, // several reduction chunks, odd channels
  { x: [8, 16, 16, 16], f: [3, 3, 16, 32], p: { pad: 'same' } }, // large: the pool splits it
  { x: [2, 7, 6, 3], f: [1, 1, 3, 4], p: { strides: 2 } }, // stride phases no tap reaches: dx = 0 there
  { x: [1, 8, 8, 2], f: [2, 2, 2, 3], p: { strides: 3, pad: 'same' } },
  { x: [4, 17, 16, 8], f: [3, 3, 8, 16], p: { strides: 2, pad: 'same' } }, // large, stride 2
  { x: [6, 30, 30, 3], f: [3, 3, 3, 5], p: {} }, // chunks of several pixel blocks
  // Stride and dilation together (tfjs refuses this; the kernels do not need to).
  { x: [2, 11, 10, 3], f: [3, 2, 3, 4], p: { strides: 2, dilations: [2, 3], pad: 'same' } },
];

function label(c: Case): string {
  return `x [${c.x}] f [${c.f}] ${JSON.stringify(c.p)}`;
}

function act(name: ActName, v: number): number {
  switch (name) {
    case 'relu':
      return Math.max(0, v);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'leakyRelu':
      return v < 0 ? 0.1 * v : v;
    default:
      return v;
  }
}

describe('conv2dGeometry', () => {
  const shapes: Array<[number[], [number, number], Conv2dParams]> = [
    [[2, 28, 28, 1], [3, 3], {}],
    [[1, 13, 13, 32], [3, 3], { pad: 'same', strides: 2 }],
    [[1, 7, 9, 3], [4, 2], { pad: 'same', strides: [3, 2] }],
    [[1, 7, 9, 3], [3, 3], { pad: 'same', dilations: 2 }],
    [[1, 4, 4, 3], [5, 5], { pad: 'same' }],
    [[1, 10, 11, 3], [3, 3], { pad: 2, strides: 2 }],
    [[1, 10, 11, 3], [3, 3], { pad: 1, strides: 2, dimRoundingMode: 'ceil' }],
    [
      [1, 10, 11, 3],
      [3, 2],
      {
        pad: [
          [0, 0],
          [1, 2],
          [3, 0],
          [0, 0],
        ],
        strides: [2, 3],
      },
    ],
    [[1, 10, 11, 3], [2, 3], { pad: 'valid', strides: [1, 4], dilations: [3, 1] }],
  ];
  for (const [xShape, [fh, fw], p] of shapes) {
    it(`matches tfjs computeConv2DInfo for [${xShape}] ${fh}x${fw} ${JSON.stringify(p)}`, () => {
      const g = conv2dGeometry(xShape, [fh, fw], p);
      const t = backend_util.computeConv2DInfo(
        xShape as [number, number, number, number],
        [fh, fw, xShape[3]!, 5],
        p.strides ?? 1,
        p.dilations ?? 1,
        (p.pad ?? 'valid') as never,
        p.dimRoundingMode,
      );
      expect([g.outHeight, g.outWidth]).toEqual([t.outHeight, t.outWidth]);
      expect([g.padTop, g.padBottom, g.padLeft, g.padRight]).toEqual([t.padInfo.top, t.padInfo.bottom, t.padInfo.left, t.padInfo.right]);
      expect([g.effectiveFilterHeight, g.effectiveFilterWidth]).toEqual([t.effectiveFilterHeight, t.effectiveFilterWidth]);
    });
  }

  it('rejects bad shapes, strides and padding with the op name', () => {
    expect(() => conv2dGeometry([1, 5, 5], [3, 3])).toThrow(/conv2d: input shape/);
    expect(() => conv2dGeometry([1, 5, 5, 1], [3, 3], { strides: 0 })).toThrow(/strides/);
    expect(() => conv2dGeometry([1, 5, 5, 1], [3, 3], { pad: -1 })).toThrow(/non-negative/);
    expect(() => conv2dGeometry([1, 5, 5, 1], [3, 3], { pad: 'full' as Padding })).toThrow(/unknown padding/);
    expect(() => conv2dGeometry([1, 2, 2, 1], [4, 4])).toThrow(/does not fit/);
  });
});

describe('conv2d_f32', () => {
  it('rejects a filter whose input channels differ from x', () => {
    expect(() => conv2d(0, 0, 0, [1, 5, 5, 3], [3, 3, 2, 4])).toThrow(/conv2d: filter \[3,3,2,4\] expects 2 input channels/);
    expect(() => conv2dBackpropFilter(0, 0, 0, [1, 5, 5, 3], [3, 3, 3])).toThrow(/conv2dBackpropFilter: filter shape/);
  });

  for (const c of cases) {
    it(`forward, backprop input and backprop filter: ${label(c)}`, () => {
      const [fh, fw, cin, cout] = c.f;
      const g = conv2dGeometry(c.x, [fh, fw], c.p);
      const xLen = c.x.reduce((a, b) => a * b),
        fLen = c.f.reduce((a, b) => a * b);
      const yLen = g.batch * g.outHeight * g.outWidth * cout;
      const X = randomFloats(xLen, 1),
        F = randomFloats(fLen, 2),
        DY = randomFloats(yLen, 3);
      const x = put(X),
        f = put(F),
        dy = put(DY);
      const fwd = both(yLen, (y) => conv2d(x, f, y, c.x, c.f, c.p));
      const bin = both(xLen, (dx) => conv2dBackpropInput(dy, f, dx, c.x, c.f, c.p));
      const bfl = both(fLen, (dw) => conv2dBackpropFilter(x, dy, dw, c.x, c.f, c.p));
      release(x, f, dy);
      const tol = (k: number) => 1e-4 * Math.sqrt(k + 1);
      expectClose(fwd.single, refConv2d(X, F, g, cout), 1e-4, tol(fh * fw * cin), 'forward');
      expectClose(bin.single, refConv2dBackpropInput(DY, F, g, cout), 1e-4, tol(fh * fw * cout), 'backprop input');
      expectClose(bfl.single, refConv2dBackpropFilter(X, DY, g, cout), 1e-4, tol(yLen / cout), 'backprop filter');
      expectSameBytes(fwd.threaded, fwd.single);
      expectSameBytes(bin.threaded, bin.single);
      expectSameBytes(bfl.threaded, bfl.single);
    });
  }

  for (const [activation, xShape, fShape] of [
    ['relu', [3, 8, 9, 5], [3, 3, 5, 11]],
    ['sigmoid', [2, 6, 6, 4], [2, 2, 4, 16]],
    ['leakyRelu', [1, 5, 5, 3], [3, 3, 3, 9]],
  ] as Array<[ActName, [number, number, number, number], [number, number, number, number]]>) {
    it(`fuses bias + ${activation}`, () => {
      const p: Conv2dParams = { pad: 'same' };
      const cout = fShape[3];
      const g = conv2dGeometry(xShape, [fShape[0], fShape[1]], p);
      const X = randomFloats(
          xShape.reduce((a, b) => a * b),
          4,
        ),
        F = randomFloats(
          fShape.reduce((a, b) => a * b),
          5,
        );
      const B = randomFloats(cout, 6);
      const x = put(X),
        f = put(F),
        bias = put(B);
      const yLen = g.batch * g.outHeight * g.outWidth * cout;
      const r = both(yLen, (y) => conv2d(x, f, y, xShape, fShape, { ...p, bias, activation, alpha: 0.1 }));
      release(x, f, bias);
      const ref = refConv2d(X, F, g, cout).map((v, i) => act(activation, v + B[i % cout]!));
      expectClose(r.single, ref, 1e-4, 1e-4, activation);
      expectSameBytes(r.threaded, r.single);
    });
  }

  it('handles empty batches and zero-size channels', () => {
    const x = put([1, 2, 3, 4]),
      f = put([1, 1, 1, 1]);
    const y = empty(4, 7);
    conv2d(x, f, y, [0, 2, 2, 1], [1, 1, 1, 1]);
    expect(Array.from(get(y, 4))).toEqual([7, 7, 7, 7]);
    // No input channels: the output is the activated bias.
    const bias = put([-1, 2]);
    conv2d(x, f, y, [1, 1, 2, 0], [1, 1, 0, 2], { bias, activation: 'relu' });
    expect(Array.from(get(y, 4))).toEqual([0, 2, 0, 2]);
    // No output channels: dx is zero; no pixels: dW is zero.
    conv2dBackpropInput(x, f, y, [1, 2, 2, 1], [1, 1, 1, 0]);
    expect(Array.from(get(y, 4))).toEqual([0, 0, 0, 0]);
    const dw = empty(4, 7);
    conv2dBackpropFilter(x, x, dw, [0, 2, 2, 1], [2, 2, 1, 1]);
    expect(Array.from(get(dw, 4))).toEqual([0, 0, 0, 0]);
    release(x, f, y, dw, bias);
  });
});
