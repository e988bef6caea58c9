// The progress display of fit(). The terminal bar (cli-progress) is behind the
// package's "#progress" import for Node and Deno; browsers get a console
// logger, so browser bundles never pull in cli-progress.
import { ProgressBar } from '#progress';
import type { Callback } from './base.js';
import type { ProgressBarArgs } from './progress/format.js';

export { ProgressBar };
export type { OutStream, ProgressBarArgs } from './progress/format.js';

/** The progress callback fit() adds for verbose 1 or 2. */
export function progressCallback(verbose: number): Callback {
  return new ProgressBar({ verbose });
}

/** A progress display to pass in `callbacks` (e.g. with its own stream; then fit's verbose is usually 0). */
export function progressBar(args?: ProgressBarArgs): ProgressBar {
  return new ProgressBar(args);
}
