// Browser display of a search ("#progress"): a console line per finished trial.
import type { SearchProgress } from './types.js';

/** The display for `verbose` (0: nothing). */
export function createProgress(verbose: number): SearchProgress {
  return {
    start() {},
    update() {},
    finish(_trialId, line) {
      if (verbose > 0) console.log(line);
    },
    stop() {},
  };
}
