// The training-history chart as a Vega-Lite spec: loss and accuracy per epoch,
// training and validation, side by side. The Node runner renders it to SVG;
// the browser page streams rows into the same spec while training runs.

/** Name of the data set the spec reads, for streaming rows into a live view. */
export const HISTORY_DATA = 'history';

const SERIES = [
  ['loss', 'loss', 'training'],
  ['val_loss', 'loss', 'validation'],
  ['acc', 'accuracy', 'training'],
  ['val_acc', 'accuracy', 'validation'],
];

/**
 * Chart rows for one epoch's logs: `{epoch, metric, split, value}` per logged
 * series (loss/acc and their val_ versions). Epochs count from 1.
 * @param {number} epoch zero-based, as fit() reports it
 * @param {Record<string, number>} logs
 */
export function historyRows(epoch, logs) {
  return SERIES.filter(([key]) => Number.isFinite(logs[key]))
    .map(([key, metric, split]) => ({ epoch: epoch + 1, metric, split, value: logs[key] }));
}

/**
 * Rows for a whole History (what fit() returns).
 * @param {{ epoch: number[], history: Record<string, number[]> }} history
 */
export function historyToRows(history) {
  return history.epoch.flatMap((e, i) =>
    historyRows(e, Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[i]]))));
}

/**
 * The Vega-Lite spec: two panels (loss, accuracy) with one line per split.
 * @param {{ values?: object[], title?: string, width?: number, height?: number }} [options]
 */
export function historyChartSpec({ values, title = 'Training history', width = 280, height = 180 } = {}) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    title,
    data: values ? { name: HISTORY_DATA, values } : { name: HISTORY_DATA },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['loss', 'accuracy'] } },
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
