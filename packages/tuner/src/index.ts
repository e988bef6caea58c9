/**
 * @wasmml/tuner — hyper-parameter search for wasmml models, shaped like
 * KerasTuner: a model-building function reads `hp.float / int / choice /
 * boolean`, and `RandomSearch`, `Hyperband` or `BayesianOptimization` search
 * the space for the best value of an objective, with an optional median
 * pruner, seeds, results tables and projects that resume from disk.
 * @packageDocumentation
 */
export {
  HyperParameters,
  fromUnit,
  toUnit,
  type HpValue,
  type HpSpec,
  type RangeSpec,
  type ChoiceSpec,
  type BooleanSpec,
  type FixedSpec,
  type Sampling,
  type Condition,
  type RangeOptions,
  type ChoiceOptions,
} from './hyperparameters.js';
export { Objective, toObjective, type Direction, type ObjectiveLike, type ObjectiveConfig } from './objective.js';
export { MedianPruner, type MedianPrunerArgs } from './pruner.js';
export { Tuner, type TunerArgs, type SearchArgs, type HyperModel, type TrialCallbacks } from './tuner.js';
export {
  RandomSearch,
  Hyperband,
  BayesianOptimization,
  type RandomSearchArgs,
  type HyperbandArgs,
  type BayesianOptimizationArgs,
} from './tuners.js';
export { hyperbandRounds, type Round, type HyperbandSchedule } from './oracles/hyperband.js';
export { GaussianProcess, matern52, cholesky, expectedImprovement, normalCdf, LENGTH_SCALES, type Posterior } from './oracles/gp.js';
export type { Oracle, OracleContext, OracleAnswer } from './oracles/oracle.js';
export type { BayesianSchedule } from './oracles/bayesian.js';
export type { Trial, TrialStatus, TrialRequest, TrialPlace } from './trial.js';
export type { ResultRow } from './results.js';
export type { SearchState, TrialStore } from './storage.js';
export type { SearchProgress } from './progress/types.js';
