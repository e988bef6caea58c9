// The callbacks namespace (tfjs `tf.callbacks`, with the Keras callbacks tfjs lacks).
import { modelCheckpoint } from './checkpoint.js';
import { earlyStopping } from './early-stopping.js';
import { learningRateScheduler } from './lr-scheduler.js';
import { progressBar } from './progress.js';
import { reduceLROnPlateau } from './reduce-lr.js';

/** Callback factories for fit(): earlyStopping, modelCheckpoint, reduceLROnPlateau, learningRateScheduler, progressBar. */
export const callbacks = { earlyStopping, modelCheckpoint, reduceLROnPlateau, learningRateScheduler, progressBar };

export { EarlyStopping, earlyStopping, type EarlyStoppingArgs } from './early-stopping.js';
export { ModelCheckpoint, modelCheckpoint, formatCheckpointPath, type ModelCheckpointArgs, type CheckpointTarget } from './checkpoint.js';
export { ReduceLROnPlateau, reduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce-lr.js';
export { LearningRateScheduler, learningRateScheduler, type LearningRateSchedulerFn } from './lr-scheduler.js';
export { ProgressBar, progressBar, type ProgressBarArgs, type OutStream } from './progress.js';
export type { MonitorMode } from './monitor.js';
