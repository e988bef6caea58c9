// Callbacks with tfjs's hook names, the list that dispatches to them, and History.
import type { LayersModel } from '../model.js';

/** Numbers logged per batch and epoch: loss, metrics, val_ versions. */
export type Logs = Record<string, number>;

/** Training parameters callbacks receive in setParams. */
export interface TrainParams {
  epochs: number;
  initialEpoch: number;
  samples: number | null;
  steps: number | null;
  batchSize: number | null;
  verbose: number;
  doValidation: boolean;
  metrics: string[];
}

/** Base class: override the hooks you need (each may be async). */
export abstract class Callback {
  model: LayersModel | undefined;
  params: TrainParams | undefined;
  setModel(model: LayersModel): void { this.model = model; }
  setParams(params: TrainParams): void { this.params = params; }
  async onTrainBegin(_logs?: Logs): Promise<void> {}
  async onTrainEnd(_logs?: Logs): Promise<void> {}
  async onEpochBegin(_epoch: number, _logs?: Logs): Promise<void> {}
  async onEpochEnd(_epoch: number, _logs?: Logs): Promise<void> {}
  async onBatchBegin(_batch: number, _logs?: Logs): Promise<void> {}
  async onBatchEnd(_batch: number, _logs?: Logs): Promise<void> {}
}

/** Hooks as plain functions (tfjs `CustomCallbackArgs`). */
export interface CustomCallbackArgs {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
  onYield?: (epoch: number, batch: number, logs?: Logs) => void | Promise<void>;
}

/** Wraps hook functions as a Callback. */
export class CustomCallback extends Callback {
  constructor(private readonly args: CustomCallbackArgs) {
    super();
  }
  override async onTrainBegin(logs?: Logs) { await this.args.onTrainBegin?.(logs); }
  override async onTrainEnd(logs?: Logs) { await this.args.onTrainEnd?.(logs); }
  override async onEpochBegin(e: number, logs?: Logs) { await this.args.onEpochBegin?.(e, logs); }
  override async onEpochEnd(e: number, logs?: Logs) { await this.args.onEpochEnd?.(e, logs); }
  override async onBatchBegin(b: number, logs?: Logs) { await this.args.onBatchBegin?.(b, logs); }
  override async onBatchEnd(b: number, logs?: Logs) {
    await this.args.onBatchEnd?.(b, logs);
    await this.args.onYield?.(0, b, logs);
  }
}

/** What fit() returns: per-epoch logs (tfjs `History`). */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};
  override async onTrainBegin() {
    this.epoch = [];
    this.history = {};
  }
  override async onEpochEnd(epoch: number, logs: Logs = {}) {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

/** Dispatches every hook to every callback in order. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}
  setModel(m: LayersModel) { for (const c of this.callbacks) c.setModel(m); }
  setParams(p: TrainParams) { for (const c of this.callbacks) c.setParams(p); }
  async onTrainBegin(logs?: Logs) { for (const c of this.callbacks) await c.onTrainBegin(logs); }
  async onTrainEnd(logs?: Logs) { for (const c of this.callbacks) await c.onTrainEnd(logs); }
  async onEpochBegin(e: number, logs?: Logs) { for (const c of this.callbacks) await c.onEpochBegin(e, logs); }
  async onEpochEnd(e: number, logs?: Logs) { for (const c of this.callbacks) await c.onEpochEnd(e, logs); }
  async onBatchBegin(b: number, logs?: Logs) { for (const c of this.callbacks) await c.onBatchBegin(b, logs); }
  async onBatchEnd(b: number, logs?: Logs) { for (const c of this.callbacks) await c.onBatchEnd(b, logs); }
}

/** Normalises the `callbacks` argument of fit(). */
export function toCallbacks(arg: Callback | CustomCallbackArgs | Array<Callback | CustomCallbackArgs> | undefined): Callback[] {
  if (!arg) return [];
  const list = Array.isArray(arg) ? arg : [arg];
  return list.map((c) => (c instanceof Callback ? c : new CustomCallback(c)));
}
