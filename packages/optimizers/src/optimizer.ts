// The optimizer base: gradients in, one fused update kernel call per step out.
import {
  checkOptions,
  dispose,
  fusedOptimizerStep,
  mul,
  optimizerSlots,
  registeredVariables,
  scalar,
  stack,
  tidy,
  variable,
  variableGrads,
  type OptimizerRule,
  type Tensor,
  type Variable,
} from '@wasmml/tensor';
import { constant, scheduleFromConfig, type LearningRateSchedule, type ScheduleConfig } from './schedules.js';

/** A tensor with a name: gradients by variable name, and saved optimizer state. */
export interface NamedTensor {
  /** Variable name (for gradients) or state entry name (for saved weights). */
  name: string;
  /** The tensor under that name. */
  tensor: Tensor;
}

/** Options every optimizer takes besides its own hyperparameters. */
export interface OptimizerOptions {
  /** Clip every gradient element to [-clipValue, clipValue]. */
  clipValue?: number;
  /** Scale all gradients together so their global L2 norm is at most clipNorm. */
  clipNorm?: number;
}

/** Serialisable optimizer description. */
export interface OptimizerConfig {
  /** Optimizer class name as tfjs saves it ('SGD', 'Momentum', 'RMSProp', 'Adagrad', 'Adam', 'Adamax', or 'AdamW'). */
  className: string;
  /** A fixed learning rate, or the config of a learning-rate schedule. */
  learningRate: number | ScheduleConfig;
  /** Element-wise gradient clipping bound, when set. */
  clipValue?: number;
  /** Global gradient-norm clipping bound, when set. */
  clipNorm?: number;
  [key: string]: unknown;
}

/**
 * Base of all optimizers (tfjs `tf.Optimizer`): turns gradients into variable updates, all parameters in one fused
 * kernel call per step, with optional clipping and a learning-rate schedule. Free its state with `dispose()`.
 */
export abstract class Optimizer {
  /** Updates applied so far. */
  iterations = 0;
  /** Element-wise gradient clipping bound from {@link OptimizerOptions.clipValue}, or undefined. */
  readonly clipValue: number | undefined;
  /** Global-norm gradient clipping bound from {@link OptimizerOptions.clipNorm}, or undefined. */
  readonly clipNorm: number | undefined;
  /** The learning rate as a function of {@link Optimizer.iterations}. */
  protected schedule: LearningRateSchedule;
  private readonly slots = new Map<string, Variable[]>();
  private static count = 0;
  private readonly id = Optimizer.count++;

  /** The class name saved in configs (tfjs names where tfjs has the optimizer). */
  abstract getClassName(): string;
  /** The fused kernel's update rule for this step (step counts from 1). */
  protected abstract rule(learningRate: number, step: number): OptimizerRule;
  /** Initial value of the per-parameter slots (accumulators). */
  protected slotInit(): number {
    return 0;
  }
  /** Rule-specific config entries: by default the rule's hyperparameters (its fields but type, learning rate and step). */
  protected ownConfig(): Record<string, unknown> {
    const { type: _type, learningRate: _lr, step: _step, ...own } = this.rule(0, 1) as OptimizerRule & { step?: number };
    return own;
  }

  constructor(learningRate: number | LearningRateSchedule, opts: OptimizerOptions = {}) {
    checkOptions(`${this.getClassName()} optimizer`, opts, { clipValue: true, clipNorm: true });
    if (typeof learningRate === 'number') {
      if (!(learningRate >= 0)) throw new Error(`${this.constructor.name}: learningRate must be >= 0, got ${learningRate}`);
      this.schedule = constant(learningRate);
    } else if (typeof learningRate === 'function') {
      this.schedule = learningRate;
    } else {
      throw new Error(`${this.constructor.name}: learningRate must be a number or a schedule`);
    }
    if (opts.clipValue !== undefined && !(opts.clipValue > 0)) throw new Error(`clipValue must be > 0, got ${opts.clipValue}`);
    if (opts.clipNorm !== undefined && !(opts.clipNorm > 0)) throw new Error(`clipNorm must be > 0, got ${opts.clipNorm}`);
    this.clipValue = opts.clipValue;
    this.clipNorm = opts.clipNorm;
  }

  /** The learning rate the next update uses. */
  get learningRate(): number {
    return this.schedule(this.iterations);
  }

  /** Replaces the learning rate (a number or a schedule), e.g. from a callback. */
  setLearningRate(lr: number | LearningRateSchedule): void {
    this.schedule = typeof lr === 'number' ? constant(lr) : lr;
  }

