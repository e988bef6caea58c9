import { beforeAll, describe, expect, it } from 'vitest';
import {
  BINARY_OPS,
  COMPARE_OPS,
  INT32_BINARY_OPS,
  LOGICAL_OPS,
  binary,
  broadcastShapes,
  compare,
  logical,
  select,
  type BinaryOp,
  type CompareOp,
  type LogicalOp,
} from '@wasmml/kernels';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { release, setup, singleAndThreaded } from './helpers.js';
import {
  EDGE_FLOATS,
  broadcastIndex,
  emptyAs,
  expectSameBytes,
  expectValues,
  getAs,
  putAs,
  randomBools,
  randomInts,
  type Kind,
  type Typed,
} from './elementwise-ref.js';

beforeAll(() => setup(2));

// tfjs's mod: the remainder takes the divisor's sign.
function tfjsMod(a: number, b: number): number {
  const rem = a % b;
  return (a < 0 && b < 0) || (a >= 0 && b >= 0) ? rem : (rem + b) % b;
}

// a^b modulo 2^32 (exact, through BigInt); negative b truncates 1/a^|b| as tfjs.
function powI32(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 === 0 ? 1 : -1) : 0;
  let r = 1n,
    base = BigInt(a),
    e = b;
  while (e > 0) {
    if (e & 1) r = BigInt.asIntN(32, r * base);
    base = BigInt.asIntN(32, base * base);
    e = Math.floor(e / 2);
  }
  return Number(r);
}

const F32: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  divNoNan: (a, b) => (b === 0 ? 0 : a / b),
  maximum: Math.max,
  minimum: Math.min,
  pow: Math.pow,
  squaredDifference: (a, b) => (a - b) ** 2,
  floorDiv: (a, b) => Math.floor(a / b),
  mod: tfjsMod,
  atan2: Math.atan2,
};
const I32: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: Math.imul,
  maximum: Math.max,
  minimum: Math.min,
  squaredDifference: (a, b) => Math.imul((a - b) | 0, (a - b) | 0),
  floorDiv: (a, b) => Math.floor(a / b) | 0,
  mod: (a, b) => tfjsMod(a, b) | 0,
  pow: powI32,
};
// Ops whose float64-then-round result the kernel reproduces bit for bit; the
// others are within [rtol] (pow through float32 powf, squaredDifference
// rounding a - b first, atan2 through another float64 library).
const EXACT = new Set<BinaryOp>(['add', 'sub', 'mul', 'div', 'divNoNan', 'maximum', 'minimum', 'floorDiv', 'mod']);
const RTOL: Partial<Record<BinaryOp, number>> = { pow: 1.3e-7, squaredDifference: 2.4e-7, atan2: 1.3e-7 };

/** Applies f to every output element of the broadcast of a and b. */
function reference(
  a: ArrayLike<number>,
  aShape: number[],
  b: ArrayLike<number>,
  bShape: number[],
  f: (x: number, y: number) => number,
): number[] {
  const out = broadcastShapes(aShape, bShape);
  const ia = broadcastIndex(aShape, out),
    ib = broadcastIndex(bShape, out);
  return Array.from(ia, (ai, i) => f(a[ai]!, b[ib[i]!]!));
}

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

/** Runs fn(a, b, out) on arena copies once single-threaded and once on the pool; checks both agree bitwise. */
function run(
  kinds: [Kind, Kind, Kind],
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  fn: (a: number, b: number, out: number) => void,
): Typed {
  const ap = putAs(kinds[0], a),
    bp = putAs(kinds[1], b);
  const { single, threaded } = singleAndThreaded(() => {
    const o = emptyAs(kinds[2], n);
    fn(ap, bp, o);
    const out = getAs(kinds[2], o, n);
    release(o);
    return out;
  });
  expectSameBytes(threaded, single, 'threaded vs single');
  release(ap, bp);
  return single;
}

// Every broadcasting direction: same shape at sizes 0/1/3/5/1023, scalars both
// ways, rows (bias), columns, an outer product, rank 5 mixed, a layout that
// stays 8 dims after collapsing (split over several kernel calls), an empty
// broadcast, short rows (widened by repeating the short operand) and large
// cases for the pool.
const SHAPES: Array<[number[], number[]]> = [
  [[0], [0]],
  [[1], [1]],
  [[3], [3]],
  [[5], [5]],
  [[1023], [1023]],
  [[], []],
  [[7, 9], []],
  [[], [7, 9]],
  [[1], [10]],
  [[7, 9], [9]],
  [[9], [7, 9]],
  [
    [7, 9],
    [7, 1],
  ],
  [
    [33, 1],
    [1, 33],
  ],
  [
    [2, 1, 3, 1, 5],
    [1, 4, 3, 6, 1],
  ],
  [
    [2, 1, 2, 1, 2, 1, 2, 1],
    [1, 3, 1, 2, 1, 3, 1, 2],
  ],
  [
    [0, 3],
    [1, 3],
  ],
  [[1001, 3], [3]],
  [[3], [1001, 3]],
  [[37, 5], [5]],
  [[64, 1, 7], [7]],
  [[600, 512], [512]],
  [[300_001], []],
  [
    [600, 512],
    [600, 1],
  ],
  [[300_001], [300_001]],
  [[100_003, 3], [3]],
];

