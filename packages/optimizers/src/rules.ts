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
  constructor(learningRate: LR, opts?: OptimizerOptions) {
    super(learningRate, opts);
  }
  getClassName() {
    return 'SGD';
  }
  protected rule(learningRate: number): OptimizerRule {
    return { type: 'sgd', learningRate };
  }
  /** Rebuilds an SGD optimizer from {@link Optimizer.getConfig} output. */
  static fromConfig(c: OptimizerConfig) {
    return new SGDOptimizer(Optimizer.lr(c), Optimizer.clipping(c));
  }
}

/** Momentum (tfjs): a = m·a + g; p -= lr · a, or lr · (g + m·a) with Nesterov. */
export class MomentumOptimizer extends Optimizer {
  /**
   * @param learningRate Step size, or a schedule of the step.
   * @param momentum Decay of the accumulated velocity (e.g. 0.9).
   * @param useNesterov Use Nesterov momentum (default false).
   * @param opts Gradient clipping.
   */
  constructor(
    learningRate: LR,
    readonly momentum: number,
    readonly useNesterov = false,
    opts?: OptimizerOptions,
  ) {
    super(learningRate, opts);
  }
  getClassName() {
    return 'Momentum';
  }
  protected rule(learningRate: number): OptimizerRule {
    return { type: 'momentum', learningRate, momentum: this.momentum, useNesterov: this.useNesterov };
  }
  /** Rebuilds a Momentum optimizer from {@link Optimizer.getConfig} output. */
  static fromConfig(c: OptimizerConfig) {
    return Optimizer.rebuild(MomentumOptimizer, c, ['momentum', 'useNesterov']);
  }
}

