// Node and Deno display of a search ("#progress"): on a terminal, a cli-progress
// bar per running trial (several when trials run in parallel) and a line per
// finished trial above them; elsewhere only the lines.
import cliProgress from 'cli-progress';
import type { SearchProgress } from './types.js';

interface Stream {
  isTTY?: boolean;
  write(s: string): unknown;
}

/** The display for `verbose` (0: nothing). */
export function createProgress(
  verbose: number,
  stream: Stream | undefined = (globalThis as { process?: { stderr?: Stream } }).process?.stderr,
): SearchProgress {
  const quiet = verbose === 0 || !stream;
  const live = !quiet && stream.isTTY === true;
  let multi: cliProgress.MultiBar | undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    start(trialId, label, total) {
      if (!live) return;
      multi ??= new cliProgress.MultiBar({
        stream: stream as unknown as NodeJS.WritableStream,
        format: '{label} [{bar}] {percentage}% {text}',
        barsize: 24,
        barCompleteChar: '=',
        barIncompleteChar: '.',
        hideCursor: false,
        clearOnComplete: true,
        fps: 10,
      });
      bars.set(trialId, multi.create(Math.max(1, total), 0, { label, text: '' }));
      // Redraw timers must not keep the process alive if a trial throws.
      (multi as unknown as { timer?: { unref?: () => void } }).timer?.unref?.();
    },
    update(trialId, done, text) {
      bars.get(trialId)?.update(done, { text });
    },
    finish(trialId, line) {
      const bar = bars.get(trialId);
      if (bar && multi) {
        multi.remove(bar);
        bars.delete(trialId);
        if (bars.size === 0) {
          // No bar left: stop redrawing and print directly (a buffered log line would be lost at stop).
          multi.stop();
          multi = undefined;
          stream?.write(`${line}\n`);
        } else {
          multi.log(`${line}\n`);
          // Draw now, which writes the buffered line above the remaining bars.
          (multi as unknown as { update(): void }).update();
        }
        return;
      }
      if (!quiet) stream?.write(`${line}\n`);
    },
    stop() {
      multi?.stop();
      multi = undefined;
      bars.clear();
    },
  };
}
