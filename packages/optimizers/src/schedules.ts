// Learning-rate schedules: functions of the step (0-based count of applied
// updates), composable, with a JSON config so optimizer state can be saved.
import { checkOptions } from '@wasmml/tensor';

/** A learning rate as a function of the optimizer step. */
export interface LearningRateSchedule {
  (step: number): number;
  /** Serialisable description (kind + arguments). */
  readonly config: ScheduleConfig;
}

/**
 * Serialisable description of a learning-rate schedule: which function made it (`kind`) and its arguments, so
 * {@link scheduleFromConfig} can rebuild it (optimizer configs and saved training state carry it).
 */
export type ScheduleConfig =
  | {
      /** Made by {@link constant}. */
      kind: 'constant';
      /** The fixed learning rate. */
      value: number;
    }
  | {
      /** Made by {@link exponentialDecay}. */
      kind: 'exponentialDecay';
      /** Learning rate at step 0. */
      initialLearningRate: number;
      /** Steps over which the rate is multiplied by decayRate once. */
      decaySteps: number;
      /** Factor per decaySteps steps. */
      decayRate: number;
      /** Whether the exponent is floored (the rate drops in steps). */
      staircase: boolean;
    }
  | {
      /** Made by {@link stepDecay}. */
      kind: 'stepDecay';
      /** Learning rate at step 0. */
      initialLearningRate: number;
      /** Steps between drops. */
      stepSize: number;
      /** Factor applied at each drop. */
      factor: number;
    }
  | {
      /** Made by {@link piecewiseConstant}. */
      kind: 'piecewiseConstant';
      /** Steps where the rate changes, ascending. */
      boundaries: number[];
      /** The rate before the first boundary, between boundaries and after the last (one more than boundaries). */
      values: number[];
    }
  | {
      /** Made by {@link cosineDecayRestarts}. */
      kind: 'cosineDecayRestarts';
      /** Learning rate at the start of the first period. */
      initialLearningRate: number;
      /** Length in steps of the first period. */
      firstDecaySteps: number;
      /** Factor by which each period is longer than the one before. */
      tMul: number;
      /** Factor by which each period's starting rate is lower than the one before. */
      mMul: number;
      /** The rate at the end of a period, as a fraction of its start. */
      alpha: number;
    }
  | {
      /** Made by {@link cosineDecay}. */
      kind: 'cosineDecay';
      /** Learning rate at step 0. */
      initialLearningRate: number;
      /** Steps over which the rate decays; it stays at the end value after. */
      decaySteps: number;
      /** The final rate, as a fraction of initialLearningRate. */
      alpha: number;
    }
  | {
      /** Made by {@link linearWarmup}. */
      kind: 'linearWarmup';
      /** Steps of the linear ramp. */
      warmupSteps: number;
      /** Learning rate at step 0, where the ramp starts. */
      initialLearningRate: number;
      /** The schedule followed after the warm-up (its step counted from the end of the ramp). */
      after: ScheduleConfig;
    };

function make(config: ScheduleConfig, fn: (step: number) => number): LearningRateSchedule {
  return Object.assign((step: number) => fn(step), { config });
}

function positive(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`learning-rate schedule: ${name} must be a positive number, got ${v}`);
}

/** lr · decayRate^(step / decaySteps) (floored exponent when staircase). */
export function exponentialDecay(args: {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}): LearningRateSchedule {
  checkOptions('exponentialDecay', args, { initialLearningRate: true, decaySteps: true, decayRate: true, staircase: true });
  positive('decaySteps', args.decaySteps);
  const staircase = args.staircase ?? false;
  return make({ kind: 'exponentialDecay', ...args, staircase }, (s) => {
    const p = s / args.decaySteps;
    return args.initialLearningRate * args.decayRate ** (staircase ? Math.floor(p) : p);
  });
}

/** lr · factor^floor(step / stepSize). */
export function stepDecay(args: { initialLearningRate: number; stepSize: number; factor: number }): LearningRateSchedule {
  checkOptions('stepDecay', args, { initialLearningRate: true, stepSize: true, factor: true });
  positive('stepSize', args.stepSize);
  return make({ kind: 'stepDecay', ...args }, (s) => args.initialLearningRate * args.factor ** Math.floor(s / args.stepSize));
}

