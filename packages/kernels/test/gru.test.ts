import { beforeAll, describe, expect, it } from 'vitest';
import { gruBackward, gruForward, type RecurrentActivation } from '@wasmml/kernels';
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

/** Float64 GRU (tfjs formulas, reset before the recurrent product), forward then BPTT. */
function reference(
  c: Case,
  Z: Float32Array,
  U: Float32Array,
  H0: Float32Array,
  M: Float32Array | null,
  dH: Float32Array,
  dHL: Float32Array,
) {
  const { batch: B, steps: T, units: u } = c;
  const g3 = 3 * u;
  const gates = new Float64Array(B * T * g3),
    hs = new Float64Array(B * T * u),
    rhs = new Float64Array(B * T * u);
  const hPrevAt = (b: number, k: number, j: number) => (k === 0 ? H0[b * u + j]! : hs[(b * T + k - 1) * u + j]!);
  const tOf = (k: number) => (c.goBackwards ? T - 1 - k : k);
  for (let k = 0; k < T; k++) {
    const t = tOf(k);
    for (let b = 0; b < B; b++) {
      const keep = M?.[b * T + t] !== 0;
      const zr = (b * T + t) * g3;
      for (let q = 0; q < 2 * u; q++) {
        let s = Z[zr + q]!;
        for (let j = 0; j < u; j++) s += hPrevAt(b, k, j) * U[j * g3 + q]!;
        gates[zr + q] = act(c.rec, s);
      }
      for (let j = 0; j < u; j++) rhs[(b * T + t) * u + j] = gates[zr + u + j]! * hPrevAt(b, k, j);
      for (let q = 0; q < u; q++) {
        let s = Z[zr + 2 * u + q]!;
        for (let j = 0; j < u; j++) s += rhs[(b * T + t) * u + j]! * U[j * g3 + 2 * u + q]!;
        gates[zr + 2 * u + q] = Math.tanh(s);
      }
      for (let j = 0; j < u; j++) {
        const z = gates[zr + j]!,
          hh = gates[zr + 2 * u + j]!;
        hs[(b * T + k) * u + j] = keep ? z * hPrevAt(b, k, j) + (1 - z) * hh : hPrevAt(b, k, j);
      }
    }
  }
  const dGates = new Float64Array(B * T * g3);
  const dh = Float64Array.from(dHL);
  for (let k = T - 1; k >= 0; k--) {
    const t = tOf(k);
    for (let b = 0; b < B; b++) {
      const keep = M?.[b * T + t] !== 0;
      const zr = (b * T + t) * g3;
      const dhTot = Array.from({ length: u }, (_, j) => dh[b * u + j]! + dH[(b * T + k) * u + j]!);
      if (!keep) {
        for (let j = 0; j < u; j++) dh[b * u + j] = dhTot[j]!;
        continue;
      }
      const next = new Float64Array(u);
      for (let j = 0; j < u; j++) {
        const z = gates[zr + j]!,
          hh = gates[zr + 2 * u + j]!;
        dGates[zr + j] = dhTot[j]! * (hPrevAt(b, k, j) - hh) * actGrad(c.rec, z);
        dGates[zr + 2 * u + j] = dhTot[j]! * (1 - z) * (1 - hh * hh);
        next[j] = dhTot[j]! * z;
      }
      for (let j = 0; j < u; j++) {
        let drh = 0;
        for (let q = 0; q < u; q++) drh += dGates[zr + 2 * u + q]! * U[j * g3 + 2 * u + q]!;
        const r = gates[zr + u + j]!;
        dGates[zr + u + j] = drh * hPrevAt(b, k, j) * actGrad(c.rec, r);
        next[j] += drh * r;
      }
      for (let j = 0; j < u; j++) {
        let s = next[j]!;
        for (let q = 0; q < 2 * u; q++) s += dGates[zr + q]! * U[j * g3 + q]!;
        dh[b * u + j] = s;
      }
    }
  }
  return { gates, hs, rhs, dGates, dh0: dh };
}

function check(c: Case, seed = 1) {
  const { batch: B, steps: T, units: u } = c;
  const g3 = 3 * u;
  const Z = randomFloats(B * T * g3, seed, -2, 2),
    U = randomFloats(u * g3, seed + 1, -0.5, 0.5),
    H0 = randomFloats(B * u, seed + 2);
  const M = c.masked ? Float32Array.from({ length: B * T }, (_, i) => ((i * 7) % 3 === 0 ? 0 : 1)) : null;
  const dH = randomFloats(B * T * u, seed + 4),
    dHL = randomFloats(B * u, seed + 5);
  const ref = reference(c, Z, U, H0, M, dH, dHL);
  const run = () => {
    const ptrs = {
      gates: put(Z),
      recurrentKernel: put(U),
      h0: put(H0),
      h: empty(B * T * u),
      rh: empty(B * T * u),
      hPrev: empty(B * T * u),
      mask: M ? put(M) : 0,
    };
    const s = { ...ptrs, batch: B, steps: T, units: u, goBackwards: c.goBackwards, recurrentActivation: c.rec };
    gruForward(s);
    const grads = { dh: put(dH), dhLast: put(dHL), dGates: empty(B * T * g3), dh0: empty(B * u) };
    gruBackward(s, grads);
    const out = {
      gates: get(s.gates, B * T * g3),
      h: get(s.h, B * T * u),
      rh: get(s.rh, B * T * u),
      hPrev: get(s.hPrev, B * T * u),
      dGates: get(grads.dGates, B * T * g3),
      dh0: get(grads.dh0, B * u),
    };
    release(...Object.values(ptrs).filter((p) => p !== 0), ...Object.values(grads));
    return out;
  };
  const { single, threaded } = singleAndThreaded(run);
  const what = JSON.stringify(c);
  expectClose(single.gates, ref.gates, 1e-4, 1e-5, `gates ${what}`);
  expectClose(single.h, ref.hs, 1e-4, 1e-5, `h ${what}`);
  expectClose(single.rh, ref.rhs, 1e-4, 1e-5, `rh ${what}`);
  expectClose(single.dGates, ref.dGates, 1e-3, 1e-4, `dGates ${what}`);
  expectClose(single.dh0, ref.dh0, 1e-3, 1e-4, `dh0 ${what}`);
  expectHPrev(single.hPrev, single.h, H0, B, T, u, c.goBackwards);
  expect(threaded).toEqual(single);
}

describe('gru_forward_f32 / gru_backward_f32', () => {
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
  }
});