function floatData(n: number, seed: number): Float32Array {
  const x = randomFloats(n, seed, -6, 6);
  for (let i = 0; i < n; i += 11) x[i] = Math.fround(x[i]! * 1e4);
  for (let i = 0; i < Math.min(n, EDGE_FLOATS.length); i++) x[(i * 31) % n] = EDGE_FLOATS[i]!;
  return x;
}

describe('binary float32', () => {
  for (const op of BINARY_OPS) {
    it(`${op} broadcasts in every direction and matches float64`, () => {
      for (const [as, bs] of SHAPES) {
        const a = floatData(size(as), size(as) + 1),
          b = floatData(size(bs), size(bs) + 2);
        const outShape = broadcastShapes(as, bs);
        const got = run(['f32', 'f32', 'f32'], a, b, size(outShape), (ap, bp, o) => binary(op, 'float32', ap, as, bp, bs, o, outShape));
        const ref = reference(a, as, b, bs, F32[op]).map(Math.fround);
        if (EXACT.has(op)) expectValues(got, ref, `${op} [${as}] [${bs}]`);
        else expectClose(got, ref, RTOL[op]!, 1e-44, `${op} [${as}] [${bs}]`);
      }
    });
  }

  it('every pair of edge values (an outer product of a column and a row)', () => {
    const e = Float32Array.from(EDGE_FLOATS),
      m = e.length;
    for (const op of BINARY_OPS) {
      const got = run(['f32', 'f32', 'f32'], e, e, m * m, (ap, bp, o) => binary(op, 'float32', ap, [m, 1], bp, [1, m], o, [m, m]));
      const ref = reference(e, [m, 1], e, [1, m], F32[op]).map(Math.fround);
      if (EXACT.has(op)) expectValues(got, ref, op);
      else expectClose(got, ref, RTOL[op]!, 1e-44, op);
    }
  });

  it('mod takes the sign of the divisor, floorDiv rounds the float64 quotient', () => {
    const a = [5, -5, 5, -5, 5.5, -0.5, 0],
      b = [3, 3, -3, -3, 2, 1, -2];
    const got = run(['f32', 'f32', 'f32'], a, b, 7, (ap, bp, o) => binary('mod', 'float32', ap, [7], bp, [7], o, [7]));
    expectValues(got, [2, 1, -1, -2, 1.5, 0.5, 0]);
    const q = run(['f32', 'f32', 'f32'], a, b, 7, (ap, bp, o) => binary('floorDiv', 'float32', ap, [7], bp, [7], o, [7]));
    expectValues(q, [1, -2, -2, 1, 2, -1, -0]);
  });

  it('works in place on the output-shaped operand', () => {
    const a = randomFloats(50, 3),
      b = randomFloats(10, 4);
    const ap = putAs('f32', a),
      bp = putAs('f32', b);
    binary('add', 'float32', ap, [5, 10], bp, [10], ap, [5, 10]);
    expectValues(getAs('f32', ap, 50), reference(a, [5, 10], b, [10], F32.add).map(Math.fround));
    release(ap, bp);
  });
});

