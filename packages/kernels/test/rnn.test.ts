import { beforeAll, describe, expect, it } from 'vitest';
import { lstmBackward, lstmForward, type RecurrentActivation } from '@wasmml/kernels';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import { empty, expectHPrev, get, put, release, setup, singleAndThreaded } from './helpers.js';

beforeAll(() => setup(2));

interface Case {
  batch: number;
  steps: number;
  units: number;
  goBackwards: boolean;
  rec: RecurrentActivation;
  masked: boolean;
}

const act = (rec: RecurrentActivation, x: number) => (rec === 'sigmoid' ? 1 / (1 + Math.exp(-x)) : Math.min(1, Math.max(0, 0.2 * x + 0.5)));
const actGrad = (rec: RecurrentActivation, y: number) => (rec === 'sigmoid' ? y * (1 - y) : y > 0 && y < 1 ? 0.2 : 0);

/** Float64 LSTM over batch-major sequences, forward then backward (plain BPTT). */
function reference(
  c: Case,
  Z: Float32Array,
  U: Float32Array,
  H0: Float32Array,
  C0: Float32Array,
  M: Float32Array | null,
  dH: Float32Array,
  dHL: Float32Array,
  dCL: Float32Array,
) {
  const { batch: B, steps: T, units: u } = c;
  const g4 = 4 * u;
  const gates = new Float64Array(B * T * g4),
    hs = new Float64Array(B * T * u),
    cs = new Float64Array(B * T * u);
  const hPrevAt = (b: number, k: number, j: number) => (k === 0 ? H0[b * u + j]! : hs[(b * T + k - 1) * u + j]!);
  const cPrevAt = (b: number, k: number, j: number) => (k === 0 ? C0[b * u + j]! : cs[(b * T + k - 1) * u + j]!);
  const tOf = (k: number) => (c.goBackwards ? T - 1 - k : k);
  for (let k = 0; k < T; k++) {
    const t = tOf(k);
    for (let b = 0; b < B; b++) {
      const keep = M?.[b * T + t] !== 0;
      const zr = (b * T + t) * g4;
      for (let q = 0; q < g4; q++) {
        let s = Z[zr + q]!;
        for (let j = 0; j < u; j++) s += hPrevAt(b, k, j) * U[j * g4 + q]!;
        const gate = Math.floor(q / u);
        gates[zr + q] = gate === 2 ? Math.tanh(s) : act(c.rec, s);
      }
      for (let j = 0; j < u; j++) {
        const [i, f, g, o] = [0, 1, 2, 3].map((q) => gates[zr + q * u + j]!);
        const cn = f! * cPrevAt(b, k, j) + i! * g!;
        cs[(b * T + k) * u + j] = keep ? cn : cPrevAt(b, k, j);
        hs[(b * T + k) * u + j] = keep ? o! * Math.tanh(cn) : hPrevAt(b, k, j);
      }
    }
  }
  const dGates = new Float64Array(B * T * g4);
  const dh = Float64Array.from(dHL),
    dc = Float64Array.from(dCL);
  for (let k = T - 1; k >= 0; k--) {
    const t = tOf(k);
    for (let b = 0; b < B; b++) {
      const keep = M?.[b * T + t] !== 0;
      const zr = (b * T + t) * g4;
      const dhTot = Array.from({ length: u }, (_, j) => dh[b * u + j]! + dH[(b * T + k) * u + j]!);
      if (!keep) {
        for (let j = 0; j < u; j++) dh[b * u + j] = dhTot[j]!;
        continue;
      }
      for (let j = 0; j < u; j++) {
        const [i, f, g, o] = [0, 1, 2, 3].map((q) => gates[zr + q * u + j]!);
        const tc = Math.tanh(cs[(b * T + k) * u + j]!);
        const dcv = dc[b * u + j]! + dhTot[j]! * o! * (1 - tc * tc);
        dGates[zr + j] = dcv * g! * actGrad(c.rec, i!);
        dGates[zr + u + j] = dcv * cPrevAt(b, k, j) * actGrad(c.rec, f!);
        dGates[zr + 2 * u + j] = dcv * i! * (1 - g! * g!);
        dGates[zr + 3 * u + j] = dhTot[j]! * tc * actGrad(c.rec, o!);
        dc[b * u + j] = dcv * f!;
      }
      for (let j = 0; j < u; j++) {
        let s = 0;
        for (let q = 0; q < g4; q++) s += dGates[zr + q]! * U[j * g4 + q]!;
        dh[b * u + j] = s;
      }
    }
  }
  return { gates, hs, cs, dGates, dh0: dh, dc0: dc };
}

