import { beforeAll, describe, expect, it } from 'vitest';
import {
  INT32_UNARY_OPS,
  PREDICATE_OPS,
  UNARY_GRAD_READS,
  UNARY_OPS,
  backendInfo,
  predicate,
  unary,
  unaryGrad,
  type PredicateOp,
  type UnaryOp,
} from '@wasmml/kernels';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { release, setup, singleAndThreaded } from './helpers.js';
import { EDGE_FLOATS, emptyAs, erf64, expectSameBytes, expectValues, getAs, phi64, putAs, randomInts } from './elementwise-ref.js';

beforeAll(() => setup(2));

const SELU_SCALE = 1.0507009873554805,
  SELU_ALPHA = 1.6732632423543772;
// Parameters exact in float32, as the kernels receive them.
const ALPHA: Partial<Record<UnaryOp, number>> = { leakyRelu: 0.25, elu: 0.75, clipByValue: -1.5 };
const BETA: Partial<Record<UnaryOp, number>> = { clipByValue: 2.25 };

// Float64 references with tfjs's edge semantics (the cpu backend computes in float64 and rounds).
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const REF: Record<UnaryOp, (x: number, a: number, b: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x < 0 ? -1 : x > 0 ? 1 : 0),
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(Math.max(0, x), 6),
  leakyRelu: (x, a) => (x < 0 ? a * x : x),
  elu: (x, a) => (x >= 0 ? x : a * Math.expm1(x)),
  selu: (x) => (x >= 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x)),
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  gelu: (x) => x * phi64(x),
  // 0.5·x·(1 + tanh(u)) = x·sigmoid(2u), which float64 evaluates without cancellation.
  geluApprox: (x) => x * sigmoid(2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)),
  erf: erf64,
  atan: Math.atan,
  clipByValue: (x, lo, hi) => (x > hi ? hi : Math.max(x, lo)),
  round: (x) => {
    const base = Math.floor(x);
    if (x - base !== 0.5) return Math.round(x);
    return base % 2 === 0 ? base : base + 1;
  },
  floor: Math.floor,
  ceil: Math.ceil,
};

// [rtol, atol]. atol covers results that cancel to near 0 (sin, cos near their
// zeros: the f32 input's own rounding is amplified) and subnormal outputs.
const TOL: Partial<Record<UnaryOp, [number, number]>> = {
  sin: [2e-6, 1e-7],
  cos: [2e-6, 1e-7],
  tanh: [2e-6, 1e-38],
  erf: [1e-6, 1e-38],
  gelu: [2e-6, 1e-38],
  geluApprox: [2e-5, 1e-38],
  softplus: [1e-6, 1e-38],
};
const DEFAULT_TOL: [number, number] = [1e-6, 1e-38];

/** Test inputs: uniform in [-10, 10], log-uniform magnitudes 1e-12..1e12 of either sign, edge values. */
function inputs(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = i % 3 === 0 ? 20 * r() - 10 : (r() < 0.5 ? -1 : 1) * 10 ** (24 * r() - 12);
  }
  for (let i = 0; i < Math.min(n, EDGE_FLOATS.length); i++) out[(i * 7919) % n] = EDGE_FLOATS[i]!;
  return out;
}

/** The reference rounded to float32, so overflow and underflow compare as the kernel's must. */
function reference(op: UnaryOp, x: Float32Array): number[] {
  return Array.from(x, (v) => Math.fround(REF[op](v, ALPHA[op] ?? 0, BETA[op] ?? 0)));
}

function runUnary(op: UnaryOp, x: Float32Array): Float32Array {
  const xp = putAs('f32', x),
    op_ = emptyAs('f32', x.length);
  unary(op, 'float32', xp, op_, x.length, ALPHA[op], BETA[op]);
  const out = getAs('f32', op_, x.length) as Float32Array;
  release(xp, op_);
  return out;
}

