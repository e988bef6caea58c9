// A whole GRU sequence (tfjs/Keras GRU, reset_after = false, gates z, r, h),
// forward and backward, one pool dispatch each; rows split over threads as for
// the LSTM (ops/rnn.ts). Sequences are batch-major [batch, steps, *].
import { runtime } from '../runtime.js';
import { f32View } from '../views.js';
import { checkSizes, packB, sequenceTail, type RecurrentActivation } from './rnn.js';

const MR = 4;

/** Addresses (byte offsets) and sizes of a GRU sequence. */
export interface GruSequence {
  /** [batch, steps, 3·units] pre-activations x·W + b; the forward pass overwrites them with activated z, r, hh. */
  gates: number;
  /** [units, 3·units] recurrent kernel U (tfjs layout). */
  recurrentKernel: number;
  /** [batch, units] initial state. */
  h0: number;
  /** [batch, steps, units] states after each step, in processing order. */
  h: number;
  /** [batch, steps, units] work / saved r*hPrev by time step. */
  rh: number;
  /** [batch, steps, units] or 0: the state each time step started from. */
  hPrev?: number;
  /** [batch, steps] float mask (0 skips a step), or 0. */
  mask?: number;
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

/** Gradients of a GRU sequence. */
export interface GruSequenceGrads {
  /** [batch, steps, units] output gradients (processing order), or 0. */
  dh?: number;
  /** [batch, units] gradient of the last state, or 0. */
  dhLast?: number;
  /** Out: [batch, steps, 3·units] pre-activation gradients. */
  dGates: number;
  /** Out: [batch, units] gradient of the initial state. */
  dh0: number;
}

/** Runs a GRU over a sequence: fills h and rh (and hPrev) and activates `gates`. */
export function gruForward(s: GruSequence): void {
  checkSizes('gruForward', s);
  const { batch, steps, units } = s;
  if (batch === 0 || steps === 0 || units === 0) return;
  const rt = runtime();
  const g3 = 3 * units;
  const zr = packB(s.recurrentKernel, units, 2 * units, false, g3);
  const hh = packB(s.recurrentKernel + 2 * units * 4, units, units, false, g3);
  try {
    rt.pool.run(
      'gru_forward_f32',
      [s.gates, zr, hh, s.h0, s.h, s.rh, s.hPrev ?? 0, s.mask ?? 0, ...sequenceTail(s)],
      Math.ceil(batch / MR),
      { cost: steps * (MR * g3 * units + MR * units * 40), scratchBytes: MR * units * 4 + 64 },
    );
  } finally {
    rt.arena.free(zr);
    rt.arena.free(hh);
  }
}

/**
 * Back-propagates through a GRU sequence run by gruForward (same arguments).
 * Weight gradients follow from dGates: dW = xᵀ·dGates, dU[:, :2u] =
 * hPrevᵀ·dGates[..., :2u], dU[:, 2u:] = rhᵀ·dGates[..., 2u:].
 */
export function gruBackward(s: GruSequence, d: GruSequenceGrads): void {
  checkSizes('gruBackward', s);
  const { batch, steps, units } = s;
  if (batch === 0 || units === 0) return;
  const rt = runtime();
  const g3 = 3 * units;
  if (d.dhLast) f32View(d.dh0, batch * units).set(f32View(d.dhLast, batch * units));
  else f32View(d.dh0, batch * units).fill(0);
  if (steps === 0) return;
  const uhT = packB(s.recurrentKernel + 2 * units * 4, units, units, true, g3);
  const uzrT = packB(s.recurrentKernel, 2 * units, units, true, g3);
  const drh = rt.arena.alloc(Math.max(4, batch * units * 4));
  try {
    rt.pool.run(
      'gru_backward_f32',
      [s.gates, uhT, uzrT, s.h0, s.h, s.rh, d.dh ?? 0, d.dh0, drh, d.dGates, s.mask ?? 0, ...sequenceTail(s)],
      Math.ceil(batch / MR),
      { cost: steps * (MR * g3 * units + MR * units * 40), scratchBytes: MR * 2 * units * 4 + 64 },
    );
  } finally {
    rt.arena.free(uhT);
    rt.arena.free(uzrT);
    rt.arena.free(drh);
  }
}
