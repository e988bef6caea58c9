// The search space and one trial's values (KerasTuner `HyperParameters`): the
// model-building function calls hp.float / int / choice / boolean, which
// register the hyper-parameter the first time and return this trial's value.
import { checkOptions, suggest } from './util.js';

/** A hyper-parameter's value. */
export type HpValue = number | string | boolean;

/** How a numeric range is sampled: uniformly, or uniformly in log space ('log'), or near the top ('reverseLog'). */
export type Sampling = 'linear' | 'log' | 'reverseLog';

/** "Only active when `parent` takes one of `values`" (from {@link HyperParameters.conditionalScope}). */
export interface Condition {
  /** Name of the parent hyper-parameter. */
  parent: string;
  /** Values of the parent for which the child is active. */
  values: HpValue[];
}

/** Options of {@link HyperParameters.float} and {@link HyperParameters.int}. */
export interface RangeOptions {
  /** Distance between allowed values (floats: none by default; ints: 1). */
  step?: number;
  /** 'linear' (default), 'log' (needs minValue > 0) or 'reverseLog'. */
  sampling?: Sampling;
  /** The value used before the search has chosen one (default minValue). */
  default?: number;
}

/** Options of {@link HyperParameters.choice}. */
export interface ChoiceOptions {
  /** Whether the values have an order (numbers: true by default); ordered choices are near each other in Bayesian search. */
  ordered?: boolean;
  /** The value used before the search has chosen one (default the first). */
  default?: HpValue;
}

interface SpecBase {
  /** Its name, unique in the space. */
  name: string;
  /** Conditions under which it is active (none: always). */
  conditions: Condition[];
}

/** A float or int range. */
export interface RangeSpec extends SpecBase {
  /** 'float' or 'int'. */
  kind: 'float' | 'int';
  /** Smallest value. */
  minValue: number;
  /** Largest value (included). */
  maxValue: number;
  /** Distance between allowed values, when discrete. */
  step?: number;
  /** How values are drawn. */
  sampling: Sampling;
  /** Value before the search chooses one. */
  default: number;
}

/** One of a list of values. */
export interface ChoiceSpec extends SpecBase {
  /** 'choice'. */
  kind: 'choice';
  /** The allowed values. */
  values: HpValue[];
  /** Whether the values have an order. */
  ordered: boolean;
  /** Value before the search chooses one. */
  default: HpValue;
}

/** true or false. */
export interface BooleanSpec extends SpecBase {
  /** 'boolean'. */
  kind: 'boolean';
  /** Value before the search chooses one. */
  default: boolean;
}

/** A value that is recorded but not searched. */
export interface FixedSpec extends SpecBase {
  /** 'fixed'. */
  kind: 'fixed';
  /** The value. */
  default: HpValue;
}

/** One registered hyper-parameter. */
export type HpSpec = RangeSpec | ChoiceSpec | BooleanSpec | FixedSpec;

const RANGE_KEYS = ['step', 'sampling', 'default'] as const;
const CHOICE_KEYS = ['ordered', 'default'] as const;

