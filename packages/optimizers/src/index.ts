/**
 * @wasmml/optimizers — tfjs-compatible optimizers whose updates for all
 * parameters run as one fused kernel call per step, plus learning-rate
 * schedules and gradient clipping.
 * @packageDocumentation
 */
import type { LearningRateSchedule } from './schedules.js';
import type { OptimizerConfig, OptimizerOptions } from './optimizer.js';
import {
  AdagradOptimizer,
  AdamaxOptimizer,
  AdamOptimizer,
  AdamWOptimizer,
  MomentumOptimizer,
  RMSPropOptimizer,
  SGDOptimizer,
} from './rules.js';

export { Optimizer, type NamedTensor, type OptimizerOptions, type OptimizerConfig } from './optimizer.js';
export {
  SGDOptimizer,
  MomentumOptimizer,
  RMSPropOptimizer,
  AdagradOptimizer,
  AdamOptimizer,
  AdamaxOptimizer,
  AdamWOptimizer,
} from './rules.js';
export {
  exponentialDecay,
  stepDecay,
  piecewiseConstant,
  cosineDecay,
  cosineDecayRestarts,
  linearWarmup,
  constant,
  scheduleFromConfig,
  type LearningRateSchedule,
  type ScheduleConfig,
} from './schedules.js';

type LR = number | LearningRateSchedule;

/** tf.train.sgd */
export const sgd = (learningRate: LR, opts?: OptimizerOptions) => new SGDOptimizer(learningRate, opts);
/** tf.train.momentum */
export const momentum = (learningRate: LR, m: number, useNesterov = false, opts?: OptimizerOptions) =>
  new MomentumOptimizer(learningRate, m, useNesterov, opts);
/** tf.train.rmsprop */
export const rmsprop = (learningRate: LR, decay?: number, m?: number, epsilon?: number, centered?: boolean, opts?: OptimizerOptions) =>
  new RMSPropOptimizer(learningRate, decay, m, epsilon, centered, opts);
/** tf.train.adagrad */
export const adagrad = (learningRate: LR, initialAccumulatorValue?: number, opts?: OptimizerOptions) =>
  new AdagradOptimizer(learningRate, initialAccumulatorValue, opts);
/** tf.train.adam */
export const adam = (learningRate?: LR, beta1?: number, beta2?: number, epsilon?: number, opts?: OptimizerOptions) =>
  new AdamOptimizer(learningRate, beta1, beta2, epsilon, opts);
/** tf.train.adamax */
export const adamax = (learningRate?: LR, beta1?: number, beta2?: number, epsilon?: number, decay?: number, opts?: OptimizerOptions) =>
  new AdamaxOptimizer(learningRate, beta1, beta2, epsilon, decay, opts);
/** AdamW: Adam with decoupled weight decay (no tfjs counterpart). */
export const adamw = (learningRate?: LR, weightDecay?: number, beta1?: number, beta2?: number, epsilon?: number, opts?: OptimizerOptions) =>
  new AdamWOptimizer(learningRate, weightDecay, beta1, beta2, epsilon, opts);

/** The factories grouped like `tf.train`. */
export const train = { sgd, momentum, rmsprop, adagrad, adam, adamax, adamw };

const byName: Record<string, (c: OptimizerConfig) => import('./optimizer.js').Optimizer> = {
  SGD: SGDOptimizer.fromConfig,
  Momentum: MomentumOptimizer.fromConfig,
  RMSProp: RMSPropOptimizer.fromConfig,
  Adagrad: AdagradOptimizer.fromConfig,
  Adam: AdamOptimizer.fromConfig,
  Adamax: AdamaxOptimizer.fromConfig,
  AdamW: AdamWOptimizer.fromConfig,
};

/** Rebuilds an optimizer from getConfig() output. */
export function optimizerFromConfig(c: OptimizerConfig) {
  const f = byName[c.className];
  if (!f) throw new Error(`optimizerFromConfig: unknown optimizer '${c.className}' (known: ${Object.keys(byName).join(', ')})`);
  return f(c);
}

/** An optimizer by Keras/tfjs name ('sgd', 'adam', 'rmsprop', ...) with default settings. */
export function getOptimizer(name: string) {
  switch (name.toLowerCase()) {
    case 'sgd':
      return sgd(0.01);
    case 'momentum':
      return momentum(0.01, 0.9);
    case 'rmsprop':
      return rmsprop(0.001);
    case 'adagrad':
      return adagrad(0.01);
    case 'adam':
      return adam(0.001);
    case 'adamax':
      return adamax(0.002);
    case 'adamw':
      return adamw(0.001);
    default:
      throw new Error(`unknown optimizer '${name}' (known: sgd, momentum, rmsprop, adagrad, adam, adamax, adamw)`);
  }
}