  /**
   * Computes the gradients of the scalar f() with respect to varList (default:
   * all trainable variables), applies them, and returns the cost if asked.
   */
  minimize(f: () => Tensor, returnCost = false, varList?: Variable[]): Tensor | null {
    const { value, grads } = variableGrads(f, varList);
    try {
      this.applyGradients(grads);
    } finally {
      dispose(grads);
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /**
   * Gradients of f() by variable name, without applying them.
   * @property __type.value The value of f().
   * @property __type.grads Gradient of each variable f uses, keyed by variable name.
   */
  computeGradients(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
    return variableGrads(f, varList);
  }

  /** Applies gradients (by variable name) in one fused kernel call. */
  applyGradients(grads: Record<string, Tensor> | NamedTensor[]): void {
    const entries: Array<[string, Tensor]> = Array.isArray(grads) ? grads.map((g) => [g.name, g.tensor]) : Object.entries(grads);
    const vars = registeredVariables();
    const params: Variable[] = [],
      gs: Tensor[] = [],
      slots: Variable[][] = [];
    for (const [name, g] of entries) {
      const v = vars.get(name);
      if (!v) throw new Error(`${this.getClassName()}.applyGradients: no live variable named '${name}'`);
      if (g.shape.join() !== v.shape.join()) {
        throw new Error(
          `${this.getClassName()}.applyGradients: gradient for '${name}' has shape [${g.shape}] but the variable has [${v.shape}]`,
        );
      }
      params.push(v);
      gs.push(g);
      slots.push(this.slotsFor(v));
    }
    if (params.length === 0) return;
    const scale = this.clipNorm === undefined ? 1 : this.clipScale(gs);
    const scaled = scale === 1 ? gs : gs.map((g) => mul(g, scale));
    try {
      fusedOptimizerStep(
        this.rule(this.learningRate, this.iterations + 1),
        params,
        scaled,
        slots,
        this.clipValue !== undefined ? { clipValue: this.clipValue } : {},
      );
    } finally {
      if (scaled !== gs) dispose(scaled);
    }
    this.iterations++;
  }

  /** Factor that brings the global L2 norm of the gradients down to clipNorm. */
  private clipScale(gs: Tensor[]): number {
    // One readback of every gradient's sum of squares (summed here in float64, as before), not one per variable.
    const sums = tidy(() => stack(gs.map((g) => g.mul(g).sum())).dataSync());
    let sq = 0;
    for (const v of sums) sq += v;
    const norm = Math.sqrt(sq);
    return norm > this.clipNorm! ? this.clipNorm! / norm : 1;
  }

  private slotsFor(v: Variable): Variable[] {
    let s = this.slots.get(v.name);
    if (!s) {
      const probe = this.rule(0, 1);
      const n = optimizerSlots(probe.type, 'centered' in probe ? !!probe.centered : false);
      const init = this.slotInit();
      s = Array.from({ length: n }, (_, i) => {
        const z = tidy(() => v.mul(0).add(init));
        const slot = variable(z, false, `${v.name}/opt${this.id}_slot${i}`);
        z.dispose();
        return slot;
      });
      this.slots.set(v.name, s);
    }
    return s;
  }

  /** The optimizer state: iteration count and every slot, named `<variable>/slot<i>`. */
  async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [{ name: 'iter', tensor: scalar(this.iterations, 'int32') }];
    for (const [name, slots] of this.slots) {
      slots.forEach((s, i) => out.push({ name: `${name}/slot${i}`, tensor: s.clone() }));
    }
    return out;
  }

  /** Restores state saved by getWeights (variables matched by name). */
  async setWeights(weights: NamedTensor[]): Promise<void> {
    const vars = registeredVariables();
    for (const { name, tensor } of weights) {
      if (name === 'iter') {
        this.iterations = tensor.dataSync()[0]!;
        continue;
      }
      const m = /^(.*)\/slot(\d+)$/.exec(name);
      const v = m && vars.get(m[1]!);
      if (!m || !v) throw new Error(`${this.getClassName()}.setWeights: no variable for saved slot '${name}'`);
      this.slotsFor(v)[Number(m[2])]!.assign(tensor);
    }
  }

  /**
   * Serialisable description: class name, learning rate (or schedule config), clipping and the rule's
   * hyperparameters; {@link optimizerFromConfig} rebuilds it.
   */
  getConfig(): OptimizerConfig {
    const lr = this.schedule.config.kind === 'constant' ? this.schedule.config.value : this.schedule.config;
    const c: OptimizerConfig = { className: this.getClassName(), learningRate: lr, ...this.ownConfig() };
    if (this.clipValue !== undefined) c.clipValue = this.clipValue;
    if (this.clipNorm !== undefined) c.clipNorm = this.clipNorm;
    return c;
  }

  /** Frees the slot variables. */
  dispose(): void {
    for (const s of this.slots.values()) dispose(s);
    this.slots.clear();
  }

  /** @internal */
  protected static lr(c: OptimizerConfig): number | LearningRateSchedule {
    return typeof c.learningRate === 'number' ? c.learningRate : scheduleFromConfig(c.learningRate);
  }

  /**
   * @internal Rebuilds an optimizer from a saved config: the learning rate, the hyperparameters `keys` in the
   * constructor's order, then the clipping options.
   */
  protected static rebuild<T>(ctor: new (...args: never[]) => T, c: OptimizerConfig, keys: readonly string[]): T {
    const make = ctor as unknown as new (...args: unknown[]) => T;
    return new make(Optimizer.lr(c), ...keys.map((k) => c[k]), Optimizer.clipping(c));
  }

  /** @internal The clipping options of a saved config (the rest of it is the rule's own). */
  protected static clipping(c: OptimizerConfig): OptimizerOptions {
    return {
      ...(c.clipValue !== undefined ? { clipValue: c.clipValue } : {}),
      ...(c.clipNorm !== undefined ? { clipNorm: c.clipNorm } : {}),
    };
  }
}
