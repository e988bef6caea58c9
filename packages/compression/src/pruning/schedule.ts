// Sparsity schedules, as TensorFlow Model Optimization's ConstantSparsity and
// PolynomialDecay: the target sparsity at a training step, and whether the
// masks are recomputed at that step (every `frequency` steps in [begin, end]).

/** A pruning schedule: the sparsity to reach at a step, or undefined when the masks stay as they are. */
export interface PruningSchedule {
  /** Schedule kind, as saved in configs. */
  readonly kind: 'constant' | 'polynomialDecay';
  /** The target sparsity at `step` when the masks should be updated then, else undefined. */
  sparsityAt(step: number): number | undefined;
  /** The sparsity at the end of the schedule. */
  readonly finalSparsity: number;
}

/** Options shared by the schedules. */
export interface ScheduleSteps {
  /** First step at which masks are computed (default 0). */
  beginStep?: number;
  /** Last step at which masks are updated (default -1: no end for constant; required for polynomialDecay). */
  endStep?: number;
  /** Steps between mask updates (default 100). */
  frequency?: number;
}

/** Checks a sparsity is in [0, 1). */
export function checkSparsity(value: number, what: string): number {
  if (!(typeof value === 'number' && value >= 0 && value < 1)) {
    throw new RangeError(`${what}: sparsity must be in [0, 1) (the fraction of weights set to zero), got ${value}`);
  }
  return value;
}

function checkSteps(op: string, s: ScheduleSteps, needEnd: boolean) {
  const beginStep = s.beginStep ?? 0,
    endStep = s.endStep ?? -1,
    frequency = s.frequency ?? 100;
  if (!Number.isInteger(beginStep) || beginStep < 0) throw new RangeError(`${op}: beginStep must be an integer >= 0, got ${beginStep}`);
  if (!Number.isInteger(frequency) || frequency < 1) throw new RangeError(`${op}: frequency must be an integer >= 1, got ${frequency}`);
  if (
    needEnd ? !(Number.isInteger(endStep) && endStep > beginStep) : !(endStep === -1 || (Number.isInteger(endStep) && endStep >= beginStep))
  ) {
    throw new RangeError(
      `${op}: endStep must be ${needEnd ? '> beginStep' : '-1 or >= beginStep'}, got ${endStep} (beginStep ${beginStep})`,
    );
  }
  return { beginStep, endStep, frequency };
}

function updates(step: number, begin: number, end: number, frequency: number): boolean {
  return step >= begin && (end < 0 || step <= end) && (step - begin) % frequency === 0;
}

/** The same sparsity from beginStep on (TFMOT `ConstantSparsity`). */
export function constantSparsity(args: { targetSparsity: number } & ScheduleSteps): PruningSchedule {
  const target = checkSparsity(args.targetSparsity, 'constantSparsity');
  const { beginStep, endStep, frequency } = checkSteps('constantSparsity', args, false);
  return {
    kind: 'constant',
    finalSparsity: target,
    sparsityAt: (step) => (updates(step, beginStep, endStep, frequency) ? target : undefined),
  };
}

/**
 * Sparsity rising from initialSparsity to finalSparsity between beginStep and
 * endStep as final + (initial - final)·(1 - t)^power, t the fraction of the
 * way (TFMOT `PolynomialDecay`; power 3 prunes fast first, when the weights
 * can still recover).
 */
export function polynomialDecay(
  args: { initialSparsity?: number; finalSparsity: number; power?: number } & ScheduleSteps,
): PruningSchedule {
  const initial = checkSparsity(args.initialSparsity ?? 0, 'polynomialDecay initialSparsity');
  const final = checkSparsity(args.finalSparsity, 'polynomialDecay finalSparsity');
  const power = args.power ?? 3;
  if (!(power > 0)) throw new RangeError(`polynomialDecay: power must be > 0, got ${power}`);
  const { beginStep, endStep, frequency } = checkSteps('polynomialDecay', args, true);
  return {
    kind: 'polynomialDecay',
    finalSparsity: final,
    sparsityAt(step) {
      // The last update lands on endStep even when frequency does not divide the span.
      if (!updates(step, beginStep, endStep, frequency) && step !== endStep) return undefined;
      const t = Math.min(1, (step - beginStep) / (endStep - beginStep));
      return final + (initial - final) * (1 - t) ** power;
    },
  };
}
