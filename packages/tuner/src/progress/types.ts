/** The display of a running search: one line (a bar on terminals) per running trial. */
export interface SearchProgress {
  /** A trial starts: `total` batches to go. */
  start(trialId: string, label: string, total: number): void;
  /** Progress of a trial: batches done and a short status text. */
  update(trialId: string, done: number, text: string): void;
  /** A trial ends: its bar goes and `line` is printed. */
  finish(trialId: string, line: string): void;
  /** The search ends (or fails): stops redrawing. */
  stop(): void;
}
