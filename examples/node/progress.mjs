// A terminal progress bar for fit(): one bar per epoch with the running loss
// and accuracy (cli-progress), then one summary line per epoch. Models that
// train without batches (params.steps undefined: matrix factorisation) get one
// bar over the epochs instead. Without a terminal (CI logs, pipes) only the
// summary lines are printed.
import cliProgress from 'cli-progress';
import * as wm from 'wasmml';

const fmt = (v) => (v === undefined ? '-' : v.toFixed(4));
const barOptions = { barCompleteChar: '=', barIncompleteChar: '.', hideCursor: true, clearOnComplete: true, etaBuffer: 50 };

/** A fit() callback drawing the bar on stderr and epoch lines on stdout. */
export class ProgressBar extends wm.Callback {
  /** @param {{ log?: (line: string) => void }} [options] */
  constructor({ log = (line) => console.log(line) } = {}) {
    super();
    this.log = log;
    this.bar = undefined;
    this.epochStart = 0;
  }

  get batched() {
    return this.params?.steps !== undefined;
  }

  async onTrainBegin() {
    if (!process.stderr.isTTY || this.batched) return;
    this.bar = new cliProgress.SingleBar(
      { ...barOptions, format: 'Epochs [{bar}] {value}/{total} | {eta_formatted} left' },
      cliProgress.Presets.legacy,
    );
    this.bar.start(this.params?.epochs ?? 0, 0);
  }

  async onEpochBegin(epoch) {
    this.epochStart = Date.now();
    if (!process.stderr.isTTY || !this.batched) return;
    this.bar = new cliProgress.SingleBar(
      {
        ...barOptions,
        format: `Epoch ${epoch + 1}/${this.params?.epochs ?? '?'} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {eta_formatted} left`,
      },
      cliProgress.Presets.legacy,
    );
    this.bar.start(this.params.steps, 0, { loss: '-', acc: '-' });
  }

  async onBatchEnd(batch, logs = {}) {
    this.bar?.update(batch + 1, { loss: fmt(logs.loss), acc: fmt(logs.acc) });
  }

  async onEpochEnd(epoch, logs = {}) {
    const ms = Date.now() - this.epochStart;
    const secs = (ms / 1000).toFixed(ms < 1000 ? 2 : 1);
    const parts = Object.entries(logs).map(([k, v]) => `${k} ${fmt(v)}`);
    const line = `Epoch ${epoch + 1}/${this.params?.epochs ?? '?'} (${secs}s): ${parts.join(', ')}`;
    if (this.batched) {
      this.bar?.stop();
      this.bar = undefined;
      this.log(line);
    } else if (this.bar) {
      // Keep the bar at the bottom: print the line above it.
      this.bar.update(epoch + 1);
      this.bar.stop();
      this.log(line);
      if (epoch + 1 < this.params.epochs) this.bar.start(this.params.epochs, epoch + 1);
      else this.bar = undefined;
    } else {
      this.log(line);
    }
  }

  async onTrainEnd() {
    this.bar?.stop();
    this.bar = undefined;
  }
}
