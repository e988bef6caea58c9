// reduceLROnPlateau (Keras ReduceLROnPlateau): multiplies the learning rate by
// `factor` when the monitored value has not improved for `patience` epochs.
import { checkOptions } from '@wasmml/tensor';
import { Callback, type Logs } from './base.js';
import { betterIsHigher, monitored, nonNegative, optimizerOf, type MonitorMode } from './monitor.js';

/** Options of reduceLROnPlateau (Keras names and defaults). */
export interface ReduceLROnPlateauArgs {
  /** The value watched (default 'val_loss'). */
  monitor?: string;
  /** New rate = rate * factor; must be below 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement before lowering the rate (default 10). */
  patience?: number;
  /** 'min', 'max' or 'auto' (from the name). */
  mode?: MonitorMode;
  /** A change smaller than this is no improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The rate never goes below this (default 0). */
  minLR?: number;
  /** 1 prints each reduction. */
  verbose?: number;
}

/** Lowers the optimizer's learning rate when the monitored value plateaus. */
export class ReduceLROnPlateau extends Callback {
  /** The value watched. */
  readonly monitor: string;
  /** Multiplier applied to the rate on a plateau. */
  readonly factor: number;
  /** Epochs without improvement before a reduction. */
  readonly patience: number;
  /** Smallest change that counts as an improvement. */
  readonly minDelta: number;
  /** Epochs after a reduction during which no plateau is counted. */
  readonly cooldown: number;
  /** Lowest rate. */
  readonly minLR: number;
  /** 1 prints each reduction. */
  readonly verbose: number;
  private readonly higher: boolean;
  private best = Infinity;
  private wait = 0;
  private cooldownLeft = 0;
  private readonly warned = { done: false };

  /** See {@link ReduceLROnPlateauArgs} for the options and defaults. */
  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    checkOptions('reduceLROnPlateau', args, {
      monitor: true,
      factor: true,
      patience: true,
      mode: true,
      minDelta: true,
      cooldown: true,
      minLR: true,
      verbose: true,
    });
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    if (!(this.factor > 0 && this.factor < 1)) throw new Error(`reduceLROnPlateau: factor must be in (0, 1), got ${args.factor}`);
    this.patience = nonNegative(args.patience ?? 10, 'reduceLROnPlateau: patience');
    this.minDelta = nonNegative(args.minDelta ?? 1e-4, 'reduceLROnPlateau: minDelta');
    this.cooldown = nonNegative(args.cooldown ?? 0, 'reduceLROnPlateau: cooldown');
    this.minLR = nonNegative(args.minLR ?? 0, 'reduceLROnPlateau: minLR');
    this.verbose = args.verbose ?? 0;
    this.higher = betterIsHigher(this.monitor, args.mode ?? 'auto', 'reduceLROnPlateau');
  }

  override async onTrainBegin(): Promise<void> {
    const opt = optimizerOf(this.model, 'reduceLROnPlateau');
    if (typeof opt.getConfig().learningRate !== 'number') {
      throw new Error('reduceLROnPlateau: the optimizer follows a learning-rate schedule; use a constant learning rate with this callback');
    }
    this.best = this.higher ? -Infinity : Infinity;
    this.wait = 0;
    this.cooldownLeft = 0;
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const current = monitored(logs, this.monitor, 'reduceLROnPlateau', this.warned);
    if (current === undefined) return;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.wait = 0;
    }
    const improved = this.higher ? current > this.best + this.minDelta : current < this.best - this.minDelta;
    if (improved) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownLeft === 0 && ++this.wait >= this.patience) {
      const opt = optimizerOf(this.model, 'reduceLROnPlateau');
      const old = opt.learningRate;
      if (old > this.minLR) {
        const lr = Math.max(old * this.factor, this.minLR);
        opt.setLearningRate(lr);
        if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: reduceLROnPlateau reducing learning rate to ${lr}.`);
        this.cooldownLeft = this.cooldown;
        this.wait = 0;
      }
    }
  }
}

/** A ReduceLROnPlateau callback. */
export function reduceLROnPlateau(args?: ReduceLROnPlateauArgs): ReduceLROnPlateau {
  return new ReduceLROnPlateau(args);
}
