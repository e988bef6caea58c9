// A terminal progress bar for fit(): one bar per epoch with the running loss
// and accuracy (cli-progress), then one summary line per epoch. Without a
// terminal (CI logs, pipes) only the summary lines are printed.
import cliProgress from 'cli-progress';
import * as wm from 'wasmml';

const fmt = (v) => (v === undefined ? '-' : v.toFixed(4));

/** A fit() callback drawing the bar on stderr and epoch lines on stdout. */
export class ProgressBar extends wm.Callback {
  /** @param {{ log?: (line: string) => void }} [options] */
  constructor({ log = (line) => console.log(line) } = {}) {
    super();
    this.log = log;
    this.bar = undefined;
    this.epochStart = 0;
  }

  async onEpochBegin(epoch) {
    this.epochStart = Date.now();
    if (!process.stderr.isTTY) return;
    const epochs = this.params?.epochs ?? '?';
    this.bar = new cliProgress.SingleBar({
      format: `Epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {eta_formatted} left`,
      barCompleteChar: '=',
      barIncompleteChar: '.',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    }, cliProgress.Presets.legacy);
    this.bar.start(this.params?.steps ?? 0, 0, { loss: '-', acc: '-' });
  }

  async onBatchEnd(batch, logs = {}) {
    this.bar?.update(batch + 1, { loss: fmt(logs.loss), acc: fmt(logs.acc) });
  }

  async onEpochEnd(epoch, logs = {}) {
    this.bar?.stop();
    this.bar = undefined;
    const secs = ((Date.now() - this.epochStart) / 1000).toFixed(1);
    const parts = Object.entries(logs).map(([k, v]) => `${k} ${fmt(v)}`);
    this.log(`Epoch ${epoch + 1}/${this.params?.epochs ?? '?'} (${secs}s): ${parts.join(', ')}`);
  }
}
