// Early stopping of bad trials across the search (Optuna's MedianPruner): a
// trial stops when its best value so far is worse than the median of what the
// finished trials logged at the same epoch.
import type { Objective } from './objective.js';
import { checkOptions } from './util.js';
import type { Trial } from './trial.js';

/** Options of {@link MedianPruner}. */
export interface MedianPrunerArgs {
  /** Finished trials needed before anything is pruned (default 5, as Optuna). */
  startupTrials?: number;
  /** Epochs every trial trains before it may be pruned (default 0). */
  warmupEpochs?: number;
}

/** Stops a trial whose best value so far is worse than the median of finished trials at that epoch. */
export class MedianPruner {
  /** Finished trials needed before pruning starts. */
  readonly startupTrials: number;
  /** Epochs before a trial may be pruned. */
  readonly warmupEpochs: number;

  /** See {@link MedianPrunerArgs}. */
  constructor(args: MedianPrunerArgs = {}) {
    checkOptions('MedianPruner', args, ['startupTrials', 'warmupEpochs']);
    this.startupTrials = args.startupTrials ?? 5;
    this.warmupEpochs = args.warmupEpochs ?? 0;
    for (const [k, v] of [
      ['startupTrials', this.startupTrials],
      ['warmupEpochs', this.warmupEpochs],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`MedianPruner: ${k} must be a non-negative integer, got ${v}`);
    }
  }

  /**
   * Whether the trial should stop after `epoch` (absolute, from 0).
   * @param values The trial's objective values so far, one per epoch it trained.
   */
  shouldPrune(trial: Trial, epoch: number, values: readonly number[], trials: readonly Trial[], objective: Objective): boolean {
    if (epoch < this.warmupEpochs || values.length === 0) return false;
    const others = trials.filter((t) => t !== trial && t.status === 'COMPLETED');
    if (others.length < this.startupTrials) return false;
    const atEpoch: number[] = [];
    for (const t of others) {
      const v = objectiveAt(t, epoch, objective);
      if (v !== undefined && Number.isFinite(v)) atEpoch.push(v);
    }
    if (atEpoch.length === 0) return false;
    atEpoch.sort((a, b) => a - b);
    const mid = atEpoch.length >> 1;
    const median = atEpoch.length % 2 ? atEpoch[mid]! : (atEpoch[mid - 1]! + atEpoch[mid]!) / 2;
    const best = values.reduce((a, b) => (objective.better(b, a) ? b : a));
    return objective.better(median, best);
  }
}

/** A trial's objective at an absolute epoch (its metrics start at initialEpoch). */
function objectiveAt(t: Trial, epoch: number, objective: Objective): number | undefined {
  const i = epoch - t.initialEpoch;
  if (i < 0) return undefined;
  const logs: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.metrics)) if (v[i] !== undefined) logs[k] = v[i]!;
  return objective.valueIn(logs);
}