function finite(where: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: ${what} must be a finite number, got ${String(v)}`);
  return v;
}

/** The allowed values of an int / float spec with a step, or undefined for a continuous range. */
function grid(s: RangeSpec): number[] | undefined {
  if (s.step === undefined) return undefined;
  const n = Math.floor((s.maxValue - s.minValue) / s.step + 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => (s.kind === 'int' ? Math.round(s.minValue + i * s.step!) : s.minValue + i * s.step!));
}

/** Maps u in [0, 1) to a value of the spec (the sampler's inverse CDF). */
export function fromUnit(s: HpSpec, u: number): HpValue {
  u = Math.min(Math.max(u, 0), 1 - 1e-12);
  switch (s.kind) {
    case 'fixed':
      return s.default;
    case 'boolean':
      return u >= 0.5;
    case 'choice':
      return s.values[Math.floor(u * s.values.length)]!;
    default: {
      const { minValue: lo, maxValue: hi } = s;
      let v: number;
      if (s.sampling === 'log') v = lo * (hi / lo) ** u;
      else if (s.sampling === 'reverseLog') v = hi + lo - lo * (hi / lo) ** (1 - u);
      else v = lo + (hi - lo) * u;
      const g = grid(s);
      if (g) return g.reduce((a, b) => (Math.abs(b - v) < Math.abs(a - v) ? b : a));
      if (s.kind === 'int') return Math.min(hi, Math.max(lo, Math.round(v)));
      return Math.min(hi, Math.max(lo, v));
    }
  }
}

/** Maps a value of the spec to [0, 1] (inverse of fromUnit, to the centre of the value's cell for discrete ones). */
export function toUnit(s: HpSpec, value: HpValue): number {
  switch (s.kind) {
    case 'fixed':
      return 0.5;
    case 'boolean':
      return value ? 0.75 : 0.25;
    case 'choice':
      return (Math.max(0, s.values.indexOf(value)) + 0.5) / s.values.length;
    default: {
      const v = value as number,
        { minValue: lo, maxValue: hi } = s;
      if (hi === lo) return 0.5;
      if (s.sampling === 'log') return Math.log(v / lo) / Math.log(hi / lo);
      if (s.sampling === 'reverseLog') return 1 - Math.log((hi + lo - v) / lo) / Math.log(hi / lo);
      return (v - lo) / (hi - lo);
    }
  }
}

/** The search space and the values of one trial. */
export class HyperParameters {
  /** Registered hyper-parameters, in the order the model-building function declared them. */
  readonly space: HpSpec[] = [];
  /** This trial's values, by name (active hyper-parameters only). */
  values: Record<string, HpValue> = {};
  private readonly scopes: Condition[] = [];

  /** A copy with the same space and the given values (missing ones take their defaults when used). */
  static from(space: readonly HpSpec[], values: Record<string, HpValue> = {}): HyperParameters {
    const hp = new HyperParameters();
    for (const s of space) hp.space.push({ ...s, conditions: s.conditions.map((c) => ({ ...c, values: [...c.values] })) } as HpSpec);
    hp.values = { ...values };
    return hp;
  }

  /** A float in [minValue, maxValue] (KerasTuner `hp.Float`). */
  float(name: string, minValue: number, maxValue: number, options: RangeOptions = {}): number {
    return this.range('float', name, minValue, maxValue, options);
  }

  /** An integer in [minValue, maxValue], both included (KerasTuner `hp.Int`; step 1 by default). */
  int(name: string, minValue: number, maxValue: number, options: RangeOptions = {}): number {
    return this.range('int', name, minValue, maxValue, { step: 1, ...options });
  }

  /** One of `values` (KerasTuner `hp.Choice`): numbers, strings or booleans, all of one type. */
  choice<T extends HpValue>(name: string, values: readonly T[], options: ChoiceOptions = {}): T {
    const where = `hp.choice('${name}')`;
    checkOptions(where, options, CHOICE_KEYS);
    if (!Array.isArray(values) || values.length === 0)
      throw new Error(`${where}: values must be a non-empty array, got ${JSON.stringify(values)}`);
    const type = typeof values[0];
    if (!['number', 'string', 'boolean'].includes(type) || values.some((v) => typeof v !== type)) {
      throw new Error(`${where}: values must all be numbers, all strings or all booleans, got ${JSON.stringify(values)}`);
    }
    if (new Set(values).size !== values.length) throw new Error(`${where}: values must be distinct, got ${JSON.stringify(values)}`);
    const def = options.default ?? values[0]!;
    if (!values.includes(def as T)) throw new Error(`${where}: default ${JSON.stringify(def)} is not one of ${JSON.stringify(values)}`);
    return this.register({
      kind: 'choice',
      name,
      values: [...values],
      ordered: options.ordered ?? type === 'number',
      default: def,
      conditions: [],
    }) as T;
  }

  /** true or false (KerasTuner `hp.Boolean`). */
  boolean(name: string, options: { default?: boolean } = {}): boolean {
    checkOptions(`hp.boolean('${name}')`, options, ['default']);
    return this.register({ kind: 'boolean', name, default: options.default ?? false, conditions: [] }) as boolean;
  }

  /** A value that is not searched (KerasTuner `hp.Fixed`), recorded with the trial. */
  fixed<T extends HpValue>(name: string, value: T): T {
    return this.register({ kind: 'fixed', name, default: value, conditions: [] }) as T;
  }

  /**
   * Runs `build` only when `parent` has one of `parentValues` (KerasTuner
   * `conditional_scope`): the hyper-parameters it declares exist only then,
   * and searches leave them out of trials where they are inactive.
   * @returns what `build` returns, or undefined when the scope is inactive.
   */
  conditionalScope<T>(parent: string, parentValues: readonly HpValue[], build: () => T): T | undefined {
    this.spec(parent, `hp.conditionalScope('${parent}')`);
    const condition: Condition = { parent, values: [...parentValues] };
    if (!this.conditionsHold([condition])) return undefined;
    this.scopes.push(condition);
    try {
      return build();
    } finally {
      this.scopes.pop();
    }
  }

  /** This trial's value of `name` (an error names the known hyper-parameters when it is not one). */
  get(name: string): HpValue {
    const s = this.spec(name, `hp.get('${name}')`);
    if (!this.isActive(s))
      throw new Error(
        `hp.get('${name}'): '${name}' is inactive in this trial (its condition on ${s.conditions.map((c) => `'${c.parent}'`).join(', ')} does not hold)`,
      );
    return this.values[name] ?? s.default;
  }

  /** Whether every condition of the hyper-parameter holds for the current values. */
  isActive(s: HpSpec): boolean {
    return this.conditionsHold(s.conditions);
  }

  /** The registered hyper-parameter `name`; throws naming the known ones otherwise. */
  spec(name: string, where = 'HyperParameters'): HpSpec {
    const s = this.space.find((p) => p.name === name);
    if (!s) {
      const known = this.space.map((p) => p.name);
      throw new Error(
        `${where}: no hyper-parameter named '${name}'${suggest(name, known)}; known: ${known.length ? known.join(', ') : '(none yet)'}`,
      );
    }
    return s;
  }

  /** The values as a plain object (active hyper-parameters only, defaults filled in). */
  toJSON(): Record<string, HpValue> {
    const out: Record<string, HpValue> = {};
    for (const s of this.space) if (this.isActive(s)) out[s.name] = this.values[s.name] ?? s.default;
    return out;
  }

  private conditionsHold(conditions: readonly Condition[]): boolean {
    return conditions.every((c) => {
      const p = this.space.find((s) => s.name === c.parent);
      return p !== undefined && this.conditionsHold(p.conditions) && c.values.includes(this.values[c.parent] ?? p.default);
    });
  }

  private range(kind: 'float' | 'int', name: string, minValue: number, maxValue: number, options: RangeOptions): number {
    const where = `hp.${kind}('${name}')`;
    checkOptions(where, options, RANGE_KEYS);
    finite(where, 'minValue', minValue);
    finite(where, 'maxValue', maxValue);
    if (minValue > maxValue) throw new Error(`${where}: minValue ${minValue} is greater than maxValue ${maxValue}`);
    const sampling = options.sampling ?? 'linear';
    if (!['linear', 'log', 'reverseLog'].includes(sampling))
      throw new Error(
        `${where}: sampling must be 'linear', 'log' or 'reverseLog', got '${sampling}'${suggest(sampling, ['linear', 'log', 'reverseLog'])}`,
      );
    if (sampling !== 'linear' && minValue <= 0) throw new Error(`${where}: ${sampling} sampling needs minValue > 0, got ${minValue}`);
    if (kind === 'int' && (!Number.isInteger(minValue) || !Number.isInteger(maxValue)))
      throw new Error(`${where}: minValue and maxValue must be integers, got ${minValue}, ${maxValue}`);
    if (options.step !== undefined && !(finite(where, 'step', options.step) > 0))
      throw new Error(`${where}: step must be > 0, got ${options.step}`);
    if (kind === 'int' && !Number.isInteger(options.step)) throw new Error(`${where}: step must be an integer, got ${options.step}`);
    const def = options.default ?? minValue;
    if (finite(where, 'default', def) < minValue || def > maxValue)
      throw new Error(`${where}: default ${def} is outside [${minValue}, ${maxValue}]`);
    const spec: HpSpec = { kind, name, minValue, maxValue, sampling, default: def, conditions: [] };
    if (options.step !== undefined) spec.step = options.step;
    return this.register(spec) as number;
  }

  /** Registers the spec (or checks it matches the one already registered) and returns this trial's value. */
  private register(spec: HpSpec): HpValue {
    if (typeof spec.name !== 'string' || spec.name === '')
      throw new Error(`hp.${spec.kind}: the name must be a non-empty string, got ${JSON.stringify(spec.name)}`);
    spec.conditions = this.scopes.map((c) => ({ ...c, values: [...c.values] }));
    const known = this.space.find((s) => s.name === spec.name);
    if (!known) this.space.push(spec);
    else if (known.kind !== spec.kind) {
      throw new Error(`hp.${spec.kind}('${spec.name}'): '${spec.name}' is already a ${known.kind} hyper-parameter; names must be unique`);
    }
    const v = this.values[spec.name];
    if (v !== undefined) return v;
    this.values[spec.name] = (known ?? spec).default;
    return this.values[spec.name]!;
  }
}
