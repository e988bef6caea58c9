// A whole LSTM sequence, forward and backward, as one call: the recurrent
// weights are packed for the GEMM once per sequence (not once per step), and
// the pool runs every time step in one dispatch, each thread owning a range of
// batch rows (rows never interact). Per step: one GEMM accumulating h·U into the
// gate pre-activations, then the fused cell. Sequences are batch-major [batch, steps, *].
import { checkCounts } from './checks.js';
import { runtime } from '../runtime.js';
import { f32View } from '../views.js';

const MR = 4;
const NR = 8;

/** The LSTM gate activation (tfjs `recurrentActivation`) the fused cell supports. */
export type RecurrentActivation = 'hardSigmoid' | 'sigmoid';

/** Kernel codes of the gate activations (REC_* in assembly/rnn.ts). */
export const REC_CODE: Record<RecurrentActivation, number> = { hardSigmoid: 0, sigmoid: 1 };

/** Addresses (byte offsets) and sizes of an LSTM sequence. */
export interface LstmSequence {
  /** [batch, steps, 4·units] gate pre-activations x·W + b; the forward pass overwrites them with the activated gates. */
  gates: number;
  /** [units, 4·units] recurrent kernel U (tfjs layout, gates i, f, g, o). */
  recurrentKernel: number;
  /** [batch, units] initial states. */
  h0: number;
  /** [batch, units] initial cell state. */
  c0: number;
  /** [batch, steps, units] hidden states after each step, in processing order. */
  h: number;
  /** [batch, steps, units] cell states after each step, in processing order. */
  c: number;
  /** [batch, steps] float mask (0 skips a step: the state carries over), or 0 for none. */
  mask?: number;
  /** [batch, steps, units], or 0: receives the state each time step started from, for the weight gradient. */
  hPrev?: number;
  /** Number of sequences. */
  batch: number;
  /** Time steps. */
  steps: number;
  /** State size. */
  units: number;
  /** Process steps from last to first (outputs stay in processing order, as tfjs). */
  goBackwards?: boolean;
  /** Gate activation (default 'hardSigmoid'). */
  recurrentActivation?: RecurrentActivation;
}

/** Gradients of an LSTM sequence. */
export interface LstmSequenceGrads {
  /** [batch, steps, units] gradient of the h sequence (processing order), or 0. */
  dh?: number;
  /** [batch, units] gradients of the last h and c, or 0. */
  dhLast?: number;
  /** [batch, units] gradient of the last c, or 0. */
  dcLast?: number;
  /** Out: [batch, steps, 4·units] gate pre-activation gradients (time order, like `gates`). */
  dGates: number;
  /** Out: [batch, units] gradients of the initial states. */
  dh0: number;
  /** Out: [batch, units] gradient of the initial cell state. */
  dc0: number;
}

/** Throws a RangeError naming the op when sizes are not non-negative integers or the gate activation is unknown. */
export function checkSizes(
  op: string,
  s: { batch: number; steps: number; units: number; recurrentActivation?: RecurrentActivation },
): void {
  checkCounts(op, { batch: s.batch, steps: s.steps, units: s.units });
  const rec = s.recurrentActivation ?? 'hardSigmoid';
  if (!(rec in REC_CODE)) throw new RangeError(`wasmml ${op}: recurrentActivation '${rec}' is not supported (hardSigmoid, sigmoid)`);
}

/** The kernel arguments every sequence kernel ends with: sizes, direction and the gate activation code. */
export function sequenceTail(s: {
  batch: number;
  steps: number;
  units: number;
  goBackwards?: boolean;
  recurrentActivation?: RecurrentActivation;
}): number[] {
  return [s.batch, s.steps, s.units, s.goBackwards ? 1 : 0, REC_CODE[s.recurrentActivation ?? 'hardSigmoid']];
}

/**
 * Packs B ([k][n] with row stride ld, or, transposed, B(kk, j) = M[j][kk] of a
 * matrix M with row stride ld) into GEMM panels; the caller frees the block.
 */
export function packB(b: number, k: number, n: number, transposed: boolean, ld = transposed ? k : n): number {
  const rt = runtime();
  const np = Math.ceil(n / NR);
  const packed = rt.arena.alloc(Math.max(4, np * k * NR * 4));
  const [bks, bjs] = transposed ? [1, ld] : [ld, 1];
  rt.pool.run('gemm_pack_b_f32', [b, bks, bjs, k * n, k, n, packed], np, { cost: k * NR });
  return packed;
}

/** Runs an LSTM over a sequence: fills h, c (and hPrev) and turns `gates` into activated gates. */
export function lstmForward(s: LstmSequence): void {
  checkSizes('lstmForward', s);
  const { batch, steps, units } = s;
  if (batch === 0 || steps === 0 || units === 0) return;
  const rt = runtime();
  const g4 = 4 * units;
  const packed = packB(s.recurrentKernel, units, g4, false);
  try {
    // Rows are independent: one dispatch runs every step for each thread's row panels.
    rt.pool.run(
      'lstm_forward_f32',
      [s.gates, packed, s.h0, s.c0, s.h, s.c, s.hPrev ?? 0, s.mask ?? 0, ...sequenceTail(s)],
      Math.ceil(batch / MR),
      { cost: steps * (MR * g4 * units + MR * units * 40), scratchBytes: MR * units * 4 + 64 },
    );
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
  const packedT = packB(s.recurrentKernel, g4, units, true);
  try {
    rt.pool.run(
      'lstm_backward_f32',
      [s.gates, packedT, s.c0, s.c, d.dh ?? 0, d.dh0, d.dc0, d.dGates, s.mask ?? 0, ...sequenceTail(s)],
      Math.ceil(batch / MR),
      { cost: steps * (MR * g4 * units + MR * units * 40), scratchBytes: MR * g4 * 4 + 64 },
    );
  } finally {
    rt.arena.free(packedT);
  }
}
