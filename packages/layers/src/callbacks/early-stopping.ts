// earlyStopping (tfjs `tf.callbacks.earlyStopping`, Keras EarlyStopping):
// stops fit() when the monitored value stops improving, and can put back the
// weights of the best epoch when training ends.
import { checkOptions } from '@wasmml/tensor';
import { dispose, type Tensor } from '@wasmml/tensor';
import { Callback, type Logs } from './base.js';
import { betterIsHigher, monitored, nonNegative, type MonitorMode } from './monitor.js';

/** Options of earlyStopping (Keras names and defaults). */
export interface EarlyStoppingArgs {
  /** The value watched (default 'val_loss'). */
  monitor?: string;
  /** A change smaller than this is no improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 'min', 'max' or 'auto' (from the name: accuracy-like values are maximised). */
  mode?: MonitorMode;
  /** Training stops after `patience` epochs that fail to beat this value. */
  baseline?: number;
  /** At the end of training, set the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** 1 prints when it stops and restores. */
  verbose?: number;
}

/** Stops training when the monitored value has stopped improving. */
export class EarlyStopping extends Callback {
  /** The value watched. */
  readonly monitor: string;
  /** Smallest change that counts as an improvement. */
  readonly minDelta: number;
  /** Epochs without improvement before stopping. */
  readonly patience: number;
  /** Value an epoch must beat to reset the patience count. */
  readonly baseline: number | undefined;
  /** Whether the best epoch's weights are set when training ends. */
  readonly restoreBestWeights: boolean;
  /** 1 prints when it stops and restores. */
  readonly verbose: number;
  private readonly higher: boolean;
  /** Best value seen so far. */
  best = Infinity;
  /** Epoch of the best value (-1 before any). */
  bestEpoch = -1;
  /** Epoch at which training was stopped (0 when it was not). */
  stoppedEpoch = 0;
  private wait = 0;
  private bestWeights: Tensor[] | undefined;
  private readonly warned = { done: false };

  /** See {@link EarlyStoppingArgs} for the options and defaults. */
  constructor(args: EarlyStoppingArgs = {}) {
    super();
    checkOptions('earlyStopping', args, {
      monitor: true,
      minDelta: true,
      patience: true,
      mode: true,
      baseline: true,
      restoreBestWeights: true,
      verbose: true,
    });
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(nonNegative(args.minDelta ?? 0, 'earlyStopping: minDelta'));
    this.patience = nonNegative(args.patience ?? 0, 'earlyStopping: patience');
    this.baseline = args.baseline;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.verbose = args.verbose ?? 0;
    this.higher = betterIsHigher(this.monitor, args.mode ?? 'auto', 'earlyStopping');
  }

  private improves(current: number, reference: number): boolean {
    return this.higher ? current - this.minDelta > reference : current + this.minDelta < reference;
  }

  private keepWeights(): void {
    dispose(this.bestWeights ?? []);
    this.bestWeights = this.model!.getWeights();
  }

  override async onTrainBegin(): Promise<void> {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.higher ? -Infinity : Infinity;
    this.bestEpoch = -1;
    dispose(this.bestWeights ?? []);
    this.bestWeights = undefined;
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const current = monitored(logs, this.monitor, 'earlyStopping', this.warned);
    if (current === undefined) return;
    // Keras: with nothing better yet, the first epoch's weights are the best.
    if (this.restoreBestWeights && !this.bestWeights) this.keepWeights();
    this.wait++;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.keepWeights();
      // Only an epoch that also beats the baseline restarts the wait.
      if (this.baseline === undefined || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model!.setWeights(this.bestWeights);
      dispose(this.bestWeights);
      this.bestWeights = undefined;
    }
  }
}

/** An EarlyStopping callback (tfjs `tf.callbacks.earlyStopping`). */
export function earlyStopping(args?: EarlyStoppingArgs): EarlyStopping {
  return new EarlyStopping(args);
}
