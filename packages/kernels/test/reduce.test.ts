import { beforeAll, describe, expect, it } from 'vitest';
import {
  alloc,
  f32View,
  free,
  i32View,
  reduce,
  reduceCollapsed,
  reduceDims,
  u8View,
  type ReduceDtype,
  type ReduceOp,
} from '@wasmml/kernels';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { setup, singleAndThreaded } from './helpers.js';

beforeAll(() => setup(2));

type Arr = Float32Array | Int32Array | Uint8Array;

function putTyped(data: Arr): number {
  const p = alloc(Math.max(16, data.byteLength));
  if (data instanceof Float32Array) f32View(p, data.length).set(data);
  else if (data instanceof Int32Array) i32View(p, data.length).set(data);
  else u8View(p, data.length).set(data);
  return p;
}

function outDtype(op: ReduceOp, dtype: ReduceDtype): ReduceDtype {
  if (op === 'argMax' || op === 'argMin') return 'int32';
  if (op === 'all' || op === 'any') return 'bool';
  return dtype;
}

function view(p: number, n: number, dtype: ReduceDtype): Arr {
  return dtype === 'float32' ? f32View(p, n).slice() : dtype === 'int32' ? i32View(p, n).slice() : u8View(p, n).slice();
}

/** Float64 reference following tfjs's cpu kernels (first value kept, NaN handling as there). */
function refReduce(op: ReduceOp, x: ArrayLike<number>, outer: number, r: number, inner: number, int: boolean): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const v = (k: number) => x[(o * r + k) * inner + i]!;
      let acc: number;
      switch (op) {
        case 'sum':
        case 'mean':
          acc = 0;
          for (let k = 0; k < r; k++) acc += v(k);
          if (op === 'mean') acc /= r;
          break;
        case 'prod':
          acc = 1;
          for (let k = 0; k < r; k++) acc = int ? Math.imul(acc, v(k)) : acc * v(k);
          break;
        case 'max':
          acc = v(0);
          for (let k = 0; k < r; k++) if (Number.isNaN(v(k)) || v(k) > acc) acc = v(k);
          break;
        case 'min':
          acc = v(0);
          for (let k = 0; k < r; k++) if (Number.isNaN(v(k)) || v(k) < acc) acc = v(k);
          break;
        case 'all':
          acc = 1;
          for (let k = 0; k < r; k++) acc = acc && v(k) ? 1 : 0;
          break;
        case 'any':
          acc = 0;
          for (let k = 0; k < r; k++) acc = acc || v(k) ? 1 : 0;
          break;
        case 'logSumExp': {
          let m = -Infinity;
          for (let k = 0; k < r; k++) m = Math.max(m, v(k));
          let s = 0;
          for (let k = 0; k < r; k++) s += Math.exp(v(k) - m);
          acc = m + Math.log(s);
          break;
        }
        case 'argMax':
        case 'argMin': {
          let best = v(0);
          acc = 0;
          for (let k = 0; k < r; k++)
            if (op === 'argMax' ? v(k) > best : v(k) < best) {
              best = v(k);
              acc = k;
            }
          break;
        }
      }
      out.push(int && op === 'sum' ? acc | 0 : acc);
    }
  }
  return out;
}

function makeInput(dtype: ReduceDtype, n: number, seed: number, op: ReduceOp): Arr {
  const r = rng(seed);
  if (dtype === 'bool') {
    // Mostly true for all, mostly false for any, so both answers occur.
    return Uint8Array.from({ length: n }, () => (op === 'all' ? (r() < 0.999 ? 1 + Math.floor(r() * 3) : 0) : r() < 0.001 ? 1 : 0));
  }
  if (dtype === 'int32') {
    const span = op === 'prod' ? 3 : 2000;
    return Int32Array.from({ length: n }, () => Math.floor(r() * span) - (op === 'prod' ? 1 : 1000));
  }
  // Products of many factors stay finite near 1; ties for argMax via rounding to a grid.
  if (op === 'prod') return randomFloats(n, seed, 0.9, 1.1);
  if (op === 'argMax' || op === 'argMin') return Float32Array.from(randomFloats(n, seed), (v) => Math.round(v * 20) / 20);
  return randomFloats(n, seed, -3, 3);
}

