// The oracle decides what to train next from the space and the trials so far.
// Oracles keep no state of their own: each draw is seeded by the search seed and
// the trial's place, so the same seed gives the same trials, and a resumed
// search (trials read back from disk) continues exactly where it stopped.
import { Random } from '@wasmml/datasets';
import { fromUnit, HyperParameters, type HpSpec, type HpValue } from '../hyperparameters.js';
import type { Objective } from '../objective.js';
import { valuesKey, type Trial, type TrialRequest } from '../trial.js';

/** What an oracle sees when asked for the next trial. */
export interface OracleContext {
  /** The search space (as registered by the model-building function so far). */
  space: readonly HpSpec[];
  /** Every trial so far, running ones included, in creation order. */
  trials: readonly Trial[];
  /** What is optimised. */
  objective: Objective;
  /** The search seed. */
  seed: number;
  /** fit's `epochs` from search(). */
  epochs: number;
}

/** The next trial, 'wait' (a running trial must finish first), or null (the search is over). */
export type OracleAnswer = TrialRequest | 'wait' | null;

/** A search strategy. */
export interface Oracle {
  /** Name stored with the project, checked when a search resumes. */
  readonly kind: string;
  /** Decides the next trial. */
  next(ctx: OracleContext): OracleAnswer;
}

/**
 * Values drawn uniformly from the space with a generator seeded by `stream`,
 * parents before children so that inactive hyper-parameters are left out;
 * values already tried are redrawn (up to 100 times, as KerasTuner does).
 */
export function randomValues(space: readonly HpSpec[], trials: readonly Trial[], stream: string): Record<string, HpValue> {
  const rng = new Random(stream);
  const seen = new Set(trials.map((t) => valuesKey(t.hyperparameters)));
  let values: Record<string, HpValue> = {};
  for (let attempt = 0; attempt < 100; attempt++) {
    values = drawOnce(space, () => rng.next());
    if (!seen.has(valuesKey(values))) break;
  }
  return values;
}

/** One draw: each active hyper-parameter from fromUnit(u) with u from `unit`. */
export function drawOnce(space: readonly HpSpec[], unit: () => number): Record<string, HpValue> {
  const hp = HyperParameters.from(space);
  for (const s of space) {
    const u = unit();
    if (hp.isActive(s)) hp.values[s.name] = fromUnit(s, u);
  }
  return hp.toJSON();
}

/** Finished trials that have a score, best first (ties: the earlier trial first). */
export function ranked(trials: readonly Trial[], objective: Objective): Trial[] {
  return trials
    .filter((t) => t.status !== 'RUNNING' && t.score !== null)
    .sort((a, b) => (a.score === b.score ? 0 : objective.better(a.score!, b.score!) ? -1 : 1));
}

/** Checks a positive integer option. */
export function positiveInt(where: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${v}`);
  return v;
}
