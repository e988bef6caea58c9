// Hyperband's oracle (Li et al. 2018, with KerasTuner's bracket sizes): brackets
// of successive halving, each starting many trials on few epochs and promoting
// the best 1/factor of every round to factor times more epochs. A promoted trial
// is a new trial that starts from its parent's final weights at the parent's
// last epoch (KerasTuner's "tuner/initial_epoch"), so no epoch is trained twice.
import { positiveInt, randomValues, ranked, type Oracle, type OracleAnswer, type OracleContext } from './oracle.js';
import type { Trial } from '../trial.js';

/** Options of the Hyperband oracle. */
export interface HyperbandSchedule {
  /** Epochs of the longest-trained trials. */
  maxEpochs: number;
  /** Reduction factor between rounds (default 3). */
  factor: number;
  /** Times the whole set of brackets runs (default 1). */
  iterations: number;
}

/** One round of one bracket: how many trials, trained to how many epochs. */
export interface Round {
  /** Iteration of the whole algorithm. */
  iteration: number;
  /** Bracket number (the largest starts the most trials). */
  bracket: number;
  /** Round within the bracket, from 0. */
  round: number;
  /** Trials in the round. */
  size: number;
  /** Epoch the round's trials train up to. */
  epochs: number;
}

/** The rounds Hyperband runs, in order (KerasTuner's `_get_size` / `_get_epochs`). */
export function hyperbandRounds({ maxEpochs, factor, iterations }: HyperbandSchedule): Round[] {
  let brackets = 0;
  for (let e = maxEpochs; e >= 1; e /= factor) brackets++;
  // Computed in log space with a tolerance so that e.g. log_3(27) is exactly 3.
  const logF = (x: number) => Math.round((Math.log(x) / Math.log(factor)) * 1e9) / 1e9;
  const bracket0EndSize = Math.ceil(1 + logF(maxEpochs));
  const rounds: Round[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    for (let bracket = brackets - 1; bracket >= 0; bracket--) {
      const endSize = bracket0EndSize / (bracket + 1);
      for (let round = 0; round <= bracket; round++) {
        const size = Math.ceil(endSize * factor ** (bracket - round) - 1e-9);
        const epochs = Math.ceil(maxEpochs / factor ** (bracket - round) - 1e-9);
        rounds.push({ iteration, bracket, round, size, epochs });
      }
    }
  }
  return rounds;
}

const inRound = (t: Trial, r: Round) =>
  t.bracket?.iteration === r.iteration && t.bracket.bracket === r.bracket && t.bracket.round === r.round;

/** Hyperband (KerasTuner `HyperbandOracle`). */
export class HyperbandOracle implements Oracle {
  readonly kind = 'Hyperband';
  /** Every round of the search, in order. */
  readonly rounds: Round[];

  /** See {@link HyperbandSchedule}. */
  constructor(readonly schedule: HyperbandSchedule) {
    positiveInt('Hyperband', 'maxEpochs', schedule.maxEpochs);
    positiveInt('Hyperband', 'iterations', schedule.iterations);
    if (!Number.isInteger(schedule.factor) || schedule.factor < 2)
      throw new Error(`Hyperband: factor must be an integer >= 2, got ${schedule.factor}`);
    this.rounds = hyperbandRounds(schedule);
  }

  next(ctx: OracleContext): OracleAnswer {
    for (let i = 0; i < this.rounds.length; i++) {
      const r = this.rounds[i]!;
      const mine = ctx.trials.filter((t) => inRound(t, r));
      if (mine.length >= r.size || (r.round > 0 && mine.length >= this.candidates(ctx, r).length)) {
        // Round fully handed out; the next round of this bracket needs all of it finished.
        const nextRound = this.rounds[i + 1];
        if (nextRound && nextRound.round > 0 && mine.some((t) => t.status === 'RUNNING')) return 'wait';
        continue;
      }
      const bracket = { iteration: r.iteration, bracket: r.bracket, round: r.round };
      if (r.round === 0) {
        const stream = `${ctx.seed}:hyperband:${r.iteration}:${r.bracket}:${mine.length}`;
        return { hyperparameters: randomValues(ctx.space, ctx.trials, stream), epochs: r.epochs, bracket };
      }
      const parent = this.candidates(ctx, r).find((p) => !mine.some((t) => t.parentId === p.trialId))!;
      return {
        hyperparameters: { ...parent.hyperparameters },
        epochs: r.epochs,
        initialEpoch: parent.epochs,
        parentId: parent.trialId,
        bracket,
      };
    }
    return null;
  }

  /** The trials of the previous round that go on to round `r`: its best `r.size`. */
  private candidates(ctx: OracleContext, r: Round): Trial[] {
    const prev = { ...r, round: r.round - 1 };
    return ranked(
      ctx.trials.filter((t) => inRound(t, prev)),
      ctx.objective,
    ).slice(0, r.size);
  }
}
