// Learning-rate schedules: functions of the step (0-based count of applied
// updates), composable, with a JSON config so optimizer state can be saved.

/** A learning rate as a function of the optimizer step. */
export interface LearningRateSchedule {
  (step: number): number;
  /** Serialisable description (kind + arguments). */
  readonly config: ScheduleConfig;
}

export type ScheduleConfig =
  | { kind: 'constant'; value: number }
  | { kind: 'exponentialDecay'; initialLearningRate: number; decaySteps: number; decayRate: number; staircase: boolean }
  | { kind: 'stepDecay'; initialLearningRate: number; stepSize: number; factor: number }
  | { kind: 'piecewiseConstant'; boundaries: number[]; values: number[] }
  | { kind: 'cosineDecayRestarts'; initialLearningRate: number; firstDecaySteps: number; tMul: number; mMul: number; alpha: number }
  | { kind: 'cosineDecay'; initialLearningRate: number; decaySteps: number; alpha: number }
  | { kind: 'linearWarmup'; warmupSteps: number; initialLearningRate: number; after: ScheduleConfig };

function make(config: ScheduleConfig, fn: (step: number) => number): LearningRateSchedule {
  return Object.assign((step: number) => fn(step), { config });
}

function positive(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`learning-rate schedule: ${name} must be a positive number, got ${v}`);
}

/** lr · decayRate^(step / decaySteps) (floored exponent when staircase). */
export function exponentialDecay(args: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): LearningRateSchedule {
  positive('decaySteps', args.decaySteps);
  const staircase = args.staircase ?? false;
  return make({ kind: 'exponentialDecay', ...args, staircase }, (s) => {
    const p = s / args.decaySteps;
    return args.initialLearningRate * args.decayRate ** (staircase ? Math.floor(p) : p);
  });
}

/** lr · factor^floor(step / stepSize). */
export function stepDecay(args: { initialLearningRate: number; stepSize: number; factor: number }): LearningRateSchedule {
  positive('stepSize', args.stepSize);
  return make({ kind: 'stepDecay', ...args }, (s) => args.initialLearningRate * args.factor ** Math.floor(s / args.stepSize));
}

/** values[i] while step < boundaries[i]; values has one more entry than boundaries. */
export function piecewiseConstant(args: { boundaries: number[]; values: number[] }): LearningRateSchedule {
  if (args.values.length !== args.boundaries.length + 1) {
    throw new Error(`piecewiseConstant: ${args.values.length} values for ${args.boundaries.length} boundaries; expected one more value than boundaries`);
  }
  return make({ kind: 'piecewiseConstant', ...args }, (s) => {
    let i = 0;
    while (i < args.boundaries.length && s >= args.boundaries[i]!) i++;
    return args.values[i]!;
  });
}

/** Cosine decay from lr to lr·alpha over decaySteps, then constant. */
export function cosineDecay(args: { initialLearningRate: number; decaySteps: number; alpha?: number }): LearningRateSchedule {
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
export function cosineDecayRestarts(args: { initialLearningRate: number; firstDecaySteps: number; tMul?: number; mMul?: number; alpha?: number }): LearningRateSchedule {
  positive('firstDecaySteps', args.firstDecaySteps);
  const tMul = args.tMul ?? 2, mMul = args.mMul ?? 1, alpha = args.alpha ?? 0;
  return make({ kind: 'cosineDecayRestarts', ...args, tMul, mMul, alpha }, (s) => {
    let period = args.firstDecaySteps, start = 0, scale = 1;
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
  switch (c.kind) {
    case 'constant': return constant(c.value);
    case 'exponentialDecay': return exponentialDecay(c);
    case 'stepDecay': return stepDecay(c);
    case 'piecewiseConstant': return piecewiseConstant(c);
    case 'cosineDecay': return cosineDecay(c);
    case 'cosineDecayRestarts': return cosineDecayRestarts(c);
    case 'linearWarmup': return linearWarmup(scheduleFromConfig(c.after), c.warmupSteps, c.initialLearningRate);
    default: throw new Error(`scheduleFromConfig: unknown schedule kind ${(c as { kind: string }).kind}`);
  }
}
