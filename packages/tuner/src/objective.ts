// What a search optimises (KerasTuner `Objective`): a logged value and a
// direction. Keras 3 logs 'accuracy', tfjs logs 'acc': either name finds either.

/** 'min' for losses and errors, 'max' for accuracies and scores. */
export type Direction = 'min' | 'max';

/** A logged value to optimise and its direction (KerasTuner `Objective(name, direction)`). */
export class Objective {
  /**
   * @param name A key of fit's logs: 'val_loss', 'val_accuracy', 'loss', any metric or 'val_' metric.
   * @param direction 'min' or 'max'.
   */
  constructor(
    readonly name: string,
    readonly direction: Direction,
  ) {
    if (typeof name !== 'string' || name === '') throw new Error(`Objective: name must be a non-empty string, got ${JSON.stringify(name)}`);
    if (direction !== 'min' && direction !== 'max')
      throw new Error(`Objective('${name}'): direction must be 'min' or 'max', got ${JSON.stringify(direction)}`);
  }

  /** Whether `a` is better than `b` in this direction. */
  better(a: number, b: number): boolean {
    return this.direction === 'max' ? a > b : a < b;
  }

  /** The value of the objective in one epoch's logs, or undefined when it is not logged. */
  valueIn(logs: Record<string, number>): number | undefined {
    for (const key of aliases(this.name)) if (typeof logs[key] === 'number') return logs[key];
    return undefined;
  }
}

/** An objective as plain data. */
export interface ObjectiveConfig {
  /** The logged value. */
  name: string;
  /** 'min' or 'max'. */
  direction: Direction;
}

/** An objective as a name (direction inferred), an {@link Objective}, or `{name, direction}`. */
export type ObjectiveLike = string | Objective | ObjectiveConfig;

const MAXIMISED = /(acc|accuracy|auc|precision|recall|f1|r2|ndcg|hit|map)$/;
const MINIMISED = /(loss|error|mae|mse|rmse|crossentropy|hinge|divergence|kld|mape|msle)$/;

/** The objective of a tuner's `objective` option; a bare name must say by itself which way is better. */
export function toObjective(o: ObjectiveLike): Objective {
  if (o instanceof Objective) return o;
  if (typeof o === 'object' && o !== null) return new Objective(o.name, o.direction);
  if (typeof o !== 'string' || o === '')
    throw new Error(`tuner: objective must be a metric name or an Objective, got ${JSON.stringify(o)}`);
  const bare = o.replace(/^val_/, '').toLowerCase();
  if (MINIMISED.test(bare)) return new Objective(o, 'min');
  if (MAXIMISED.test(bare)) return new Objective(o, 'max');
  throw new Error(`tuner: cannot tell whether objective '${o}' is to be minimised or maximised; pass new Objective('${o}', 'min' | 'max')`);
}

/** The log keys that stand for `name`: itself, and the Keras 3 / tfjs spelling of accuracy. */
export function aliases(name: string): string[] {
  const m = /^(val_)?(.*)$/.exec(name)!;
  const [prefix, bare] = [m[1] ?? '', m[2]!];
  const alt = bare === 'accuracy' ? 'acc' : bare === 'acc' ? 'accuracy' : undefined;
  return alt ? [name, prefix + alt] : [name];
}
