// The default progress display of fit(): one line per epoch (verbose 2) or a
// live bar (verbose 1) when stdout is a terminal. Quiet elsewhere.
import { Callback, type Logs } from './base.js';

function fmtLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'batch' && k !== 'size')
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
    .join(' ');
}

interface Out {
  isTTY?: boolean;
  write(s: string): unknown;
  columns?: number;
}

function stdout(): Out | undefined {
  const p = (globalThis as { process?: { stdout?: Out } }).process;
  return p?.stdout;
}

class Progress extends Callback {
  private t0 = 0;
  private epochStart = 0;
  private lastDraw = 0;
  private epoch = 0;
  constructor(private readonly verbose: number, private readonly out: Out | undefined) {
    super();
  }
  override async onEpochBegin(epoch: number) {
    this.epoch = epoch;
    this.epochStart = Date.now();
    this.t0 ||= this.epochStart;
  }
  override async onBatchEnd(batch: number, logs: Logs = {}) {
    if (this.verbose !== 1 || !this.out?.isTTY) return;
    const now = Date.now();
    const steps = this.params?.steps ?? 0;
    if (now - this.lastDraw < 100 && batch + 1 < steps) return;
    this.lastDraw = now;
    const done = batch + 1;
    const width = 24;
    const filled = steps ? Math.round((width * done) / steps) : 0;
    const eta = steps ? ((now - this.epochStart) / done) * (steps - done) / 1000 : 0;
    const bar = `[${'='.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const line = `Epoch ${this.epoch + 1}/${this.params?.epochs ?? '?'} ${bar} ${done}/${steps || '?'} ETA ${eta.toFixed(1)}s ${fmtLogs(logs)}`;
    this.out.write(`\r${line.slice(0, (this.out.columns ?? 120) - 1)}\x1b[K`);
  }
  override async onEpochEnd(epoch: number, logs: Logs = {}) {
    if (!this.out) return;
    if (this.verbose === 1 && !this.out.isTTY) return;
    const secs = ((Date.now() - this.epochStart) / 1000).toFixed(1);
    const prefix = this.verbose === 1 ? '\r\x1b[K' : '';
    this.out.write(`${prefix}Epoch ${epoch + 1}/${this.params?.epochs ?? '?'} ${secs}s ${fmtLogs(logs)}\n`);
  }
}

/** The progress callback fit() adds for verbose 1 or 2. */
export function progressCallback(verbose: number): Callback {
  return new Progress(verbose, stdout());
}
