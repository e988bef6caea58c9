// The callbacks namespace (tfjs `tf.callbacks`, with the Keras callbacks tfjs lacks).
import { modelCheckpoint } from './checkpoint.js';
import { earlyStopping } from './early-stopping.js';
import { learningRateScheduler } from './lr-scheduler.js';
import { progressBar } from './progress.js';
import { reduceLROnPlateau } from './reduce-lr.js';

/** Callback factories for fit(): earlyStopping, modelCheckpoint, reduceLROnPlateau, learningRateScheduler, progressBar. */
export const callbacks = {
  /** Stops training when the monitored value stops improving. */
  earlyStopping,
  /** Saves the model after epochs (all, or the improving ones). */
  modelCheckpoint,
  /** Lowers the learning rate when the monitored value plateaus. */
  reduceLROnPlateau,
  /** Sets each epoch's learning rate from a function. */
  learningRateScheduler,
  /** The progress display, e.g. with its own stream. */
  progressBar,
};

export { EarlyStopping, earlyStopping, type EarlyStoppingArgs } from './early-stopping.js';
export { ModelCheckpoint, modelCheckpoint, formatCheckpointPath, type ModelCheckpointArgs, type CheckpointTarget } from './checkpoint.js';
export { ReduceLROnPlateau, reduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce-lr.js';
export { LearningRateScheduler, learningRateScheduler, type LearningRateSchedulerFn } from './lr-scheduler.js';
export { ProgressBar, progressBar, type ProgressBarArgs, type OutStream } from './progress.js';
export type { MonitorMode } from './monitor.js';
