// BayesianOptimization's oracle (KerasTuner `BayesianOptimizationOracle`): random
// trials first, then a Gaussian process over the unit-cube image of the values
// and the candidate, among random ones, with the best acquisition value.
import { Random } from '@wasmml/datasets';
import { toUnit, type HpSpec, type HpValue } from '../hyperparameters.js';
import { valuesKey, type Trial } from '../trial.js';
import { expectedImprovement, GaussianProcess } from './gp.js';
import { drawOnce, positiveInt, randomValues, type Oracle, type OracleAnswer, type OracleContext } from './oracle.js';

/** Options of the Bayesian oracle. */
export interface BayesianSchedule {
  /** Number of trials. */
  maxTrials: number;
  /** Random trials before the GP takes over (default: 3 per searched hyper-parameter, at least 2). */
  numInitialPoints?: number;
  /** 'ei' expected improvement (default) or 'ucb' upper confidence bound. */
  acquisition?: 'ei' | 'ucb';
  /** UCB's exploration weight (default 2.6, KerasTuner's beta). */
  beta?: number;
  /** Random candidates the acquisition is evaluated on (default 2000). */
  candidates?: number;
}

/** A point of the unit cube for a set of values (inactive hyper-parameters at their default's image). */
function embed(space: readonly HpSpec[], values: Record<string, HpValue>): number[] {
  return space.filter((s) => s.kind !== 'fixed').map((s) => toUnit(s, values[s.name] ?? s.default));
}

/** Gaussian-process Bayesian optimisation. */
export class BayesianOracle implements Oracle {
  readonly kind = 'BayesianOptimization';
  /** See {@link BayesianSchedule}. */
  constructor(readonly schedule: BayesianSchedule) {
    positiveInt('BayesianOptimization', 'maxTrials', schedule.maxTrials);
    if (schedule.numInitialPoints !== undefined) positiveInt('BayesianOptimization', 'numInitialPoints', schedule.numInitialPoints);
    if (schedule.acquisition !== undefined && !['ei', 'ucb'].includes(schedule.acquisition)) {
      throw new Error(`BayesianOptimization: acquisition must be 'ei' or 'ucb', got '${schedule.acquisition}'`);
    }
  }

  next(ctx: OracleContext): OracleAnswer {
    const i = ctx.trials.length;
    if (i >= this.schedule.maxTrials) return null;
    const dims = ctx.space.filter((s) => s.kind !== 'fixed').length;
    const initial = this.schedule.numInitialPoints ?? Math.max(2, 3 * dims);
    const done = ctx.trials.filter((t): t is Trial & { score: number } => t.status !== 'RUNNING' && t.score !== null);
    const stream = `${ctx.seed}:bayesian:${i}`;
    if (i < initial || done.length < 2 || dims === 0)
      return { hyperparameters: randomValues(ctx.space, ctx.trials, stream), epochs: ctx.epochs };
    // Maximise: a 'min' objective is negated.
    const sign = ctx.objective.direction === 'max' ? 1 : -1;
    const gp = new GaussianProcess(
      done.map((t) => embed(ctx.space, t.hyperparameters)),
      done.map((t) => sign * t.score),
      1e-4,
    );
    const best = Math.max(...done.map((t) => sign * t.score));
    const beta = this.schedule.beta ?? 2.6;
    const rng = new Random(stream);
    const seen = new Set(ctx.trials.map((t) => valuesKey(t.hyperparameters)));
    let pick: Record<string, HpValue> | undefined,
      pickValue = -Infinity;
    for (let c = 0; c < (this.schedule.candidates ?? 2000); c++) {
      const values = drawOnce(ctx.space, () => rng.next());
      if (seen.has(valuesKey(values))) continue;
      const { mean, std } = gp.predict(embed(ctx.space, values));
      const a = this.schedule.acquisition === 'ucb' ? mean + beta * std : expectedImprovement(mean, std, best, 0);
      if (a > pickValue) [pick, pickValue] = [values, a];
    }
    return { hyperparameters: pick ?? randomValues(ctx.space, ctx.trials, stream), epochs: ctx.epochs };
  }
}
