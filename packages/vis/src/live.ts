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

// A class, not an object literal: fit checks a plain callback object's own
// keys against the hook names (a typo must not be ignored), and `chart` is a
// getter on the prototype, so the only hook fit sees is onEpochEnd.
class LiveHistoryCallback implements LiveHistory {
  readonly #chart: Promise<RenderedChart>;
  readonly #metrics: string[] | undefined;

  constructor(element: Element, options: HistoryChartOptions) {
    this.#chart = render(historyChart(undefined, options), element);
    this.#metrics = options.metrics;
  }

  get chart(): Promise<RenderedChart> {
    return this.#chart;
  }

  async onEpochEnd(epoch: number, logs: Record<string, number> = {}): Promise<void> {
    const { view } = await this.#chart;
    // A new panel (the first epoch) or longer axes change the chart's size: resize with the data.
    await view
      .change(HISTORY_DATA, vega.changeset().insert(historyRows(epoch, logs, this.#metrics)))
      .resize()
      .runAsync();
  }
}

/** A fit callback that draws the training curves into `element` as epochs end (browsers). */
export function liveHistory(element: Element, options: HistoryChartOptions = {}): LiveHistory {
  return new LiveHistoryCallback(element, options);
}
