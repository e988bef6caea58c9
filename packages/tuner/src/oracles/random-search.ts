// RandomSearch's oracle: maxTrials independent uniform draws.
import { positiveInt, randomValues, type Oracle, type OracleAnswer, type OracleContext } from './oracle.js';

/** Uniform random draws (KerasTuner `RandomSearchOracle`). */
export class RandomOracle implements Oracle {
  readonly kind = 'RandomSearch';
  /** @param maxTrials Number of trials. */
  constructor(readonly maxTrials: number) {
    positiveInt('RandomSearch', 'maxTrials', maxTrials);
  }

  next(ctx: OracleContext): OracleAnswer {
    const i = ctx.trials.length;
    if (i >= this.maxTrials) return null;
    return { hyperparameters: randomValues(ctx.space, ctx.trials, `${ctx.seed}:random:${i}`), epochs: ctx.epochs };
  }
}
