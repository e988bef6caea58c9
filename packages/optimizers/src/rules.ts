// The optimizers: each is its update rule's hyperparameters (the arithmetic
// lives in the fused kernel), with tfjs's constructor arguments and defaults.
import type { OptimizerRule } from '@wasmml/tensor';
import type { LearningRateSchedule } from './schedules.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

type LR = number | LearningRateSchedule;
// tfjs's default epsilon on the CPU and wasm backends.
const EPSILON = 1e-7;

/** Plain gradient descent: p -= lr · g. */
export class SGDOptimizer extends Optimizer {
  constructor(learningRate: LR, opts?: OptimizerOptions) { super(learningRate, opts); }
  getClassName() { return 'SGD'; }
  protected rule(learningRate: number): OptimizerRule { return { type: 'sgd', learningRate }; }
  protected ownConfig() { return {}; }
  static fromConfig(c: OptimizerConfig) { return new SGDOptimizer(Optimizer.lr(c), c); }
}

/** Momentum (tfjs): a = m·a + g; p -= lr · a, or lr · (g + m·a) with Nesterov. */
export class MomentumOptimizer extends Optimizer {
  constructor(learningRate: LR, readonly momentum: number, readonly useNesterov = false, opts?: OptimizerOptions) { super(learningRate, opts); }
  getClassName() { return 'Momentum'; }
  protected rule(learningRate: number): OptimizerRule {
    return { type: 'momentum', learningRate, momentum: this.momentum, useNesterov: this.useNesterov };
  }
  protected ownConfig() { return { momentum: this.momentum, useNesterov: this.useNesterov }; }
  static fromConfig(c: OptimizerConfig) { return new MomentumOptimizer(Optimizer.lr(c), c.momentum as number, c.useNesterov as boolean, c); }
}

/** RMSProp (tfjs form, optional momentum and centring). */
export class RMSPropOptimizer extends Optimizer {
  constructor(learningRate: LR, readonly decay = 0.9, readonly momentum = 0, readonly epsilon = EPSILON, readonly centered = false, opts?: OptimizerOptions) { super(learningRate, opts); }
  getClassName() { return 'RMSProp'; }
  protected rule(learningRate: number): OptimizerRule {
    return { type: 'rmsprop', learningRate, decay: this.decay, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
  protected ownConfig() { return { decay: this.decay, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered }; }
  static fromConfig(c: OptimizerConfig) { return new RMSPropOptimizer(Optimizer.lr(c), c.decay as number, c.momentum as number, c.epsilon as number, c.centered as boolean, c); }
}

/** Adagrad: a += g²; p -= lr · g / sqrt(a + ε). */
export class AdagradOptimizer extends Optimizer {
  constructor(learningRate: LR, readonly initialAccumulatorValue = 0.1, opts?: OptimizerOptions) { super(learningRate, opts); }
  getClassName() { return 'Adagrad'; }
  protected override slotInit() { return this.initialAccumulatorValue; }
  protected rule(learningRate: number): OptimizerRule { return { type: 'adagrad', learningRate, epsilon: EPSILON }; }
  protected ownConfig() { return { initialAccumulatorValue: this.initialAccumulatorValue }; }
  static fromConfig(c: OptimizerConfig) { return new AdagradOptimizer(Optimizer.lr(c), c.initialAccumulatorValue as number, c); }
}

/** Adam (Kingma & Ba) with tfjs's epsilon placement. */
export class AdamOptimizer extends Optimizer {
  constructor(learningRate: LR = 0.001, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = EPSILON, opts?: OptimizerOptions) { super(learningRate, opts); }
  getClassName() { return 'Adam'; }
  protected rule(learningRate: number, step: number): OptimizerRule {
    return { type: 'adam', learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step };
  }
  protected ownConfig() { return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon }; }
  static fromConfig(c: OptimizerConfig) { return new AdamOptimizer(Optimizer.lr(c), c.beta1 as number, c.beta2 as number, c.epsilon as number, c); }
}

/** Adamax (tfjs form, with its learning-rate decay). */
export class AdamaxOptimizer extends Optimizer {
  constructor(learningRate: LR = 0.002, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = EPSILON, readonly decay = 0, opts?: OptimizerOptions) { super(learningRate, opts); }
  getClassName() { return 'Adamax'; }
  protected rule(learningRate: number, step: number): OptimizerRule {
    return { type: 'adamax', learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, decay: this.decay, step };
  }
  protected ownConfig() { return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, decay: this.decay }; }
  static fromConfig(c: OptimizerConfig) { return new AdamaxOptimizer(Optimizer.lr(c), c.beta1 as number, c.beta2 as number, c.epsilon as number, c.decay as number, c); }
}

/** AdamW (Loshchilov & Hutter): Adam plus decoupled weight decay p -= lr · wd · p. */
export class AdamWOptimizer extends Optimizer {
  constructor(learningRate: LR = 0.001, readonly weightDecay = 0.01, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = EPSILON, opts?: OptimizerOptions) { super(learningRate, opts); }
  getClassName() { return 'AdamW'; }
  protected rule(learningRate: number, step: number): OptimizerRule {
    return { type: 'adamw', learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay, step };
  }
  protected ownConfig() { return { weightDecay: this.weightDecay, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon }; }
  static fromConfig(c: OptimizerConfig) { return new AdamWOptimizer(Optimizer.lr(c), c.weightDecay as number, c.beta1 as number, c.beta2 as number, c.epsilon as number, c); }
}