describe('unary float32', () => {
  it('threads are running', () => expect(backendInfo().threads).toBe(2));

  for (const op of UNARY_OPS) {
    it(`${op} matches the float64 reference at sizes 0, 1, 3, 5, 1023 and on edge values`, () => {
      const [rtol, atol] = TOL[op] ?? DEFAULT_TOL;
      for (const n of [0, 1, 3, 5, 1023]) {
        const x = inputs(n, n + 17);
        expectClose(runUnary(op, x), reference(op, x), rtol, atol, `${op} n=${n}`);
      }
      const edges = Float32Array.from(EDGE_FLOATS);
      expectClose(runUnary(op, edges), reference(op, edges), rtol, atol, `${op} edges`);
    });
  }

  it('keeps the sign of zero where Math does', () => {
    const x = Float32Array.from([-0, 0]);
    const ops: UnaryOp[] = ['neg', 'abs', 'sqrt', 'expm1', 'log1p', 'sin', 'tanh', 'erf', 'round', 'floor', 'ceil'];
    for (const op of ops) {
      const got = runUnary(op, x);
      expect(Object.is(got[0], REF[op](-0, 0, 0)), `${op}(-0)`).toBe(true);
      expect(Object.is(got[1], REF[op](0, 0, 0)), `${op}(0)`).toBe(true);
    }
    expect(Object.is(runUnary('relu', x)[0], 0)).toBe(true);
  });

  it('rounds half to even, like tfjs', () => {
    const x = Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 4.5000005, 8388609]);
    expect(Array.from(runUnary('round', x))).toEqual([0, 2, 2, -0, -2, -2, 4, 5, 8388609]);
  });

  it('large inputs run on the pool with results identical to one thread', () => {
    const n = 300_001;
    const x = inputs(n, 99);
    const xp = putAs('f32', x);
    for (const op of UNARY_OPS) {
      const { single, threaded } = singleAndThreaded(() => {
        const o = emptyAs('f32', n);
        unary(op, 'float32', xp, o, n, ALPHA[op], BETA[op]);
        const out = getAs('f32', o, n);
        release(o);
        return out;
      });
      expectSameBytes(threaded, single, op);
    }
    release(xp);
  });

  it('works in place', () => {
    const x = randomFloats(37, 5, -3, 3);
    const p = putAs('f32', x);
    unary('sigmoid', 'float32', p, p, x.length);
    expectClose(getAs('f32', p, x.length), reference('sigmoid', x), 1e-6, 0);
    release(p);
  });

  it('rejects bad arguments with errors naming the op', () => {
    const p = putAs('f32', [1]);
    expect(() => unary('relu', 'int32', p, p, 1)).toThrow(/unary relu \(int32\).*no int32 kernel/);
    expect(() => unary('clipByValue', 'float32', p, p, 1, 2, 1)).toThrow(/clipByValue.*min <= max/);
    expect(() => unary('clipByValue', 'float32', p, p, 1)).toThrow(/clipByValue/);
    expect(() => unary('nope' as UnaryOp, 'float32', p, p, 1)).toThrow(/unary nope \(float32\): unknown op/);
    expect(() => unary('toString' as UnaryOp, 'float64' as 'float32', p, p, 1)).toThrow(/unary toString \(float64\): unknown op/);
    expect(() => unary('exp', 'float64' as 'float32', p, p, 1)).toThrow(/unary exp \(float64\): dtype/);
    expect(() => unary('exp', 'float32', p, p, -1)).toThrow(/element count/);
    expect(() => unary('exp', 'float32', 0, p, 1)).toThrow(/x must be an arena address/);
    release(p);
  });
});

describe('unary int32', () => {
  const REF_I: Record<string, (x: number) => number> = {
    neg: (x) => -x | 0,
    abs: (x) => Math.abs(x) | 0,
    sign: Math.sign,
    square: (x) => Math.imul(x, x),
  };
  for (const op of INT32_UNARY_OPS) {
    it(`${op} wraps like Int32Array`, () => {
      for (const n of [0, 1, 5, 1023, 300_001]) {
        const x = randomInts(n, n + 3, 50_000);
        if (n > 4) x.set([0, -1, 2147483647, -2147483648]);
        const xp = putAs('i32', x);
        const { single, threaded } = singleAndThreaded(() => {
          const o = emptyAs('i32', n);
          unary(op, 'int32', xp, o, n);
          const out = getAs('i32', o, n);
          release(o);
          return out;
        });
        expectValues(single, Array.from(x, REF_I[op]!), op);
        expectSameBytes(threaded, single, op);
        release(xp);
      }
    });
  }
});

describe('predicates', () => {
  const REF_P: Record<PredicateOp, (x: number) => boolean> = {
    isNaN: Number.isNaN,
    isFinite: Number.isFinite,
    isInf: (x) => Math.abs(x) === Infinity,
  };
  for (const op of PREDICATE_OPS) {
    it(`${op} gives uint8 0/1`, () => {
      for (const n of [0, 1, 3, 5, 1023, 300_001]) {
        const x = inputs(n, n + 5);
        for (let i = 0; i < n; i += 97) x[i] = [NaN, Infinity, -Infinity][i % 3]!;
        const xp = putAs('f32', x);
        const { single, threaded } = singleAndThreaded(() => {
          const o = emptyAs('u8', n);
          predicate(op, xp, o, n);
          const out = getAs('u8', o, n);
          release(o);
          return out;
        });
        expectValues(
          single,
          Array.from(x, (v) => (REF_P[op](v) ? 1 : 0)),
          op,
        );
        expectSameBytes(threaded, single, op);
        release(xp);
      }
    });
  }
});