function run(op: ReduceOp, dtype: ReduceDtype, outer: number, r: number, inner: number, seed = 1, input?: Arr) {
  const x = input ?? makeInput(dtype, outer * r * inner, seed, op);
  const xp = putTyped(x);
  const od = outDtype(op, dtype);
  const n = outer * inner;
  const res = singleAndThreaded(() => {
    const out = alloc(Math.max(16, n * 4));
    (od === 'bool' ? u8View(out, n) : f32View(out, n)).fill(0xcd);
    reduceCollapsed(op, xp, out, outer, r, inner, dtype);
    const v = view(out, n, od);
    free(out);
    return v;
  });
  free(xp);
  return { x, ...res };
}

function check(op: ReduceOp, dtype: ReduceDtype, outer: number, r: number, inner: number, seed = 1) {
  const { x, single, threaded } = run(op, dtype, outer, r, inner, seed);
  const ref = refReduce(op, x, outer, r, inner, dtype === 'int32');
  const what = `${op} ${dtype} [${outer}, ${r}, ${inner}]`;
  if (dtype === 'float32' && !['argMax', 'argMin', 'max', 'min'].includes(op)) {
    const tol = op === 'sum' ? 3e-7 * r * 3 + 1e-5 : 1e-5;
    expectClose(single, ref, op === 'prod' ? 1e-4 : 1e-5, tol, what);
  } else {
    expect(Array.from(single), what).toEqual(ref);
  }
  expect(threaded, `${what} threaded`).toEqual(single);
}

const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 1, 2],
  [2, 5, 1],
  [4, 7, 3],
  [3, 17, 5],
  [2, 33, 17],
  [1, 64, 1],
  [7, 6, 40],
  [1, 10000, 1],
  [3, 4097, 1],
  [2, 8200, 3],
  [1, 5000, 21],
];
const cases: Array<[ReduceOp, ReduceDtype]> = [
  ['sum', 'float32'],
  ['mean', 'float32'],
  ['prod', 'float32'],
  ['max', 'float32'],
  ['min', 'float32'],
  ['logSumExp', 'float32'],
  ['argMax', 'float32'],
  ['argMin', 'float32'],
  ['sum', 'int32'],
  ['prod', 'int32'],
  ['max', 'int32'],
  ['min', 'int32'],
  ['argMax', 'int32'],
  ['argMin', 'int32'],
  ['all', 'bool'],
  ['any', 'bool'],
];

