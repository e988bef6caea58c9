// A whole LSTM sequence, forward and backward, as one call: the recurrent
// weights are packed for the GEMM once per sequence (not once per step), and
// each step is one GEMM accumulating h·U into the gate pre-activations plus one
// fused cell kernel. All sequences are batch-major [batch, steps, *].
import { runtime } from '../runtime.js';
import { Act } from './codes.js';
import { f32View } from '../views.js';

const MR = 4;
const NR = 8;

/** The LSTM gate activation (tfjs `recurrentActivation`) the fused cell supports. */
export type RecurrentActivation = 'hardSigmoid' | 'sigmoid';

const REC_CODE: Record<RecurrentActivation, number> = { hardSigmoid: 0, sigmoid: 1 };

/** Addresses (byte offsets) and sizes of an LSTM sequence. */
export interface LstmSequence {
  /** [batch, steps, 4·units] gate pre-activations x·W + b; the forward pass overwrites them with the activated gates. */
  gates: number;
  /** [units, 4·units] recurrent kernel U (tfjs layout, gates i, f, g, o). */
  recurrentKernel: number;
  /** [batch, units] initial states. */
  h0: number;
  c0: number;
  /** [batch, steps, units] hidden and cell states after each step, in processing order. */
  h: number;
  c: number;
  /** [batch, steps] float mask (0 skips a step: the state carries over), or 0 for none. */
  mask?: number;
  /** [batch, steps, units], or 0: receives the state each time step started from, for the weight gradient. */
  hPrev?: number;
  batch: number;
  steps: number;
  units: number;
  /** Process steps from last to first (outputs stay in processing order, as tfjs). */
  goBackwards?: boolean;
  recurrentActivation?: RecurrentActivation;
}

/** Gradients of an LSTM sequence. */
export interface LstmSequenceGrads {
  /** [batch, steps, units] gradient of the h sequence (processing order), or 0. */
  dh?: number;
  /** [batch, units] gradients of the last h and c, or 0. */
  dhLast?: number;
  dcLast?: number;
  /** Out: [batch, steps, 4·units] gate pre-activation gradients (time order, like `gates`). */
  dGates: number;
  /** Out: [batch, units] gradients of the initial states. */
  dh0: number;
  dc0: number;
}

function checkSizes(op: string, s: LstmSequence): void {
  for (const k of ['batch', 'steps', 'units'] as const) {
    const v = s[k];
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`wasmml ${op}: ${k} = ${v}, expected an integer >= 0`);
  }
  const rec = s.recurrentActivation ?? 'hardSigmoid';
  if (!(rec in REC_CODE)) throw new RangeError(`wasmml ${op}: recurrentActivation '${rec}' is not supported (hardSigmoid, sigmoid)`);
}

/** Packs B ([k][n], or [n][k] when transposed) into GEMM panels; the caller frees the block. */
function packB(b: number, k: number, n: number, transposed: boolean): number {
  const rt = runtime();
  const np = Math.ceil(n / NR);
  const packed = rt.arena.alloc(Math.max(4, np * k * NR * 4));
  const [bks, bjs] = transposed ? [1, k] : [n, 1];
  rt.pool.run('gemm_pack_b_f32', [b, bks, bjs, k * n, k, n, packed], np, { cost: k * NR });
  return packed;
}

/** C rows (stride ldc) += A rows (stride ars) · packed B. */
function gemmAccumulate(a: number, ars: number, packed: number, c: number, ldc: number, m: number, n: number, k: number): void {
  runtime().pool.run(
    'gemm_f32', [a, ars, 1, 0, packed, 0, c, ldc, 0, m, n, k, 0, Act.linear, 0, 1],
    Math.ceil(m / MR), { cost: MR * n * k + 1, scratchBytes: MR * k * 4 + 64 },
  );
}

/** Runs an LSTM over a sequence: fills h, c (and hPrev) and turns `gates` into activated gates. */
export function lstmForward(s: LstmSequence): void {
  checkSizes('lstmForward', s);
  const { batch, steps, units } = s;
  if (batch === 0 || steps === 0 || units === 0) return;
  const rt = runtime();
  const g4 = 4 * units;
  const rec = REC_CODE[s.recurrentActivation ?? 'hardSigmoid'];
  const packed = packB(s.recurrentKernel, units, g4, false);
  try {
    for (let k = 0; k < steps; k++) {
      const t = s.goBackwards ? steps - 1 - k : k;
      const [hp, hprs] = k === 0 ? [s.h0, units] : [s.h + (k - 1) * units * 4, steps * units];
      const [cp, cprs] = k === 0 ? [s.c0, units] : [s.c + (k - 1) * units * 4, steps * units];
      const z = s.gates + t * g4 * 4;
      gemmAccumulate(hp, hprs, packed, z, steps * g4, batch, g4, units);
      rt.pool.run('lstm_cell_f32', [
        z, steps * g4, hp, hprs, cp, cprs, s.h + k * units * 4, steps * units, s.c + k * units * 4, steps * units,
        s.hPrev ? s.hPrev + t * units * 4 : 0, steps * units, s.mask ? s.mask + t * 4 : 0, steps, units, rec,
      ], batch, { cost: units * 60 });
    }
  } finally {
    rt.arena.free(packed);
  }
}

/**
 * Back-propagates through an LSTM sequence run by lstmForward (same arguments;
 * `gates` holds the activated gates). Writes the gate pre-activation gradients
 * and the initial-state gradients; weight gradients follow from dGates with
 * ordinary GEMMs (dU = hPrevᵀ·dGates, dW = xᵀ·dGates).
 */
export function lstmBackward(s: LstmSequence, d: LstmSequenceGrads): void {
  checkSizes('lstmBackward', s);
  const { batch, steps, units } = s;
  const rt = runtime();
  const g4 = 4 * units;
  if (batch === 0 || units === 0) return;
  // The carries start at the gradients of the final states and end as dh0, dc0.
  const init = (dst: number, src: number | undefined) => {
    if (src) f32View(dst, batch * units).set(f32View(src, batch * units));
    else f32View(dst, batch * units).fill(0);
  };
  init(d.dh0, d.dhLast);
  init(d.dc0, d.dcLast);
  if (steps === 0) return;
  const rec = REC_CODE[s.recurrentActivation ?? 'hardSigmoid'];
  const packedT = packB(s.recurrentKernel, g4, units, true);
  try {
    for (let k = steps - 1; k >= 0; k--) {
      const t = s.goBackwards ? steps - 1 - k : k;
      const [cp, cprs] = k === 0 ? [s.c0, units] : [s.c + (k - 1) * units * 4, steps * units];
      const dz = d.dGates + t * g4 * 4;
      rt.pool.run('lstm_cell_grad_f32', [
        s.gates + t * g4 * 4, steps * g4, cp, cprs, s.c + k * units * 4, steps * units,
        d.dh ? d.dh + k * units * 4 : 0, steps * units, d.dh0, d.dc0, dz, steps * g4,
        s.mask ? s.mask + t * 4 : 0, steps, units, rec,
      ], batch, { cost: units * 40 });
      gemmAccumulate(dz, steps * g4, packedT, d.dh0, units, batch, units, g4);
    }
  } finally {
    rt.arena.free(packedT);
  }
}