/** values[i] while step < boundaries[i]; values has one more entry than boundaries. */
export function piecewiseConstant(args: { boundaries: number[]; values: number[] }): LearningRateSchedule {
  checkOptions('piecewiseConstant', args, { boundaries: true, values: true });
  if (args.values.length !== args.boundaries.length + 1) {
    throw new Error(
      `piecewiseConstant: ${args.values.length} values for ${args.boundaries.length} boundaries; expected one more value than boundaries`,
    );
  }
  return make({ kind: 'piecewiseConstant', ...args }, (s) => {
    let i = 0;
    while (i < args.boundaries.length && s >= args.boundaries[i]!) i++;
    return args.values[i]!;
  });
}

/** Cosine decay from lr to lr·alpha over decaySteps, then constant. */
export function cosineDecay(args: { initialLearningRate: number; decaySteps: number; alpha?: number }): LearningRateSchedule {
  checkOptions('cosineDecay', args, { initialLearningRate: true, decaySteps: true, alpha: true });
  positive('decaySteps', args.decaySteps);
  const alpha = args.alpha ?? 0;
  return make({ kind: 'cosineDecay', ...args, alpha }, (s) => {
    const t = Math.min(s, args.decaySteps) / args.decaySteps;
    return args.initialLearningRate * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
  });
}

/**
 * SGDR (Loshchilov & Hutter): cosine decay restarted after firstDecaySteps,
 * each period tMul times longer and mMul times lower.
 */
export function cosineDecayRestarts(args: {
  initialLearningRate: number;
  firstDecaySteps: number;
  tMul?: number;
  mMul?: number;
  alpha?: number;
}): LearningRateSchedule {
  checkOptions('cosineDecayRestarts', args, { initialLearningRate: true, firstDecaySteps: true, tMul: true, mMul: true, alpha: true });
  positive('firstDecaySteps', args.firstDecaySteps);
  const tMul = args.tMul ?? 2,
    mMul = args.mMul ?? 1,
    alpha = args.alpha ?? 0;
  return make({ kind: 'cosineDecayRestarts', ...args, tMul, mMul, alpha }, (s) => {
    let period = args.firstDecaySteps,
      start = 0,
      scale = 1;
    while (s >= start + period) {
      start += period;
      period *= tMul;
      scale *= mMul;
    }
    const t = (s - start) / period;
    return args.initialLearningRate * scale * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
  });
}

/** Ramps linearly from initialLearningRate to `after(warmupSteps)`, then follows `after` (shifted). */
export function linearWarmup(after: LearningRateSchedule | number, warmupSteps: number, initialLearningRate = 0): LearningRateSchedule {
  positive('warmupSteps', warmupSteps);
  const next = typeof after === 'number' ? constant(after) : after;
  return make({ kind: 'linearWarmup', warmupSteps, initialLearningRate, after: next.config }, (s) => {
    if (s >= warmupSteps) return next(s - warmupSteps);
    const target = next(0);
    return initialLearningRate + ((target - initialLearningRate) * s) / warmupSteps;
  });
}

/** A fixed learning rate. */
export function constant(value: number): LearningRateSchedule {
  return make({ kind: 'constant', value }, () => value);
}

/** Rebuilds a schedule from its config. */
export function scheduleFromConfig(c: ScheduleConfig): LearningRateSchedule {
  // The factories take the config without its `kind` tag.
  const { kind: _kind, ...args } = c as ScheduleConfig & Record<string, unknown>;
  switch (c.kind) {
    case 'constant':
      return constant(c.value);
    case 'exponentialDecay':
      return exponentialDecay(args as Parameters<typeof exponentialDecay>[0]);
    case 'stepDecay':
      return stepDecay(args as Parameters<typeof stepDecay>[0]);
    case 'piecewiseConstant':
      return piecewiseConstant(args as Parameters<typeof piecewiseConstant>[0]);
    case 'cosineDecay':
      return cosineDecay(args as Parameters<typeof cosineDecay>[0]);
    case 'cosineDecayRestarts':
      return cosineDecayRestarts(args as Parameters<typeof cosineDecayRestarts>[0]);
    case 'linearWarmup':
      return linearWarmup(scheduleFromConfig(c.after), c.warmupSteps, c.initialLearningRate);
    default:
      throw new Error(`scheduleFromConfig: unknown schedule kind ${(c as { kind: string }).kind}`);
  }
}