describe('reductions', () => {
  for (const [op, dtype] of cases) {
    it(`${op} ${dtype} over sizes 1 .. chunked`, () => {
      shapes.forEach(([o, r, i], k) => check(op, dtype, o, r, i, k + 1));
    });
  }

  it('a full reduction of one long vector uses the pool and matches float64', () => {
    const n = 1 << 20;
    const { x, single, threaded } = run('sum', 'float32', 1, n, 1, 7);
    let s = 0,
      a = 0;
    for (let i = 0; i < n; i++) {
      s += x[i]!;
      a += Math.abs(x[i]!);
    }
    expect(Math.abs(single[0]! - s)).toBeLessThan(a * 1e-6);
    expect(threaded).toEqual(single);
  });

  it('reduces several levels of partials (more than CHUNK^2 elements)', () => {
    const n = 4096 * 4096 + 70;
    const x = new Uint8Array(n).fill(1);
    x[n - 3] = 0;
    let res = run('all', 'bool', 1, n, 1, 1, x);
    expect(Array.from(res.single)).toEqual([0]);
    expect(res.threaded).toEqual(res.single);
    x.fill(0);
    x[n - 3] = 1;
    res = run('any', 'bool', 1, n, 1, 1, x);
    expect(Array.from(res.single)).toEqual([1]);
    x[n - 3] = 0;
    res = run('any', 'bool', 1, n, 1, 1, x);
    expect(Array.from(res.single)).toEqual([0]);
  });

  it('NaN: max/min propagate it, argMax only picks it in first place (as tfjs)', () => {
    const nan = NaN;
    const x = Float32Array.from([1, nan, 3, 2, nan, 0, -1, 5, 4, 1, nan, 7]);
    expect(Array.from(run('max', 'float32', 3, 4, 1, 1, x).single)).toEqual([NaN, NaN, NaN]);
    expect(Array.from(run('min', 'float32', 3, 4, 1, 1, x).single)).toEqual([NaN, NaN, NaN]);
    expect(Array.from(run('argMax', 'float32', 3, 4, 1, 1, x).single)).toEqual([2, 0, 3]);
    expect(Array.from(run('argMin', 'float32', 3, 4, 1, 1, x).single)).toEqual([0, 0, 1]);
    // The same along inner (one column per lane) and across chunks.
    const long = new Float32Array(9000).fill(2);
    long[0] = nan;
    long[5000] = 9;
    expect(Array.from(run('argMax', 'float32', 1, 9000, 1, 1, long).single)).toEqual([0]);
    long[0] = 2;
    long[8000] = 9;
    long[100] = nan;
    expect(Array.from(run('argMax', 'float32', 1, 9000, 1, 1, long).single)).toEqual([5000]);
    const cols = Float32Array.from([nan, 1, 2, 5, 7, nan, 5, 7, 1]);
    expect(Array.from(run('argMax', 'float32', 1, 3, 3, 1, cols).single)).toEqual([0, 1, 0]);
  });

  it('argMax ties: first occurrence, across lanes and chunks', () => {
    const x = new Float32Array(12000).fill(0);
    x[7] = 3;
    x[3] = 3;
    x[4100] = 3;
    x[11999] = 3;
    expect(Array.from(run('argMax', 'float32', 1, 12000, 1, 1, x).single)).toEqual([3]);
    expect(Array.from(run('argMin', 'float32', 1, 12000, 1, 1, x).single)).toEqual([0]);
    const y = new Int32Array(12000).fill(-5);
    y[9000] = -9;
    y[4097] = -9;
    expect(Array.from(run('argMin', 'int32', 1, 12000, 1, 1, y).single)).toEqual([4097]);
  });

  it('int32 sums wrap around like Int32Array', () => {
    const x = Int32Array.from([2147483647, 1, 5, -2147483648, -1, -7]);
    expect(Array.from(run('sum', 'int32', 2, 3, 1, 1, x).single)).toEqual([-2147483643, 2147483640]);
  });

  it('empty axes give the identity; empty outputs are a no-op', () => {
    const out = alloc(16);
    const ident: Array<[ReduceOp, ReduceDtype, number]> = [
      ['sum', 'float32', 0],
      ['prod', 'float32', 1],
      ['max', 'float32', -Infinity],
      ['min', 'int32', 2147483647],
      ['mean', 'float32', NaN],
      ['logSumExp', 'float32', -Infinity],
      ['all', 'bool', 1],
      ['any', 'bool', 0],
    ];
    for (const [op, dtype, v] of ident) {
      reduceCollapsed(op, 0, out, 2, 0, 1, dtype);
      expect(Array.from(view(out, 2, outDtype(op, dtype))), op).toEqual([v, v]);
    }
    expect(() => reduceCollapsed('argMax', 0, out, 2, 0, 1)).toThrow(/argMax.*empty/);
    f32View(out, 1).fill(42);
    reduceCollapsed('sum', 0, out, 0, 5, 3);
    expect(f32View(out, 1)[0]).toBe(42);
    free(out);
  });

  it('reduce() collapses shape and axes, and rejects what it cannot do', () => {
    expect(reduceDims([2, 3, 4, 5], [1, 2])).toEqual({ outer: 2, r: 12, inner: 5 });
    expect(reduceDims([2, 3, 4, 5], [-1])).toEqual({ outer: 24, r: 5, inner: 1 });
    expect(reduceDims([2, 3], [])).toEqual({ outer: 6, r: 1, inner: 1 });
    expect(() => reduceDims([2, 3, 4], [0, 2])).toThrow(/not contiguous/);
    expect(() => reduceDims([2, 3], [2])).toThrow(/out of range/);
    const data = randomFloats(2 * 3 * 4, 3);
    const x = putTyped(data),
      out = alloc(64);
    reduce('sum', x, out, [2, 3, 4], [0, 1]);
    const ref = [0, 1, 2, 3].map((i) => {
      let s = 0;
      for (let k = 0; k < 6; k++) s += data[k * 4 + i]!;
      return s;
    });
    expectClose(f32View(out, 4), ref, 1e-5, 1e-6);
    expect(() => reduce('mean', x, out, [2, 3, 4], [1], 'int32')).toThrow(/mean: dtype int32 is not supported/);
    expect(() => reduce('argMax', x, out, [2, 3, 4], [1, 2])).toThrow(/exactly one axis/);
    expect(() => reduce('all', x, out, [2, 3, 4], [1], 'float32')).toThrow(/expected bool/);
    free(x);
    free(out);
  });
});