/** RMSProp (tfjs form, optional momentum and centring). */
export class RMSPropOptimizer extends Optimizer {
  /**
   * @param learningRate Step size, or a schedule of the step.
   * @param decay Discount of the running average of squared gradients (default 0.9).
   * @param momentum Momentum of the update (default 0: none).
   * @param epsilon Added to the denominator for stability (default 1e-7, as tfjs).
   * @param centered Divide by the gradient's estimated variance instead of its raw second moment (default false).
   * @param opts Gradient clipping.
   */
  constructor(
    learningRate: LR,
    readonly decay = 0.9,
    readonly momentum = 0,
    readonly epsilon = EPSILON,
    readonly centered = false,
    opts?: OptimizerOptions,
  ) {
    super(learningRate, opts);
  }
  getClassName() {
    return 'RMSProp';
  }
  protected rule(learningRate: number): OptimizerRule {
    return { type: 'rmsprop', learningRate, decay: this.decay, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
  /** Rebuilds an RMSProp optimizer from {@link Optimizer.getConfig} output. */
  static fromConfig(c: OptimizerConfig) {
    return Optimizer.rebuild(RMSPropOptimizer, c, ['decay', 'momentum', 'epsilon', 'centered']);
  }
}

/** Adagrad: a += g²; p -= lr · g / sqrt(a + ε). */
export class AdagradOptimizer extends Optimizer {
  /**
   * @param learningRate Step size, or a schedule of the step.
   * @param initialAccumulatorValue Starting value of the squared-gradient sums (default 0.1, as tfjs).
   * @param opts Gradient clipping.
   */
  constructor(
    learningRate: LR,
    readonly initialAccumulatorValue = 0.1,
    opts?: OptimizerOptions,
  ) {
    super(learningRate, opts);
  }
  getClassName() {
    return 'Adagrad';
  }
  protected override slotInit() {
    return this.initialAccumulatorValue;
  }
  protected rule(learningRate: number): OptimizerRule {
    return { type: 'adagrad', learningRate, epsilon: EPSILON };
  }
  /**
   * Rule-specific config entries: initialAccumulatorValue.
   * @property __type.initialAccumulatorValue See {@link AdagradOptimizer.initialAccumulatorValue}.
   */
  protected override ownConfig() {
    return { initialAccumulatorValue: this.initialAccumulatorValue };
  }
  /** Rebuilds an Adagrad optimizer from {@link Optimizer.getConfig} output. */
  static fromConfig(c: OptimizerConfig) {
    return Optimizer.rebuild(AdagradOptimizer, c, ['initialAccumulatorValue']);
  }
}

/** Adam (Kingma & Ba) with tfjs's epsilon placement. */
export class AdamOptimizer extends Optimizer {
  /**
   * @param learningRate Step size, or a schedule of the step (default 0.001).
   * @param beta1 Decay of the first-moment estimate (default 0.9).
   * @param beta2 Decay of the second-moment estimate (default 0.999).
   * @param epsilon Added to the denominator for stability (default 1e-7, as tfjs).
   * @param opts Gradient clipping.
   */
  constructor(
    learningRate: LR = 0.001,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = EPSILON,
    opts?: OptimizerOptions,
  ) {
    super(learningRate, opts);
  }
  getClassName() {
    return 'Adam';
  }
  protected rule(learningRate: number, step: number): OptimizerRule {
    return { type: 'adam', learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step };
  }
  /** Rebuilds an Adam optimizer from {@link Optimizer.getConfig} output. */
  static fromConfig(c: OptimizerConfig) {
    return Optimizer.rebuild(AdamOptimizer, c, ['beta1', 'beta2', 'epsilon']);
  }
}

/** Adamax (tfjs form, with its learning-rate decay). */
export class AdamaxOptimizer extends Optimizer {
  /**
   * @param learningRate Step size, or a schedule of the step (default 0.002).
   * @param beta1 Decay of the first-moment estimate (default 0.9).
   * @param beta2 Decay of the exponentially weighted infinity norm (default 0.999).
   * @param epsilon Added to the denominator for stability (default 1e-7, as tfjs).
   * @param decay Learning-rate decay per step, lr / (1 + decay · step) (default 0: none).
   * @param opts Gradient clipping.
   */
  constructor(
    learningRate: LR = 0.002,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = EPSILON,
    readonly decay = 0,
    opts?: OptimizerOptions,
  ) {
    super(learningRate, opts);
  }
  getClassName() {
    return 'Adamax';
  }
  protected rule(learningRate: number, step: number): OptimizerRule {
    return { type: 'adamax', learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, decay: this.decay, step };
  }
  /** Rebuilds an Adamax optimizer from {@link Optimizer.getConfig} output. */
  static fromConfig(c: OptimizerConfig) {
    return Optimizer.rebuild(AdamaxOptimizer, c, ['beta1', 'beta2', 'epsilon', 'decay']);
  }
}

/** AdamW (Loshchilov & Hutter): Adam plus decoupled weight decay p -= lr · wd · p. */
export class AdamWOptimizer extends Optimizer {
  /**
   * @param learningRate Step size, or a schedule of the step (default 0.001).
   * @param weightDecay Decoupled weight decay per step, scaled by the learning rate (default 0.01).
   * @param beta1 Decay of the first-moment estimate (default 0.9).
   * @param beta2 Decay of the second-moment estimate (default 0.999).
   * @param epsilon Added to the denominator for stability (default 1e-7).
   * @param opts Gradient clipping.
   */
  constructor(
    learningRate: LR = 0.001,
    readonly weightDecay = 0.01,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = EPSILON,
    opts?: OptimizerOptions,
  ) {
    super(learningRate, opts);
  }
  getClassName() {
    return 'AdamW';
  }
  protected rule(learningRate: number, step: number): OptimizerRule {
    return {
      type: 'adamw',
      learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      step,
    };
  }
  /** Rebuilds an AdamW optimizer from {@link Optimizer.getConfig} output. */
  static fromConfig(c: OptimizerConfig) {
    return Optimizer.rebuild(AdamWOptimizer, c, ['weightDecay', 'beta1', 'beta2', 'epsilon']);
  }
}