describe('binary int32', () => {
  for (const op of INT32_BINARY_OPS) {
    it(`${op} wraps like Int32Array in every broadcasting direction`, () => {
      for (const [as, bs] of SHAPES) {
        const small = op === 'pow' ? 6 : 1000;
        const a = randomInts(size(as), size(as) + 5, small),
          b = randomInts(size(bs), size(bs) + 6, small);
        if (op === 'pow') b.forEach((v, i) => (b[i] = i % 7 === 0 ? v : (Math.abs(v) % 40) - 3));
        const outShape = broadcastShapes(as, bs);
        const got = run(['i32', 'i32', 'i32'], a, b, size(outShape), (ap, bp, o) => binary(op, 'int32', ap, as, bp, bs, o, outShape));
        expectValues(got, reference(a, as, b, bs, I32[op]!), `${op} [${as}] [${bs}]`);
      }
    });
  }

  it('overflow wraps; division by zero and INT_MIN / -1 do not trap', () => {
    const MAX = 2147483647,
      MIN = -2147483648;
    const a = [MAX, MIN, MIN, 7, -7, 0, MIN, 46341, 3, -2];
    const b = [1, -1, -1, 0, 0, 0, -1, 46341, 31, 31];
    const go = (op: BinaryOp) =>
      Array.from(
        run(['i32', 'i32', 'i32'], a, b, a.length, (ap, bp, o) => binary(op, 'int32', ap, [a.length], bp, [b.length], o, [a.length])),
      );
    expect(go('add')[0]).toBe(MIN);
    expect(go('sub')[1]).toBe(MIN + 1);
    expect(go('floorDiv')).toEqual([MAX, MIN, MIN, 0, 0, 0, MIN, 1, 0, -1]);
    expect(go('mod')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 3, 29]);
    expect(go('mul')[7]).toBe(Math.imul(46341, 46341));
    // tfjs's Math.pow then Int32Array agrees while the power is exact in float64.
    expect(go('pow').slice(8)).toEqual([(3 ** 31) | 0, ((-2) ** 31) | 0]);
  });
});

describe('compare and logical', () => {
  const CMP: Record<CompareOp, (a: number, b: number) => boolean> = {
    equal: (a, b) => a === b,
    notEqual: (a, b) => a !== b,
    less: (a, b) => a < b,
    lessEqual: (a, b) => a <= b,
    greater: (a, b) => a > b,
    greaterEqual: (a, b) => a >= b,
  };
  for (const op of COMPARE_OPS) {
    it(`${op} on float32 (NaN unequal to everything) and int32, uint8 out`, () => {
      for (const [as, bs] of SHAPES) {
        const outShape = broadcastShapes(as, bs),
          n = size(outShape);
        const a = floatData(size(as), 7),
          b = floatData(size(bs), 8);
        // Some equal values, so equality is exercised.
        for (let i = 0; i < Math.min(a.length, b.length); i += 3) b[i] = a[i]!;
        const ref = (x: ArrayLike<number>, y: ArrayLike<number>) => reference(x, as, y, bs, (p, q) => (CMP[op](p, q) ? 1 : 0));
        const gf = run(['f32', 'f32', 'u8'], a, b, n, (ap, bp, o) => compare(op, 'float32', ap, as, bp, bs, o, outShape));
        expectValues(gf, ref(a, b), `${op} f32 [${as}] [${bs}]`);
        const ai = randomInts(size(as), 9, 5),
          bi = randomInts(size(bs), 10, 5);
        const gi = run(['i32', 'i32', 'u8'], ai, bi, n, (ap, bp, o) => compare(op, 'int32', ap, as, bp, bs, o, outShape));
        expectValues(gi, ref(ai, bi), `${op} i32 [${as}] [${bs}]`);
      }
    });
  }

  const LOGIC: Record<LogicalOp, (a: boolean, b: boolean) => boolean> = {
    logicalAnd: (a, b) => a && b,
    logicalOr: (a, b) => a || b,
    logicalXor: (a, b) => a !== b,
  };
  for (const op of LOGICAL_OPS) {
    it(`${op} on uint8 (non-zero is true), 0/1 out`, () => {
      for (const [as, bs] of SHAPES) {
        const outShape = broadcastShapes(as, bs),
          n = size(outShape);
        const a = randomBools(size(as), 11),
          b = randomBools(size(bs), 12);
        const got = run(['u8', 'u8', 'u8'], a, b, n, (ap, bp, o) => logical(op, ap, as, bp, bs, o, outShape));
        const ref = reference(a, as, b, bs, (p, q) => (LOGIC[op](p !== 0, q !== 0) ? 1 : 0));
        expectValues(got, ref, `${op} [${as}] [${bs}]`);
      }
    });
  }
});