function check(c: Case, seed = 1) {
  const { batch: B, steps: T, units: u } = c;
  const g4 = 4 * u;
  const Z = randomFloats(B * T * g4, seed, -2, 2),
    U = randomFloats(u * g4, seed + 1, -0.5, 0.5);
  const H0 = randomFloats(B * u, seed + 2),
    C0 = randomFloats(B * u, seed + 3);
  const M = c.masked ? Float32Array.from({ length: B * T }, (_, i) => ((i * 7) % 3 === 0 ? 0 : 1)) : null;
  const dH = randomFloats(B * T * u, seed + 4),
    dHL = randomFloats(B * u, seed + 5),
    dCL = randomFloats(B * u, seed + 6);
  const ref = reference(c, Z, U, H0, C0, M, dH, dHL, dCL);
  const run = () => {
    const ptrs = {
      gates: put(Z),
      recurrentKernel: put(U),
      h0: put(H0),
      c0: put(C0),
      h: empty(B * T * u),
      c: empty(B * T * u),
      hPrev: empty(B * T * u),
      mask: M ? put(M) : 0,
    };
    const s = { ...ptrs, batch: B, steps: T, units: u, goBackwards: c.goBackwards, recurrentActivation: c.rec };
    lstmForward(s);
    const grads = { dh: put(dH), dhLast: put(dHL), dcLast: put(dCL), dGates: empty(B * T * g4), dh0: empty(B * u), dc0: empty(B * u) };
    lstmBackward(s, grads);
    const out = {
      gates: get(s.gates, B * T * g4),
      h: get(s.h, B * T * u),
      c: get(s.c, B * T * u),
      hPrev: get(s.hPrev, B * T * u),
      dGates: get(grads.dGates, B * T * g4),
      dh0: get(grads.dh0, B * u),
      dc0: get(grads.dc0, B * u),
    };
    release(...Object.values(ptrs).filter((p) => p !== 0), ...Object.values(grads));
    return out;
  };
  const { single, threaded } = singleAndThreaded(run);
  const what = JSON.stringify(c);
  expectClose(single.gates, ref.gates, 1e-4, 1e-5, `gates ${what}`);
  expectClose(single.h, ref.hs, 1e-4, 1e-5, `h ${what}`);
  expectClose(single.c, ref.cs, 1e-4, 1e-5, `c ${what}`);
  expectClose(single.dGates, ref.dGates, 1e-3, 1e-4, `dGates ${what}`);
  expectClose(single.dh0, ref.dh0, 1e-3, 1e-4, `dh0 ${what}`);
  expectClose(single.dc0, ref.dc0, 1e-3, 1e-4, `dc0 ${what}`);
  expectHPrev(single.hPrev, single.h, H0, B, T, u, c.goBackwards);
  expect(threaded).toEqual(single);
}

describe('lstm_cell_f32 / lstm_cell_grad_f32 over sequences', () => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [2, 3, 3],
    [5, 4, 5],
    [3, 2, 8],
    [9, 5, 13],
    [33, 3, 20],
  ];
  for (const [batch, steps, units] of shapes) {
    for (const rec of ['hardSigmoid', 'sigmoid'] as const) {
      it(`batch ${batch} steps ${steps} units ${units} ${rec}`, () =>
        check({ batch, steps, units, rec, goBackwards: false, masked: false }));
    }
    it(`batch ${batch} steps ${steps} units ${units} masked, goBackwards`, () =>
      check({ batch, steps, units, rec: 'sigmoid', goBackwards: true, masked: true }));
    it(`batch ${batch} steps ${steps} units ${units} masked`, () =>
      check({ batch, steps, units, rec: 'hardSigmoid', goBackwards: false, masked: true }));
  }

  it('empty sizes do nothing and bad sizes throw', () => {
    expect(() => lstmForward({ gates: 0, recurrentKernel: 0, h0: 0, c0: 0, h: 0, c: 0, batch: 0, steps: 3, units: 2 })).not.toThrow();
    expect(() => lstmForward({ gates: 0, recurrentKernel: 0, h0: 0, c0: 0, h: 0, c: 0, batch: 1.5, steps: 3, units: 2 })).toThrow(
      /batch = 1.5/,
    );
    expect(() =>
      lstmForward({
        gates: 0,
        recurrentKernel: 0,
        h0: 0,
        c0: 0,
        h: 0,
        c: 0,
        batch: 1,
        steps: 3,
        units: 2,
        recurrentActivation: 'relu' as never,
      }),
    ).toThrow(/relu/);
  });
});
