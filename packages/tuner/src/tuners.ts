// The three tuners of KerasTuner: the shared loop with each one's oracle.
import { BayesianOracle } from './oracles/bayesian.js';
import { HyperbandOracle } from './oracles/hyperband.js';
import { RandomOracle } from './oracles/random-search.js';
import { Tuner, type TunerArgs } from './tuner.js';

/** Options of {@link RandomSearch}. */
export interface RandomSearchArgs extends TunerArgs {
  /** Number of trials (default 10). */
  maxTrials?: number;
}

/** Uniform random draws from the space (KerasTuner `RandomSearch`). */
export class RandomSearch extends Tuner {
  /** See {@link RandomSearchArgs}. */
  constructor(args: RandomSearchArgs) {
    super(new RandomOracle(args?.maxTrials ?? 10), args, ['maxTrials']);
  }
}

/** Options of {@link Hyperband}. */
export interface HyperbandArgs extends TunerArgs {
  /** Epochs of the longest-trained trials (search's `epochs` is ignored). */
  maxEpochs: number;
  /** Reduction factor between rounds (default 3). */
  factor?: number;
  /** Times the whole set of brackets runs (default 1). */
  hyperbandIterations?: number;
}

/**
 * Hyperband (KerasTuner `Hyperband`): brackets of successive halving. A trial
 * promoted to the next round resumes from the previous round's final weights at
 * the epoch where that one stopped (with a fresh optimizer, as KerasTuner).
 */
export class Hyperband extends Tuner {
  /** See {@link HyperbandArgs}. */
  constructor(args: HyperbandArgs) {
    super(
      new HyperbandOracle({ maxEpochs: args?.maxEpochs, factor: args?.factor ?? 3, iterations: args?.hyperbandIterations ?? 1 }),
      args,
      ['maxEpochs', 'factor', 'hyperbandIterations'],
    );
  }
}

/** Options of {@link BayesianOptimization}. */
export interface BayesianOptimizationArgs extends TunerArgs {
  /** Number of trials (default 10). */
  maxTrials?: number;
  /** Random trials before the Gaussian process takes over (default 3 per searched hyper-parameter). */
  numInitialPoints?: number;
  /** 'ei' expected improvement (default) or 'ucb' upper confidence bound. */
  acquisition?: 'ei' | 'ucb';
  /** UCB's exploration weight (default 2.6). */
  beta?: number;
}

/** Gaussian-process Bayesian optimisation, Matérn 5/2 kernel (KerasTuner `BayesianOptimization`). */
export class BayesianOptimization extends Tuner {
  /** See {@link BayesianOptimizationArgs}. */
  constructor(args: BayesianOptimizationArgs) {
    const schedule: ConstructorParameters<typeof BayesianOracle>[0] = { maxTrials: args?.maxTrials ?? 10 };
    if (args?.numInitialPoints !== undefined) schedule.numInitialPoints = args.numInitialPoints;
    if (args?.acquisition !== undefined) schedule.acquisition = args.acquisition;
    if (args?.beta !== undefined) schedule.beta = args.beta;
    super(new BayesianOracle(schedule), args, ['maxTrials', 'numInitialPoints', 'acquisition', 'beta']);
  }
}
