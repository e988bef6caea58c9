// learningRateScheduler (Keras LearningRateScheduler): before each epoch the
// schedule gets the epoch index and the current rate and returns the new rate.
import { Callback } from './base.js';
import { optimizerOf } from './monitor.js';

/** The schedule: (epoch from 0, current learning rate) -> learning rate for this epoch. */
export type LearningRateSchedulerFn = (epoch: number, lr: number) => number | Promise<number>;

/** Sets the optimizer's learning rate at the start of each epoch from a function. */
export class LearningRateScheduler extends Callback {
  /**
   * @param schedule (epoch, current rate) -> the rate for this epoch.
   * @param verbose 1 prints each new rate.
   */
  constructor(
    readonly schedule: LearningRateSchedulerFn,
    readonly verbose = 0,
  ) {
    super();
    if (typeof schedule !== 'function') throw new Error('learningRateScheduler: schedule must be a function (epoch, lr) => lr');
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const opt = optimizerOf(this.model, 'learningRateScheduler');
    const lr = await this.schedule(epoch, opt.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new Error(`learningRateScheduler: the schedule returned ${String(lr)} for epoch ${epoch}; expected a finite number >= 0`);
    }
    opt.setLearningRate(lr);
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: learningRateScheduler setting learning rate to ${lr}.`);
  }
}

/** A LearningRateScheduler callback. */
export function learningRateScheduler(schedule: LearningRateSchedulerFn, verbose = 0): LearningRateScheduler {
  return new LearningRateScheduler(schedule, verbose);
}
