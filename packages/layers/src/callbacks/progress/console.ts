// Browser (and default) progress display ("#progress"): no terminal and no
// cli-progress; verbose 2 logs one line per epoch to the console (or the
// given stream), verbose 1 stays quiet as tfjs does in browsers.
import { Callback, type Logs } from '../base.js';
import { epochLine, type OutStream, type ProgressBarArgs } from './format.js';

/** The progress display fit() shows (verbose 1 or 2); usable as a callback with its own stream. */
export class ProgressBar extends Callback {
  /** 1: live bar (terminals only); 2: one line per epoch. */
  readonly verbose: number;
  private readonly stream: OutStream | undefined;
  private epochStart = 0;

  /** See {@link ProgressBarArgs}. */
  constructor(args: ProgressBarArgs = {}) {
    super();
    this.verbose = args.verbose ?? 1;
    this.stream = args.stream ?? { write: (s: string) => console.log(s.replace(/\n$/, '')) };
  }

  override async onEpochBegin(): Promise<void> {
    this.epochStart = Date.now();
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    if (this.verbose !== 2) return;
    this.stream?.write(`${epochLine(epoch, this.params?.epochs, (Date.now() - this.epochStart) / 1000, logs)}\n`);
  }
}
