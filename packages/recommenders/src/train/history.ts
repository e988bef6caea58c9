// Per-epoch logs of a fit, shaped like tfjs's History (epoch + history by key).

/** Numbers logged at the end of an epoch. */
export type EpochLogs = Record<string, number>;

/** Hooks called during fit. */
export interface FitCallbacks {
  /** After each epoch, with its logs; may be async (fit awaits it). */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
}

/** What fit resolves to: the epoch numbers and each logged value per epoch. */
export interface TrainHistory {
  /** Epoch numbers (0-based). */
  epoch: number[];
  /** Logged values by name ('loss', 'val_rmse', ...), one per epoch. */
  history: Record<string, number[]>;
}

/** Options every fit takes. */
export interface BaseFitOptions {
  /** Passes over the data. */
  epochs?: number;
  /** 0: silent (default); 1: one line per epoch. */
  verbose?: 0 | 1;
  /** Hooks. */
  callbacks?: FitCallbacks;
}

/** @internal Collects logs, prints, calls hooks, yields to the event loop between epochs. */
export class EpochLog {
  readonly result: TrainHistory = { epoch: [], history: {} };
  private readonly t0 = Date.now();

  constructor(
    private readonly name: string,
    private readonly opts: BaseFitOptions,
  ) {}

  async end(epoch: number, logs: EpochLogs): Promise<void> {
    this.result.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.result.history[k] ??= []).push(v);
    if (this.opts.verbose === 1) {
      const parts = Object.entries(logs).map(([k, v]) => `${k}=${v.toFixed(4)}`);
      console.log(
        `${this.name} epoch ${epoch + 1}/${this.opts.epochs ?? '?'} ${parts.join(' ')} (${((Date.now() - this.t0) / 1000).toFixed(1)} s)`,
      );
    }
    await this.opts.callbacks?.onEpochEnd?.(epoch, logs);
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** @internal Checks a positive integer option. */
export function positiveInt(v: number, what: string, op: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${op}: ${what} = ${v}, expected an integer >= 1`);
  return v;
}

/** @internal Checks a non-negative finite option. */
export function nonNegative(v: number, what: string, op: string): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${op}: ${what} = ${v}, expected a finite number >= 0`);
  return v;
}
