// tuner.results() and resultsSummary(): finished trials as rows, best first.
import type { HpSpec, HpValue } from './hyperparameters.js';
import type { Objective } from './objective.js';
import { ranked } from './oracles/oracle.js';
import { epochsRun, type Trial } from './trial.js';

/** One finished trial in {@link Tuner.results}. */
export interface ResultRow {
  /** The trial's id. */
  trialId: string;
  /** COMPLETED, or STOPPED when pruned. */
  status: string;
  /** Best objective value. */
  score: number;
  /** Epoch of the best value (absolute, from 0). */
  bestEpoch: number | null;
  /** Epochs this trial trained (from its initial epoch). */
  epochsRun: number;
  /** Trial it continued from (Hyperband). */
  parentId: string | undefined;
  /** Its hyper-parameter values. */
  hyperparameters: Record<string, HpValue>;
}

/** Rows of the finished trials, best first. */
export function resultRows(trials: readonly Trial[], _space: readonly HpSpec[], objective: Objective): ResultRow[] {
  return ranked(trials, objective).map((t) => ({
    trialId: t.trialId,
    status: t.status,
    score: t.score!,
    bestEpoch: t.bestEpoch,
    epochsRun: epochsRun(t),
    parentId: t.parentId,
    hyperparameters: { ...t.hyperparameters },
  }));
}

function cell(v: HpValue | null | undefined): string {
  if (v === undefined || v === null) return '-';
  return typeof v === 'number' ? String(+v.toPrecision(4)) : String(v);
}

/** A plain-text table: trial, score, epochs, then a column per hyper-parameter. */
export function formatTable(rows: readonly ResultRow[], space: readonly HpSpec[]): string {
  const names = space.filter((s) => s.kind !== 'fixed').map((s) => s.name);
  const head = ['trial', 'status', 'score', 'best epoch', 'epochs', ...names];
  const body = rows.map((r) => [
    r.trialId,
    r.status,
    r.score.toFixed(4),
    cell(r.bestEpoch === null ? null : r.bestEpoch + 1),
    String(r.epochsRun),
    ...names.map((n) => cell(r.hyperparameters[n])),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
