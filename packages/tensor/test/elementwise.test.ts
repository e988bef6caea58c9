import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { checkGradNumeric, compareOp, tf, type InputSpec } from './harness.js';

type Op1 = (x: wm.Tensor) => wm.Tensor;
type TfOp1 = (x: tf.Tensor) => tf.Tensor;

// [name, ours, tfjs, input range, gradient?]
const unary: Array<[string, Op1, TfOp1, [number, number], boolean]> = [
  ['neg', wm.neg, tf.neg, [-3, 3], true],
  ['abs', wm.abs, tf.abs, [-3, 3], true],
  ['sign', wm.sign, tf.sign, [-3, 3], true],
  ['exp', wm.exp, tf.exp, [-5, 5], true],
  ['expm1', wm.expm1, tf.expm1, [-2, 2], true],
  ['log', wm.log, tf.log, [0.1, 10], true],
  ['log1p', wm.log1p, tf.log1p, [-0.5, 5], true],
  ['sqrt', wm.sqrt, tf.sqrt, [0.1, 10], true],
  ['rsqrt', wm.rsqrt, tf.rsqrt, [0.1, 10], true],
  ['square', wm.square, tf.square, [-3, 3], true],
  ['reciprocal', wm.reciprocal, tf.reciprocal, [0.5, 3], true],
  ['sin', wm.sin, tf.sin, [-6, 6], true],
  ['cos', wm.cos, tf.cos, [-6, 6], true],
  ['tanh', wm.tanh, tf.tanh, [-4, 4], true],
  ['sigmoid', wm.sigmoid, tf.sigmoid, [-6, 6], true],
  ['relu', wm.relu, tf.relu, [-3, 3], true],
  ['relu6', wm.relu6, tf.relu6, [-3, 9], true],
  ['leakyRelu', (x) => wm.leakyRelu(x, 0.1), (x) => tf.leakyRelu(x, 0.1), [-3, 3], true],
  ['elu', wm.elu, tf.elu, [-3, 3], true],
  ['selu', wm.selu, tf.selu, [-3, 3], true],
  ['softplus', wm.softplus, tf.softplus, [-5, 5], true],
  ['erf', wm.erf, tf.erf, [-3, 3], true],
  ['round', wm.round, tf.round, [-5, 5], true],
  ['floor', wm.floor, tf.floor, [-5, 5], true],
  ['ceil', wm.ceil, tf.ceil, [-5, 5], true],
  ['clipByValue', (x) => wm.clipByValue(x, -0.5, 1), (x) => tf.clipByValue(x, -0.5, 1), [-2, 2], true],
  ['isNaN', wm.isNaN, tf.isNaN, [-2, 2], false],
  ['isFinite', wm.isFinite, tf.isFinite, [-2, 2], false],
];

describe('unary ops vs tfjs', () => {
  for (const [name, ours, theirs, range, grad] of unary) {
    it(name, () => {
      for (const shape of [[], [1], [7], [3, 5], [2, 3, 4, 5], [0, 3], [700, 257]]) {
        compareOp(name, ours, theirs, [{ shape, range }], { grad });
      }
    });
  }

  it('int32 inputs keep tfjs dtypes', () => {
    for (const [name, ours, theirs] of [
      ['neg', wm.neg, tf.neg],
      ['abs', wm.abs, tf.abs],
      ['square', wm.square, tf.square],
      ['exp', wm.exp, tf.exp],
    ] as const) {
      compareOp(name, ours, theirs, [{ shape: [6], dtype: 'int32', range: [-3, 3] }], { grad: false });
    }
  });

  it('special values', () => {
    const v = [0, -0, Infinity, -Infinity, NaN, 1e30, -1e30, 1e-30];
    for (const [name, ours, theirs] of unary) {
      if (['log', 'sqrt', 'rsqrt', 'log1p', 'reciprocal', 'sin', 'cos', 'erf', 'expm1', 'selu', 'elu', 'softplus'].includes(name)) continue;
      compareOp(`${name} special`, ours, theirs, [{ shape: [v.length], values: v }], { grad: false });
    }
  });
});

type Op2 = (a: wm.Tensor, b: wm.Tensor) => wm.Tensor;
type TfOp2 = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const binary: Array<[string, Op2, TfOp2, [number, number], [number, number], boolean]> = [
  ['add', wm.add, tf.add, [-3, 3], [-3, 3], true],
  ['sub', wm.sub, tf.sub, [-3, 3], [-3, 3], true],
  ['mul', wm.mul, tf.mul, [-3, 3], [-3, 3], true],
  ['div', wm.div, tf.div, [-3, 3], [0.5, 3], true],
  ['maximum', wm.maximum, tf.maximum, [-3, 3], [-3, 3], true],
  ['minimum', wm.minimum, tf.minimum, [-3, 3], [-3, 3], true],
  ['pow', wm.pow, tf.pow, [0.5, 3], [-2, 2], true],
  ['squaredDifference', wm.squaredDifference, tf.squaredDifference, [-3, 3], [-3, 3], true],
  ['floorDiv', wm.floorDiv, tf.floorDiv, [-9, 9], [1, 4], false],
  ['mod', wm.mod, tf.mod, [-9, 9], [1, 4], false],
  ['atan2', wm.atan2, tf.atan2, [-3, 3], [-3, 3], true],
];
const TFJS_BAD_BCAST_GRAD = new Set(['maximum', 'minimum', 'squaredDifference']);
const shapes: Array<[number[], number[]]> = [
  [[5], [5]],
  [[2, 3], [3]],
  [
    [2, 1],
    [1, 5],
  ],
  [[], [3, 4]],
  [
    [3, 1, 4],
    [2, 1],
  ],
  [[0, 3], [3]],
  [
    [2, 3, 1, 4, 5],
    [3, 1, 1, 5],
  ],
  [[700, 300], [300]],
];