// d/dx of each op in float64, from x and (for ops that read it) the saved
// output y as the kernel gets it: rounded to float32.
const DERIV: Record<UnaryOp, (x: number, y: number, a: number, b: number) => number> = {
  neg: () => -1,
  abs: (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : -1),
  sign: () => 0,
  exp: (_x, y) => y,
  expm1: (x) => Math.exp(x),
  log: (x) => 1 / x,
  log1p: (x) => 1 / (1 + x),
  sqrt: (_x, y) => 1 / (2 * y),
  rsqrt: (_x, y) => -0.5 * y * y * y,
  square: (x) => 2 * x,
  reciprocal: (_x, y) => -y * y,
  sin: Math.cos,
  cos: (x) => -Math.sin(x),
  tanh: (_x, y) => (1 - y) * (1 + y),
  sigmoid: (_x, y) => y * (1 - y),
  relu: (_x, y) => (Number.isNaN(y) ? NaN : y > 0 ? 1 : 0),
  relu6: (x) => (Number.isNaN(x) ? NaN : x > 0 && x <= 6 ? 1 : 0),
  leakyRelu: (x, _y, a) => (x > 0 ? 1 : a),
  elu: (_x, y, a) => (y >= 0 ? 1 : y + a),
  selu: (x) => (x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x)),
  softplus: (x) => sigmoid(x),
  gelu: (x) => phi64(x) + (Number.isFinite(x) ? (x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI) : 0),
  geluApprox: (x) => {
    const c = 2 * Math.sqrt(2 / Math.PI),
      s = sigmoid(c * (x + 0.044715 * x ** 3));
    // Beyond |x| = 50, s(1 - s) is 0 in float32 and the derivative is s (also at ±Infinity).
    return Math.abs(x) > 50 ? s : s + x * s * (1 - s) * c * (1 + 3 * 0.044715 * x * x);
  },
  erf: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
  atan: (x) => 1 / (1 + x * x),
  clipByValue: (x, _y, lo, hi) => (x >= lo && x <= hi ? 1 : 0),
  round: () => 0,
  floor: () => 0,
  ceil: () => 0,
};

// Derivatives that cross zero (sin, cos, gelu near x = -0.75) get an absolute
// tolerance of about the float32 rounding of their terms.
const GRAD_TOL: Partial<Record<UnaryOp, [number, number]>> = {
  sin: [2e-6, 3e-7],
  cos: [2e-6, 3e-7],
  gelu: [2e-6, 3e-7],
  geluApprox: [2e-5, 3e-7],
};

describe('unaryGrad', () => {
  for (const op of UNARY_OPS) {
    it(`${op}' (reads ${UNARY_GRAD_READS[op]}) matches the float64 derivative`, () => {
      const a = ALPHA[op] ?? 0,
        b = BETA[op] ?? 0;
      for (const n of [0, 1, 5, 1023, 300_001]) {
        const x = n > 1000 ? randomFloats(n, n, -8, 8) : inputs(n, n + 11);
        const y = Float32Array.from(x, (v) => REF[op](v, a, b));
        const dy = randomFloats(n, n + 1, -2, 2);
        const reads = UNARY_GRAD_READS[op];
        const xp = reads === 'x' ? putAs('f32', x) : 0,
          yp = reads === 'y' ? putAs('f32', y) : 0;
        const dyp = putAs('f32', dy);
        const { single, threaded } = singleAndThreaded(() => {
          const o = emptyAs('f32', n);
          unaryGrad(op, xp, yp, dyp, o, n, ALPHA[op], BETA[op]);
          const out = getAs('f32', o, n);
          release(o);
          return out;
        });
        const ref = Array.from(x, (v, i) => Math.fround(dy[i]! * DERIV[op](v, y[i]!, a, b)));
        const [rtol, atol] = GRAD_TOL[op] ?? [2e-6, 1e-37];
        expectClose(single, ref, rtol, atol, `${op}' n=${n}`);
        expectSameBytes(threaded, single, op);
        release(dyp, ...[xp, yp].filter((p) => p !== 0));
      }
    });
  }

  it('rejects a missing saved operand', () => {
    const p = putAs('f32', [1]);
    expect(() => unaryGrad('sigmoid', p, 0, p, p, 1)).toThrow(/reads y.*y must be an arena address/);
    expect(() => unaryGrad('log', 0, p, p, p, 1)).toThrow(/reads x.*x must be an arena address/);
    release(p);
  });
});
