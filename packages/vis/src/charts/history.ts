// Training curves from a History (what fit() returns) or from epoch logs as
// they arrive: one panel per metric (loss first), one line per split.
import type { TopLevelSpec } from 'vega-lite';

/** The part of a tfjs / wasmml `History` the chart reads. */
export interface HistoryLike {
  /** The epochs that ran (from 0). */
  epoch: number[];
  /** Values per epoch by log name ('loss', 'acc', 'val_loss'...). */
  history: Record<string, number[]>;
}

/** One point of the history chart. */
export interface HistoryRow {
  /** Epoch, counted from 1 as Keras prints it. */
  epoch: number;
  /** Metric name; `acc` is shown as 'accuracy'. */
  metric: string;
  /** 'training' or 'validation' (logs named `val_*`). */
  split: 'training' | 'validation';
  /** The logged value. */
  value: number;
}

/** Options of {@link historyChart}. */
export interface HistoryChartOptions {
  /** Only these metrics (log names without `val_`, e.g. ['loss', 'acc']); default every logged one. */
  metrics?: string[];
  /** Chart title (default 'Training history'). */
  title?: string;
  /** Width of each panel in pixels (default 280). */
  width?: number;
  /** Height of each panel in pixels (default 180). */
  height?: number;
}

/** Name of the chart's data set, which live charts stream rows into. */
export const HISTORY_DATA = 'history';

const DISPLAY: Record<string, string> = { acc: 'accuracy' };
const PANEL_ORDER = ['loss', 'accuracy'];

/** Chart rows of one epoch's logs (zero-based epoch, as fit() reports it); non-finite values are left out. */
export function historyRows(epoch: number, logs: Record<string, number>, metrics?: string[]): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const [key, value] of Object.entries(logs)) {
    if (!Number.isFinite(value) || key === 'batch' || key === 'size') continue;
    const validation = key.startsWith('val_');
    const base = validation ? key.slice(4) : key;
    if (metrics && !metrics.includes(base)) continue;
    rows.push({ epoch: epoch + 1, metric: DISPLAY[base] ?? base, split: validation ? 'validation' : 'training', value });
  }
  return rows;
}

/** Rows of a whole History. */
export function historyToRows(history: HistoryLike, metrics?: string[]): HistoryRow[] {
  return history.epoch.flatMap((e, i) =>
    historyRows(e, Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[i]!])), metrics),
  );
}

/**
 * The history chart as a Vega-Lite spec (tfjs-vis `show.history`, matplotlib's loss curves): a panel per metric,
 * training and validation lines. Without a history it is an empty chart for {@link liveHistory} to fill.
 */
export function historyChart(history?: HistoryLike, options: HistoryChartOptions = {}): TopLevelSpec {
  const { title = 'Training history', width = 280, height = 180, metrics } = options;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    config: { view: { stroke: null } },
    title,
    data: history ? { name: HISTORY_DATA, values: historyToRows(history, metrics) } : { name: HISTORY_DATA },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: PANEL_ORDER } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width,
      height,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'split', type: 'nominal', title: null, sort: ['training', 'validation'] },
      },
    },
  };
}