describe('binary ops vs tfjs (broadcasting every way, with gradients)', () => {
  for (const [name, ours, theirs, ra, rb, grad] of binary) {
    it(name, () => {
      for (const [sa, sb] of shapes) {
        // tfjs's own gradients of these three are wrong when they broadcast (its
        // gradient has the output's shape): check ours by finite differences there.
        const tfGradOk = grad && (!TFJS_BAD_BCAST_GRAD.has(name) || sa.join() === sb.join());
        compareOp(
          name,
          ours,
          theirs,
          [
            { shape: sa, range: ra },
            { shape: sb, range: rb },
          ],
          { grad: tfGradOk },
        );
        compareOp(
          `${name} reversed`,
          ours,
          theirs,
          [
            { shape: sb, range: ra },
            { shape: sa, range: rb },
          ],
          { grad: tfGradOk },
        );
        if (grad && !tfGradOk && sa.length + sb.length < 6 && !sa.includes(0) && sa.reduce((p, d) => p * d, 1) < 100) {
          const other = wm.randomUniform(sb, rb[0], rb[1], 'float32', 5);
          checkGradNumeric(`${name} grad a`, (x) => ours(x, other), sa);
          checkGradNumeric(`${name} grad b`, (x) => ours(wm.randomUniform(sa, ra[0], ra[1], 'float32', 6), x), sb);
          other.dispose();
        }
      }
    });
  }

  it('int32 arithmetic', () => {
    for (const [name, ours, theirs] of [
      ['add', wm.add, tf.add],
      ['sub', wm.sub, tf.sub],
      ['mul', wm.mul, tf.mul],
      ['floorDiv', wm.floorDiv, tf.floorDiv],
      ['mod', wm.mod, tf.mod],
      ['maximum', wm.maximum, tf.maximum],
    ] as const) {
      compareOp(
        name,
        ours,
        theirs,
        [
          { shape: [4, 5], dtype: 'int32', range: [-20, 20] },
          { shape: [5], dtype: 'int32', range: [1, 7] },
        ],
        { grad: false },
      );
    }
  });

  it('comparisons and logic', () => {
    const specs: InputSpec[] = [
      { shape: [3, 4], range: [-2, 2], dtype: 'int32' },
      { shape: [4], range: [-2, 2], dtype: 'int32' },
    ];
    for (const [name, ours, theirs] of [
      ['equal', wm.equal, tf.equal],
      ['notEqual', wm.notEqual, tf.notEqual],
      ['less', wm.less, tf.less],
      ['lessEqual', wm.lessEqual, tf.lessEqual],
      ['greater', wm.greater, tf.greater],
      ['greaterEqual', wm.greaterEqual, tf.greaterEqual],
    ] as const) {
      compareOp(name, ours, theirs, specs, { grad: false });
    }
    const bools: InputSpec[] = [
      { shape: [3, 4], dtype: 'bool' },
      { shape: [1, 4], dtype: 'bool' },
    ];
    compareOp('logicalAnd', wm.logicalAnd, tf.logicalAnd, bools, { grad: false });
    compareOp('logicalOr', wm.logicalOr, tf.logicalOr, bools, { grad: false });
    compareOp('logicalXor', wm.logicalXor, tf.logicalXor, bools, { grad: false });
    compareOp('logicalNot', wm.logicalNot, tf.logicalNot, [bools[0]!], { grad: false });
  });

  it('where with broadcasting and gradients', () => {
    compareOp(
      'where',
      (c, a, b) => wm.where(c!, a!, b!),
      (c, a, b) => tf.where(c!, a!, b!),
      [{ shape: [3, 4], dtype: 'bool' }, { shape: [3, 4] }, { shape: [3, 4] }],
    );
    compareOp(
      'where bcast',
      (c, a, b) => wm.where(c!, a!, b!),
      (c, a, b) => tf.where(c!, a!, b!),
      [{ shape: [4], dtype: 'bool' }, { shape: [3, 4] }, { shape: [3, 4] }],
      { grad: false },
    );
  });

  it('errors name the op and shapes, and leave inputs intact', () => {
    const a = wm.ones([2, 3]),
      b = wm.ones([4]);
    expect(() => wm.add(a, b)).toThrow(/Add: shapes \[2,3\] and \[4\] cannot be broadcast/);
    expect(Array.from(a.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    wm.dispose([a, b]);
  });
});
