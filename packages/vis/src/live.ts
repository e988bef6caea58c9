// A history chart that grows while fit() runs: a callback to pass to fit, whose
// onEpochEnd streams the epoch's rows into a rendered chart (browsers), like
// tfjs-vis's `show.fitCallbacks`.
import * as vega from 'vega';
import { HISTORY_DATA, historyChart, historyRows, type HistoryChartOptions } from './charts/history.js';
import { render, type RenderedChart } from './render.js';

/** What {@link liveHistory} returns: `fit(x, y, { callbacks: [live] })`, and the chart. */
export interface LiveHistory {
  /** fit's hook: adds the epoch's logs to the chart. */
  onEpochEnd(epoch: number, logs?: Record<string, number>): Promise<void>;
  /** The chart, once drawn (on the first call). */
  readonly chart: Promise<RenderedChart>;
}

/** A fit callback that draws the training curves into `element` as epochs end (browsers). */
export function liveHistory(element: Element, options: HistoryChartOptions = {}): LiveHistory {
  const chart = render(historyChart(undefined, options), element);
  return {
    chart,
    async onEpochEnd(epoch, logs = {}) {
      const { view } = await chart;
      await view.change(HISTORY_DATA, vega.changeset().insert(historyRows(epoch, logs, options.metrics))).runAsync();
    },
  };
}
