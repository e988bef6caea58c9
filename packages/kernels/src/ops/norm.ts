// Layer and RMS normalisation along the last axis of a [rows, d] matrix, one
// row per pool item (assembly/norm.ts).
import { runtime } from '../runtime.js';
import { checkCounts } from './checks.js';

/** Operands of {@link norm}: addresses (0 for none) and the form. */
export interface NormArgs {
  /** x [rows, d]. */
  x: number;
  /** gamma [d]. */
  gamma: number;
  /** beta [d], or 0 (always 0 for RMSNorm). */
  beta?: number;
  /** y [rows, d]. */
  y: number;
  /** [rows, 2] floats receiving each row's mean and 1/sqrt(var + eps), for {@link normGrad}; 0 to skip. */
  stats?: number;
  /** Rows of x. */
  rows: number;
  /** Length of a row (the normalised axis). */
  d: number;
  /** Added to the variance. */
  epsilon: number;
  /** RMSNorm (mean 0, var = mean(x²)) instead of LayerNorm. */
  rms?: boolean;
}

/** y = (x - mean)·r·gamma + beta per row, r = 1/sqrt(var + epsilon) (RMSNorm: x·r·gamma, var = mean(x²)). */
export function norm(a: NormArgs): void {
  checkCounts('norm', { rows: a.rows, d: a.d });
  if (a.rows === 0 || a.d === 0) return;
  const args = [a.x, a.gamma, a.rms ? 0 : (a.beta ?? 0), a.y, a.stats ?? 0, a.d, a.epsilon, a.rms ? 1 : 0];
  runtime().pool.run('norm_f32', args, a.rows, { cost: a.d * 4 + 16 });
}

/** Outputs of {@link normGrad}: addresses [rows, d], each 0 to skip it. */
export interface NormGradOutputs {
  /** The input gradient. */
  dx?: number;
  /** dy·x̂ per element (x̂ the normalised x): its column sums are dgamma. */
  dyXhat?: number;
}

/** The backward of {@link norm} from dy and the stats its forward wrote. */
export function normGrad(
  x: number,
  gamma: number,
  dy: number,
  stats: number,
  out: NormGradOutputs,
  rows: number,
  d: number,
  rms = false,
): void {
  checkCounts('normGrad', { rows, d });
  const dx = out.dx ?? 0,
    dyXhat = out.dyXhat ?? 0;
  if (rows === 0 || d === 0 || (dx === 0 && dyXhat === 0)) return;
  runtime().pool.run('norm_grad_f32', [x, gamma, dy, stats, dx, dyXhat, d, rms ? 1 : 0], rows, { cost: d * 8 + 16 });
}
