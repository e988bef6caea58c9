// Fused optimizer updates: one kernel call updates every parameter of a model.
// A table of (param, grad, slots, count) rows goes into the arena; the kernel's
// range is over fixed-size element blocks across all parameters, so the pool
// splits the work evenly however the sizes are spread.
import { runtime } from '../runtime.js';
import { i32View } from '../views.js';

/** Keep in step with OPT_BLOCK in assembly/optimizer.ts. */
const BLOCK = 2048;
const ROW_INTS = 8;

/** One parameter of a fused update: arena addresses of float32 arrays of `size` elements. */
export interface OptimizerParam {
  /** The parameter values, updated in place. */
  param: number;
  /** Its gradient (read only). */
  grad: number;
  /** Element count of param, grad and every slot. */
  size: number;
  /** State arrays of the rule, in the order listed by `optimizerSlots` (updated in place). */
  slots?: readonly number[];
}

/** Plain SGD: p -= lr * g. */
export interface SgdRule {
  /** Selects the rule. */
  type: 'sgd';
  /** Step size. */
  learningRate: number;
}

/** tfjs momentum: a = momentum * a + g; p -= lr * a (Nesterov: p -= lr * (g + momentum * a)). Slot: a. */
export interface MomentumRule {
  /** Selects the rule. */
  type: 'momentum';
  /** Step size. */
  learningRate: number;
  /** Decay of the accumulated gradient. */
  momentum: number;
  /** Nesterov momentum (default false). */
  useNesterov?: boolean;
}

/**
 * tfjs RMSProp. Slots: mean square, moment, and the mean gradient when
 * centered. Centered uses tfjs's denominator sqrt(ms - (mg^2 + epsilon)).
 */
export interface RmspropRule {
  /** Selects the rule. */
  type: 'rmsprop';
  /** Step size. */
  learningRate: number;
  /** Decay of the running averages (default 0.9). */
  decay?: number;
  /** Momentum of the update (default 0). */
  momentum?: number;
  /** Added inside the square root (default 1e-7, tfjs's float32 epsilon). */
  epsilon?: number;
  /** Divide by the variance estimate instead of the mean square (default false). */
  centered?: boolean;
}

/** tfjs Adagrad. Slot: the accumulator, which the caller fills once with initialAccumulatorValue (tfjs: 0.1). */
export interface AdagradRule {
  /** Selects the rule. */
  type: 'adagrad';
  /** Step size. */
  learningRate: number;
  /** Added inside the square root (default 1e-7). */
  epsilon?: number;
}

/** tfjs Adam. Slots: m, v. */
export interface AdamRule {
  /** Selects the rule. */
  type: 'adam';
  /** Step size (default 0.001). */
  learningRate?: number;
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment (default 1e-7). */
  epsilon?: number;
  /** This step's number, from 1: sets the bias corrections 1 - beta^step. */
  step: number;
}

/**
 * AdamW (Loshchilov & Hutter, decoupled weight decay): the Adam step plus
 * p -= lr * weightDecay * p, both from the value before the step:
 * p <- p - lr * weightDecay * p - lr * mHat / (sqrt(vHat) + epsilon). Slots: m, v.
 */
export interface AdamwRule {
  /** Selects the rule. */
  type: 'adamw';
  /** Step size (default 0.001); also scales the decay. */
  learningRate?: number;
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment (default 1e-7). */
  epsilon?: number;
  /** Decoupled weight decay factor (default 0.01, as Keras and PyTorch). */
  weightDecay?: number;
  /** This step's number, from 1. */
  step: number;
}

/** tfjs Adamax. Slots: m, u (the weighted infinity norm). */
export interface AdamaxRule {
  /** Selects the rule. */
  type: 'adamax';
  /** Step size (default 0.002). */
  learningRate?: number;
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the infinity norm (default 0.999). */
  beta2?: number;
  /** Added to the norm (default 1e-7). */
  epsilon?: number;
  /** Learning-rate decay: lr / (1 + decay * (step - 1)) (default 0). */
  decay?: number;
  /** This step's number, from 1. */
  step: number;
}

/** An update rule and its hyper-parameters for `applyOptimizer`. */
export type OptimizerRule = SgdRule | MomentumRule | RmspropRule | AdagradRule | AdamRule | AdamwRule | AdamaxRule;
/** Names of the fused update rules. */
export type OptimizerType = OptimizerRule['type'];

/** Options of `applyOptimizer`. */
export interface ApplyOptimizerOptions {
  /** Clip each gradient element to [-clipValue, clipValue] first (default: no clipping). */
  clipValue?: number;
}

/** How many slot arrays each parameter needs under a rule (rmsprop: 3 when centered). */
export function optimizerSlots(type: OptimizerType, centered = false): number {
  switch (type) {
    case 'sgd':
      return 0;
    case 'momentum':
    case 'adagrad':
      return 1;
    case 'rmsprop':
      return centered ? 3 : 2;
    case 'adam':
    case 'adamw':
    case 'adamax':
      return 2;
    default:
      throw new Error(`wasmml applyOptimizer: unknown rule '${type as string}'`);
  }
}

