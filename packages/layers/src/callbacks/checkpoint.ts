// modelCheckpoint (Keras ModelCheckpoint): saves the model after every epoch,
// or only when the monitored value improves. The path may hold Keras-style
// placeholders: 'file://ckpt/epoch-{epoch:02d}-{val_loss:.3f}'.
import { checkOptions } from '@wasmml/tensor';
import { saveModel } from '../io/save.js';
import type { IOHandler } from '../io/types.js';
import { Callback, type Logs } from './base.js';
import { betterIsHigher, monitored, type MonitorMode } from './monitor.js';

/** Options of modelCheckpoint (Keras names and defaults). */
export interface ModelCheckpointArgs {
  /** The value compared with saveBestOnly (default 'val_loss'). */
  monitor?: string;
  /** Save only when the monitored value improves on the best so far (default false). */
  saveBestOnly?: boolean;
  /** 'min', 'max' or 'auto' (from the name). */
  mode?: MonitorMode;
  /** Also save loss, metrics and optimizer state, to resume training (default false). */
  includeOptimizer?: boolean;
  /** With saveBestOnly: save only values better than this. */
  initialValueThreshold?: number;
  /** 1 prints each save. */
  verbose?: number;
}

/** Where to save: a URL or path (placeholders filled per epoch), an IOHandler, or a function of epoch and logs. */
export type CheckpointTarget = string | IOHandler | ((epoch: number, logs: Logs) => string | IOHandler);

/** Fills {epoch}, {epoch:03d}, {loss:.4f}, {val_acc:.2e} ... (epoch counts from 1, as in Keras). */
export function formatCheckpointPath(template: string, epoch: number, logs: Logs = {}): string {
  const values: Logs = { ...logs, epoch: epoch + 1 };
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (whole, key: string, spec: string | undefined) => {
    const v = values[key];
    if (v === undefined)
      throw new Error(
        `modelCheckpoint: the path '${template}' uses {${key}}, which is not in the logs (${Object.keys(values).join(', ')})`,
      );
    const m = /^(0)?(\d+)?(?:\.(\d+))?([dfe])?$/.exec(spec ?? '');
    if (!m) throw new Error(`modelCheckpoint: unsupported format '${whole}' (use {name}, {name:03d}, {name:.4f} or {name:.2e})`);
    const [, zero, width, precision, type] = m;
    let s =
      type === 'd'
        ? String(Math.round(v))
        : type === 'e'
          ? v.toExponential(Number(precision ?? 6))
          : type === 'f' || precision !== undefined
            ? v.toFixed(Number(precision ?? 6))
            : String(v);
    if (width)
      s = zero
        ? s.startsWith('-')
          ? `-${s.slice(1).padStart(Number(width) - 1, '0')}`
          : s.padStart(Number(width), '0')
        : s.padStart(Number(width));
    return s;
  });
}

/** Saves the model at the end of epochs (all, or the improving ones). */
export class ModelCheckpoint extends Callback {
  /** The value compared with saveBestOnly. */
  readonly monitor: string;
  /** Whether only improving epochs are saved. */
  readonly saveBestOnly: boolean;
  /** Whether the optimizer state is saved too. */
  readonly includeOptimizer: boolean;
  /** 1 prints each save. */
  readonly verbose: number;
  private readonly higher: boolean;
  /** Best monitored value so far. */
  best: number;
  /** What was saved: epoch (from 0) and the URL, or '<IOHandler>'. */
  readonly saved: Array<{
    /** Epoch index (from 0). */
    epoch: number;
    /** The URL saved to, or '<IOHandler>'. */
    path: string;
  }> = [];
  private readonly warned = { done: false };

  /**
   * @param target Where to save (see {@link CheckpointTarget}).
   * @param args Options; see {@link ModelCheckpointArgs}.
   */
  constructor(
    readonly target: CheckpointTarget,
    args: ModelCheckpointArgs = {},
  ) {
    super();
    if (!target) throw new Error('modelCheckpoint: give a path, URL or IOHandler to save to');
    checkOptions('modelCheckpoint', args, {
      monitor: true,
      saveBestOnly: true,
      mode: true,
      includeOptimizer: true,
      initialValueThreshold: true,
      verbose: true,
    });
    this.monitor = args.monitor ?? 'val_loss';
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.includeOptimizer = args.includeOptimizer ?? false;
    this.verbose = args.verbose ?? 0;
    this.higher = betterIsHigher(this.monitor, args.mode ?? 'auto', 'modelCheckpoint');
    this.best = args.initialValueThreshold ?? (this.higher ? -Infinity : Infinity);
  }

  private resolve(epoch: number, logs: Logs): string | IOHandler {
    const t = typeof this.target === 'function' ? this.target(epoch, logs) : this.target;
    if (typeof t !== 'string') return t;
    const url = formatCheckpointPath(t, epoch, logs);
    // A plain path means a directory on this machine.
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `file://${url}`;
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveBestOnly) {
      const current = monitored(logs, this.monitor, 'modelCheckpoint', this.warned);
      if (current === undefined) return;
      if (!(this.higher ? current > this.best : current < this.best)) return;
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best} to ${current}, saving model`);
      this.best = current;
    }
    const where = this.resolve(epoch, logs);
    await saveModel(this.model!, where, { includeOptimizer: this.includeOptimizer });
    this.saved.push({ epoch, path: typeof where === 'string' ? where : '<IOHandler>' });
  }
}

/** A ModelCheckpoint callback saving to `target` (a URL or path with placeholders, or an IOHandler). */
export function modelCheckpoint(target: CheckpointTarget, args?: ModelCheckpointArgs): ModelCheckpoint {
  return new ModelCheckpoint(target, args);
}
