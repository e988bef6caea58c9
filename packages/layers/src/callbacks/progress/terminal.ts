// Node and Deno progress display ("#progress"): a live cli-progress bar per
// epoch on terminals (epoch, step/steps, ETA, loss and metrics), one line per
// epoch at verbose 2, nothing on non-terminals at verbose 1.
import cliProgress from 'cli-progress';
import { Callback, type Logs } from '../base.js';
import { defaultStream, epochLine, formatLogs, formatSeconds, type OutStream, type ProgressBarArgs } from './format.js';

interface Payload {
  epoch: number;
  epochs: number | undefined;
  logs: string;
  /** Set on the final draw of an epoch: its duration in seconds. */
  seconds?: number;
}

// cli-progress redraws on a timer; unref it so a fit() that throws mid-epoch
// (and never stops the bar) cannot keep the process alive.
class Bar extends cliProgress.SingleBar {
  override render(): void {
    super.render();
    (this as unknown as { timer?: { unref?: () => void } }).timer?.unref?.();
  }
}

function draw(options: cliProgress.Options, params: cliProgress.Params, p: Payload): string {
  const total = params.total;
  const bar = total > 0 ? ` [${cliProgress.Format.BarFormat(params.progress, options)}]` : '';
  const steps = ` ${params.value}/${total > 0 ? total : '?'}`;
  const timing =
    p.seconds !== undefined
      ? ` ${p.seconds.toFixed(1)}s ${Math.round((p.seconds * 1000) / Math.max(1, params.value))}ms/step`
      : ` ETA ${total > 0 ? formatSeconds(params.eta) : '?'}`;
  const line = `Epoch ${p.epoch + 1}/${p.epochs ?? '?'}${bar}${steps}${timing}${p.logs ? ` - ${p.logs}` : ''}`;
  // Cut to the terminal width ourselves: turning off the terminal's line
  // wrapping instead would leave it off if fit() throws mid-epoch.
  return line.length < params.maxWidth ? line : line.slice(0, Math.max(20, params.maxWidth - 1));
}

/** The progress display fit() shows (verbose 1 or 2); usable as a callback with its own stream. */
export class ProgressBar extends Callback {
  /** 1: live bar (terminals only); 2: one line per epoch. */
  readonly verbose: number;
  private readonly stream: OutStream | undefined;
  private bar: Bar | undefined;
  private epochStart = 0;
  private steps: number | null = null;

  /** See {@link ProgressBarArgs}. */
  constructor(args: ProgressBarArgs = {}) {
    super();
    this.verbose = args.verbose ?? 1;
    this.stream = args.stream ?? defaultStream();
  }

  override async onTrainBegin(): Promise<void> {
    this.steps = this.params?.steps ?? null;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epochStart = Date.now();
    this.bar?.stop();
    this.bar = undefined;
    if (this.verbose !== 1 || !this.stream?.isTTY) return;
    this.bar = new Bar({
      stream: this.stream as unknown as NodeJS.WritableStream,
      format: draw as cliProgress.GenericFormatter,
      barsize: 30,
      barCompleteChar: '=',
      barIncompleteChar: '.',
      hideCursor: false,
      linewrap: true,
      fps: 10,
      etaBuffer: 20,
    });
    const payload: Payload = { epoch, epochs: this.params?.epochs, logs: '' };
    this.bar.start(this.steps ?? 0, 0, payload);
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    this.bar?.update(batch + 1, { logs: formatLogs(logs) });
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const seconds = (Date.now() - this.epochStart) / 1000;
    if (this.bar) {
      // Steps were unknown (a dataset without batchesPerEpoch): now they are.
      this.steps ??= this.bar.getTotal() > 0 ? this.bar.getTotal() : (this.bar as unknown as { value: number }).value;
      this.bar.setTotal(Math.max(this.bar.getTotal(), (this.bar as unknown as { value: number }).value));
      this.bar.update({ logs: formatLogs(logs), seconds });
      this.bar.stop();
      this.bar = undefined;
    } else if (this.verbose === 2 && this.stream) {
      this.stream.write(`${epochLine(epoch, this.params?.epochs, seconds, logs)}\n`);
    }
  }

  override async onTrainEnd(): Promise<void> {
    this.bar?.stop();
    this.bar = undefined;
  }
}