function stepOf(rule: { type: string; step: number }): number {
  if (!Number.isInteger(rule.step) || rule.step < 1) {
    throw new RangeError(`wasmml applyOptimizer ${rule.type}: step = ${rule.step}, expected an integer >= 1`);
  }
  return rule.step;
}

function kernelArgs(rule: OptimizerRule): { name: string; args: number[] } {
  switch (rule.type) {
    case 'sgd':
      return { name: 'opt_sgd_f32', args: [-rule.learningRate] };
    case 'momentum':
      return { name: 'opt_momentum_f32', args: [-rule.learningRate, rule.momentum, rule.useNesterov ? 1 : 0] };
    case 'rmsprop': {
      const decay = rule.decay ?? 0.9;
      return {
        name: 'opt_rmsprop_f32',
        args: [rule.learningRate, decay, 1 - decay, rule.momentum ?? 0, rule.epsilon ?? 1e-7, rule.centered ? 1 : 0],
      };
    }
    case 'adagrad':
      return { name: 'opt_adagrad_f32', args: [-rule.learningRate, rule.epsilon ?? 1e-7] };
    case 'adam':
    case 'adamw': {
      const t = stepOf(rule);
      const lr = rule.learningRate ?? 0.001,
        b1 = rule.beta1 ?? 0.9,
        b2 = rule.beta2 ?? 0.999;
      const wd = rule.type === 'adamw' ? (rule.weightDecay ?? 0.01) : 0;
      return {
        name: 'opt_adam_f32',
        args: [-lr, b1, 1 - b1, b2, 1 - b2, 1 - b1 ** t, 1 - b2 ** t, rule.epsilon ?? 1e-7, lr * wd],
      };
    }
    case 'adamax': {
      const t = stepOf(rule);
      const lr = rule.learningRate ?? 0.002,
        b1 = rule.beta1 ?? 0.9,
        b2 = rule.beta2 ?? 0.999;
      const lrT = -lr / ((t - 1) * (rule.decay ?? 0) + 1);
      return { name: 'opt_adamax_f32', args: [lrT / (1 - b1 ** t), b1, 1 - b1, b2, rule.epsilon ?? 1e-7] };
    }
    default:
      throw new Error(`wasmml applyOptimizer: unknown rule '${(rule as { type: string }).type}'`);
  }
}

/**
 * Applies one optimizer step to every parameter in `params` with a single
 * kernel call, following tfjs-core's update formulas (float32, operation for
 * operation); step-dependent factors (bias corrections, decayed rates) are
 * computed here from `rule.step`. Parameters, gradients and slots are float32
 * arena arrays; slots start as zeros (Adagrad: the initial accumulator value).
 */
export function applyOptimizer(params: readonly OptimizerParam[], rule: OptimizerRule, opts: ApplyOptimizerOptions = {}): void {
  const { name, args } = kernelArgs(rule);
  for (const v of args) {
    if (!Number.isFinite(v)) throw new RangeError(`wasmml applyOptimizer ${rule.type}: hyper-parameters must be finite`);
  }
  const nSlots = optimizerSlots(rule.type, rule.type === 'rmsprop' && !!rule.centered);
  const clip = opts.clipValue ?? Infinity;
  if (!(clip > 0)) throw new RangeError(`wasmml applyOptimizer: clipValue = ${clip}, expected > 0`);
  let blocks = 0;
  params.forEach((p, i) => {
    const where = `wasmml applyOptimizer ${rule.type} (${name}): parameter ${i}`;
    if (!Number.isInteger(p.size) || p.size < 0) throw new RangeError(`${where}: size = ${p.size}, expected an integer >= 0`);
    const slots = p.slots ?? [];
    if (slots.length < nSlots) throw new Error(`${where}: needs ${nSlots} slot arrays, got ${slots.length}`);
    for (const a of [p.param, p.grad, ...slots.slice(0, nSlots)]) {
      if (!Number.isInteger(a) || a <= 0 || a % 4 !== 0) throw new RangeError(`${where}: bad address ${a}`);
    }
    blocks += Math.ceil(p.size / BLOCK);
  });
  if (blocks === 0) return;
  const rt = runtime();
  const table = rt.arena.alloc(params.length * ROW_INTS * 4);
  try {
    const t = i32View(table, params.length * ROW_INTS);
    let first = 0;
    params.forEach((p, i) => {
      const s = p.slots ?? [];
      t.set([p.param, p.grad, s[0] ?? 0, s[1] ?? 0, s[2] ?? 0, p.size, first, 0], i * ROW_INTS);
      first += Math.ceil(p.size / BLOCK);
    });
    rt.pool.run(name, [table, params.length, ...args, clip], blocks, { cost: BLOCK * 8 });
  } finally {
    rt.arena.free(table);
  }
}
