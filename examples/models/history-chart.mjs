// The training-history chart as a Vega-Lite spec: one panel per logged metric
// (loss and accuracy for the classifiers; loss and RMSE for the recommender),
// one line per split (training, validation), side by side. The Node runner
// renders it to SVG; the browser page streams rows into the same spec while
// training runs.

/** Name of the data set the spec reads, for streaming rows into a live view. */
export const HISTORY_DATA = 'history';

// Display names of logged metrics; others keep their key (rmse, mae...).
const METRIC_NAMES = { acc: 'accuracy', val_acc: 'accuracy' };
/** Panel order: loss first, then accuracy, then whatever else a task logs. */
const PANEL_ORDER = ['loss', 'accuracy', 'rmse'];

/**
 * Chart rows for one epoch's logs: `{epoch, metric, split, value}` per finite
 * value; `val_x` is metric x on the validation split. Epochs count from 1.
 * @param {number} epoch zero-based, as fit() reports it
 * @param {Record<string, number>} logs
 */
export function historyRows(epoch, logs) {
  return Object.entries(logs)
    .filter(([, v]) => Number.isFinite(v))
    .map(([key, value]) => {
      const validation = key.startsWith('val_');
      const base = validation ? key.slice(4) : key;
      return { epoch: epoch + 1, metric: METRIC_NAMES[base] ?? base, split: validation ? 'validation' : 'training', value };
    });
}

/**
 * Rows for a whole History (what fit() returns).
 * @param {{ epoch: number[], history: Record<string, number[]> }} history
 */
export function historyToRows(history) {
  return history.epoch.flatMap((e, i) => historyRows(e, Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[i]]))));
}

/**
 * The Vega-Lite spec: a panel per metric (loss first) with one line per split.
 * @param {{ values?: object[], title?: string, width?: number, height?: number }} [options]
 */
export function historyChartSpec({ values, title = 'Training history', width = 280, height = 180 } = {}) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    title,
    data: values ? { name: HISTORY_DATA, values } : { name: HISTORY_DATA },
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