describe('select', () => {
  const CASES: Array<[number[], number[], number[]]> = [
    [[0], [0], [0]],
    [[1], [1], [1]],
    [[5], [5], [5]],
    [[1023], [1023], [1023]],
    [[], [7, 9], [7, 9]],
    [
      [7, 1],
      [7, 9],
      [7, 9],
    ],
    [[7, 9], [9], []],
    [[9], [7, 1], [1, 9]],
    [
      [2, 1, 3, 1, 5],
      [1, 4, 1, 6, 1],
      [3, 1, 5],
    ],
    [[1001, 3], [1001, 3], [3]],
    [[3], [3], [1001, 3]],
    [[600, 512], [600, 512], [512]],
    [
      [600, 1],
      [600, 512],
      [600, 512],
    ],
    [[300_001], [], [300_001]],
  ];
  for (const bytes of [4, 1] as const) {
    it(`${bytes}-byte elements, cond / a / b each broadcast`, () => {
      const kind: Kind = bytes === 4 ? 'i32' : 'u8';
      for (const [cs, as, bs] of CASES) {
        const outShape = broadcastShapes(cs, as, bs),
          n = size(outShape);
        const c = randomBools(size(cs), 13);
        // int32 bits stand for any 4-byte type: NaN payloads included, nothing is converted.
        const a = bytes === 4 ? randomInts(size(as), 14) : randomBools(size(as), 15).map((v) => v * 3);
        const b = bytes === 4 ? randomInts(size(bs), 16) : randomBools(size(bs), 17).map((v) => v * 5 + 2);
        const cp = putAs('u8', c);
        const got = run([kind, kind, kind], a, b, n, (ap, bp, o) => select(bytes, cp, cs, ap, as, bp, bs, o, outShape));
        release(cp);
        const ic = broadcastIndex(cs, outShape),
          ia = broadcastIndex(as, outShape),
          ib = broadcastIndex(bs, outShape);
        const ref = Array.from(ic, (ci, i) => (c[ci] !== 0 ? a[ia[i]!]! : b[ib[i]!]!));
        expectValues(got, ref, `select [${cs}] [${as}] [${bs}]`);
      }
    });
  }
});

describe('shapes and errors', () => {
  it('broadcastShapes follows NumPy / tfjs', () => {
    expect(broadcastShapes([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes([], [5])).toEqual([5]);
    expect(broadcastShapes([0], [1])).toEqual([0]);
    expect(broadcastShapes([3, 1], [1, 4], [2, 1, 1])).toEqual([2, 3, 4]);
    expect(() => broadcastShapes([2], [3])).toThrow(/\[2\] and \[3\] are not broadcast-compatible \(dim -1 is 2 vs 3/);
    expect(() => broadcastShapes([2, -1])).toThrow(/non-negative integers/);
  });

  it('binary ops reject mismatched shapes, unknown ops and missing int32 kernels, naming them', () => {
    const p = putAs('f32', new Float32Array(12));
    expect(() => binary('add', 'float32', p, [2, 3], p, [4], p, [2, 3])).toThrow(/binary add \(float32\).*a \[2,3\] and b \[4\]/);
    expect(() => binary('mul', 'float32', p, [2, 3], p, [3], p, [3, 2])).toThrow(/output shape \[3,2\] should be \[2,3\]/);
    expect(() => binary('div', 'int32', p, [1], p, [1], p, [1])).toThrow(/binary div \(int32\).*no int32 kernel/);
    expect(() => binary('nope' as BinaryOp, 'float32', p, [1], p, [1], p, [1])).toThrow(/binary nope \(float32\): unknown op/);
    expect(() => binary('toString' as BinaryOp, 'int32', p, [1], p, [1], p, [1])).toThrow(/binary toString \(int32\): unknown op/);
    expect(() => compare('constructor' as 'less', 'float32', p, [1], p, [1], p, [1])).toThrow(
      /compare constructor \(float32\): unknown op/,
    );
    expect(() => binary('add', 'float64' as 'float32', p, [1], p, [1], p, [1])).toThrow(/dtype/);
    expect(() => compare('less', 'float32', p, [2], p, [3], p, [3])).toThrow(/compare less/);
    expect(() => select(2 as 4, p, [1], p, [1], p, [1], p, [1])).toThrow(/elemBytes/);
    expect(() => select(4, p, [2], p, [3], p, [3], p, [3])).toThrow(/select.*cond \[2\]/);
    expect(() => binary('add', 'float32', 0, [1], p, [1], p, [1])).toThrow(/a must be an arena address/);
    release(p);
  });
});

it('randomised shapes agree with the reference', () => {
  const r = rng(77);
  for (let t = 0; t < 40; t++) {
    const rank = 1 + Math.floor(r() * 6);
    const out = Array.from({ length: rank }, () => 1 + Math.floor(r() * 4));
    const pick = () => out.slice(Math.floor(r() * rank)).map((d) => (r() < 0.4 ? 1 : d));
    const as = pick(),
      bs = pick(),
      outShape = broadcastShapes(as, bs);
    const a = randomFloats(size(as), t),
      b = randomFloats(size(bs), t + 100);
    const got = run(['f32', 'f32', 'f32'], a, b, size(outShape), (ap, bp, o) => binary('sub', 'float32', ap, as, bp, bs, o, outShape));
    expectValues(got, reference(a, as, b, bs, F32.sub).map(Math.fround), `[${as}] - [${bs}]`);
  }
});
