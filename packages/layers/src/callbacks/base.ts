// Callbacks with tfjs's hook names, the list that dispatches to them, and History.
import { checkOptions } from '@wasmml/tensor';
import { withMetricAliases } from '../metric-names.js';
import type { LayersModel } from '../model.js';

/** Numbers logged per batch and epoch: loss, metrics, val_ versions. */
export type Logs = Record<string, number>;

/** Training parameters callbacks receive in setParams. */
export interface TrainParams {
  /** Epoch count the fit runs to. */
  epochs: number;
  /** First epoch index. */
  initialEpoch: number;
  /** Training samples (null for datasets). */
  samples: number | null;
  /** Batches per epoch (null when unknown). */
  steps: number | null;
  /** Samples per batch (null for datasets). */
  batchSize: number | null;
  /** fit's verbose setting. */
  verbose: number;
  /** Whether epochs end with validation. */
  doValidation: boolean;
  /** Names of the logged values. */
  metrics: string[];
}

/** Base class: override the hooks you need (each may be async). */
export abstract class Callback {
  /** The model being trained (set by fit). */
  model: LayersModel | undefined;
  /** Epochs, steps, batch size... of the current fit. */
  params: TrainParams | undefined;
  /** Called by fit with the model being trained. */
  setModel(model: LayersModel): void {
    this.model = model;
  }
  /** Called by fit with its parameters. */
  setParams(params: TrainParams): void {
    this.params = params;
  }
  /** Before the first epoch. */
  async onTrainBegin(_logs?: Logs): Promise<void> {}
  /** After the last epoch (or when training stopped). */
  async onTrainEnd(_logs?: Logs): Promise<void> {}
  /** Before each epoch (epochs count from 0). */
  async onEpochBegin(_epoch: number, _logs?: Logs): Promise<void> {}
  /** After each epoch, with its loss, metrics and validation values. */
  async onEpochEnd(_epoch: number, _logs?: Logs): Promise<void> {}
  /** Before each batch (batches count from 0 in every epoch). */
  async onBatchBegin(_batch: number, _logs?: Logs): Promise<void> {}
  /** After each batch, with its loss and the running metrics. */
  async onBatchEnd(_batch: number, _logs?: Logs): Promise<void> {}
}

/** Hooks as plain functions (tfjs `CustomCallbackArgs`). */
export interface CustomCallbackArgs {
  /** Before the first epoch. */
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  /** After the last epoch. */
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  /** Before each epoch. */
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  /** After each epoch, with its logs. */
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  /** Before each batch. */
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  /** After each batch, with its logs. */
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
  /** After each batch, as tfjs's onYield (epoch is reported as 0). */
  onYield?: (epoch: number, batch: number, logs?: Logs) => void | Promise<void>;
}

/** Wraps hook functions as a Callback. */
export class CustomCallback extends Callback {
  /** @param args The hook functions; missing ones do nothing. */
  constructor(private readonly args: CustomCallbackArgs) {
    super();
    checkOptions('callback', args, {
      onTrainBegin: true,
      onTrainEnd: true,
      onEpochBegin: true,
      onEpochEnd: true,
      onBatchBegin: true,
      onBatchEnd: true,
      onYield: true,
    });
  }
  override async onTrainBegin(logs?: Logs) {
    await this.args.onTrainBegin?.(logs);
  }
  override async onTrainEnd(logs?: Logs) {
    await this.args.onTrainEnd?.(logs);
  }
  override async onEpochBegin(e: number, logs?: Logs) {
    await this.args.onEpochBegin?.(e, logs);
  }
  override async onEpochEnd(e: number, logs?: Logs) {
    await this.args.onEpochEnd?.(e, logs);
  }
  override async onBatchBegin(b: number, logs?: Logs) {
    await this.args.onBatchBegin?.(b, logs);
  }
  override async onBatchEnd(b: number, logs?: Logs) {
    await this.args.onBatchEnd?.(b, logs);
    await this.args.onYield?.(0, b, logs);
  }
}

/** What fit() returns: per-epoch logs (tfjs `History`). */
export class History extends Callback {
  /** The epochs that ran. */
  epoch: number[] = [];
  /**
   * Per-epoch values by log name ('loss', 'acc', 'val_loss'...); the Keras 3 spellings read the same lists
   * (`history.val_accuracy` is `history.val_acc`).
   */
  history: Record<string, number[]> = withMetricAliases({});
  override async onTrainBegin() {
    this.epoch = [];
    this.history = withMetricAliases({});
  }
  override async onEpochEnd(epoch: number, logs: Logs = {}) {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

/** Dispatches every hook to every callback in order. */
export class CallbackList {
  /** @param callbacks Called in this order. */
  constructor(readonly callbacks: Callback[]) {}
  /** Gives every callback the model. */
  setModel(m: LayersModel) {
    for (const c of this.callbacks) c.setModel(m);
  }
  /** Gives every callback the fit parameters. */
  setParams(p: TrainParams) {
    for (const c of this.callbacks) c.setParams(p);
  }
  /** Runs every callback's onTrainBegin. */
  async onTrainBegin(logs?: Logs) {
    for (const c of this.callbacks) await c.onTrainBegin(logs);
  }
  /** Runs every callback's onTrainEnd. */
  async onTrainEnd(logs?: Logs) {
    for (const c of this.callbacks) await c.onTrainEnd(logs);
  }
  /** Runs every callback's onEpochBegin. */
  async onEpochBegin(e: number, logs?: Logs) {
    for (const c of this.callbacks) await c.onEpochBegin(e, logs);
  }
  /** Runs every callback's onEpochEnd; the logs also answer to the Keras 3 metric names (`logs.val_accuracy`). */
  async onEpochEnd(e: number, logs?: Logs) {
    const l = logs && withMetricAliases(logs);
    for (const c of this.callbacks) await c.onEpochEnd(e, l);
  }
  /** Runs every callback's onBatchBegin. */
  async onBatchBegin(b: number, logs?: Logs) {
    for (const c of this.callbacks) await c.onBatchBegin(b, logs);
  }
  /** Runs every callback's onBatchEnd (logs with the Keras 3 metric names too). */
  async onBatchEnd(b: number, logs?: Logs) {
    const l = logs && withMetricAliases(logs);
    for (const c of this.callbacks) await c.onBatchEnd(b, l);
  }
}

/** Normalises the `callbacks` argument of fit(). */
export function toCallbacks(arg: Callback | CustomCallbackArgs | Array<Callback | CustomCallbackArgs> | undefined): Callback[] {
  if (!arg) return [];
  const list = Array.isArray(arg) ? arg : [arg];
  return list.map((c) => (c instanceof Callback ? c : new CustomCallback(c)));
}
