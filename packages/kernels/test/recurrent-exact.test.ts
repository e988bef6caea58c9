// The LSTM and GRU cells activate their gates with the unary kernels' own
// functions (assembly/activation.ts): the gates a sequence kernel stores equal
// sigmoid / tanh of the unary kernels bit for bit, and so does h = o·tanh(c).
// A zero recurrent kernel makes every step's pre-activation exactly its input
// (x + h·0 = x for x != 0), so the composition can be computed outside.
import { beforeAll, describe, expect, it } from 'vitest';
import { gruForward, lstmForward, unary, type UnaryOp } from '@wasmml/kernels';
import { randomFloats } from '@wasmml/test-utils';
import { empty, get, put, release, setup } from './helpers.js';

beforeAll(() => setup(2));

/** Pre-activations: wide enough for the saturated tails, with edge values and no exact zeros (tanh(±0) keeps the sign). */
function preActivations(n: number, seed: number): Float32Array {
  const x = randomFloats(n, seed, -12, 12);
  const edges = [-90, -20, -9.5, -1e-3, -1e-30, 1e-30, 1e-3, 9.5, 20, 90];
  for (let i = 0; i < edges.length && i < n; i++) x[(i * 37) % n] = edges[i]!;
  for (let i = 0; i < n; i++) if (x[i] === 0) x[i] = 0.5;
  return x;
}

/** op over float32 values through the unary kernel (the composed op). */
function unaryOf(op: UnaryOp, v: Float32Array): Float32Array {
  const p = put(v),
    o = empty(v.length);
  unary(op, 'float32', p, o, v.length);
  const out = get(o, v.length);
  release(p, o);
  return out;
}

/** The elements of [rows, groups·units] data in column group `g`, row by row. */
function group(data: Float32Array, rows: number, groups: number, units: number, g: number): Float32Array {
  const out = new Float32Array(rows * units);
  for (let r = 0; r < rows; r++) out.set(data.subarray((r * groups + g) * units, (r * groups + g + 1) * units), r * units);
  return out;
}

function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length),
    w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  expect(g.length, what).toBe(w.length);
  const bad = g.findIndex((v, i) => v !== w[i]);
  expect(bad, `${what}: first differing element ${bad} (${got[bad]} vs ${want[bad]})`).toBe(-1);
}

// Units off the 4-lane grid, a batch not a multiple of the row panel (4).
const [batch, steps, units] = [5, 3, 7];
const rows = batch * steps;

describe('recurrent gates = the composed unary ops, bit for bit', () => {
  it('LSTM: i, f, o are sigmoid, g is tanh of the pre-activations; h = o·tanh(c)', () => {
    const x = preActivations(rows * 4 * units, 1);
    const gates = put(x),
      u = put(new Float32Array(units * 4 * units)),
      h0 = put(randomFloats(batch * units, 2, -1, 1)),
      c0 = put(randomFloats(batch * units, 3, -2, 2));
    const h = empty(rows * units),
      c = empty(rows * units);
    lstmForward({ gates, recurrentKernel: u, h0, c0, h, c, batch, steps, units, recurrentActivation: 'sigmoid' });
    const got = get(gates, x.length);
    for (const [g, op] of [
      [0, 'sigmoid'],
      [1, 'sigmoid'],
      [2, 'tanh'],
      [3, 'sigmoid'],
    ] as const) {
      expectSameBits(group(got, rows, 4, units, g), unaryOf(op, group(x, rows, 4, units, g)), `lstm gate ${g} (${op})`);
    }
    const o = group(got, rows, 4, units, 3);
    const tc = unaryOf('tanh', get(c, rows * units));
    expectSameBits(
      get(h, rows * units),
      o.map((v, i) => Math.fround(v * tc[i]!)),
      'lstm h = o·tanh(c)',
    );
    release(gates, u, h0, c0, h, c);
  });

  it('GRU: z, r are sigmoid, the candidate is tanh of the pre-activations', () => {
    const x = preActivations(rows * 3 * units, 4);
    const gates = put(x),
      u = put(new Float32Array(units * 3 * units)),
      h0 = put(randomFloats(batch * units, 5, -1, 1));
    const h = empty(rows * units),
      rh = empty(rows * units);
    gruForward({ gates, recurrentKernel: u, h0, h, rh, batch, steps, units, recurrentActivation: 'sigmoid' });
    const got = get(gates, x.length);
    for (const [g, op] of [
      [0, 'sigmoid'],
      [1, 'sigmoid'],
      [2, 'tanh'],
    ] as const) {
      expectSameBits(group(got, rows, 3, units, g), unaryOf(op, group(x, rows, 3, units, g)), `gru gate ${g} (${op})`);
    }
    release(gates, u, h0, h, rh);
  });
});
