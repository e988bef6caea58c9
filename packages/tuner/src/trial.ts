// A trial: one set of hyper-parameter values trained once, as the search records
// it (and as it is stored in the project directory's oracle.json).
import type { HpValue } from './hyperparameters.js';

/** KerasTuner's trial states; STOPPED is a trial the pruner ended early. */
export type TrialStatus = 'RUNNING' | 'COMPLETED' | 'STOPPED';

/** Where Hyperband placed a trial. */
export interface TrialPlace {
  /** Iteration of the whole algorithm. */
  iteration: number;
  /** Bracket number. */
  bracket: number;
  /** Round within the bracket. */
  round: number;
}

/** One trial of a search. */
export interface Trial {
  /** '0000', '0001'... in creation order. */
  trialId: string;
  /** The trial's values (active hyper-parameters only). */
  hyperparameters: Record<string, HpValue>;
  /** RUNNING while it trains; COMPLETED, or STOPPED when pruned. */
  status: TrialStatus;
  /** Best objective value over its epochs (null until an epoch ends). */
  score: number | null;
  /** Epoch (absolute, from 0) of the best value. */
  bestEpoch: number | null;
  /** Per-epoch logs by name (loss, val_loss, metrics...), for the epochs this trial trained. */
  metrics: Record<string, number[]>;
  /** Epoch the trial trains up to (fit's `epochs`). */
  epochs: number;
  /** Epoch it starts at: > 0 when it continues from `parentId`'s weights (Hyperband). */
  initialEpoch: number;
  /** The trial whose final weights this one starts from. */
  parentId?: string;
  /** Hyperband's place of the trial: iteration, bracket and round. */
  bracket?: TrialPlace;
  /** Wall-clock seconds it took. */
  seconds?: number;
}

/** What an oracle asks the tuner to train next. */
export interface TrialRequest {
  /** The values to train with. */
  hyperparameters: Record<string, HpValue>;
  /** Epoch to train up to. */
  epochs: number;
  /** Epoch to start at (default 0). */
  initialEpoch?: number;
  /** Trial whose weights to start from. */
  parentId?: string;
  /** Hyperband bookkeeping. */
  bracket?: TrialPlace;
}

/** Epochs a trial actually trained (fewer than planned when it was stopped). */
export function epochsRun(t: Trial): number {
  return Object.values(t.metrics)[0]?.length ?? 0;
}

/** A stable key of a set of values, to spot repeats. */
export function valuesKey(values: Record<string, HpValue>): string {
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k]]),
  );
}
