// The live training chart: the shared Vega-Lite history spec, rendered by Vega
// into the page, with rows streamed in as training goes (running training
// values every few batches, validation at the end of each epoch).
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { HISTORY_DATA, historyChartSpec, historyRows } from 'wasmml-example-models/history-chart';

/**
 * @param {HTMLElement} element
 * @returns {Promise<{ batch(epoch: number, fraction: number, logs: object): void, epoch(epoch: number, logs: object, o?: { training?: boolean }): void, reset(): void }>}
 */
export async function liveChart(element) {
  const spec = compile(historyChartSpec({ title: 'Training history (live)', width: 260, height: 170 })).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'svg', container: element, hover: true });
  await view.runAsync();
  // Facets and axes change size as rows arrive: resize on every change.
  const insert = (rows) => view.change(HISTORY_DATA, vega.changeset().insert(rows)).resize().runAsync();
  return {
    // x = epochs done so far, fractional while an epoch runs.
    batch(epoch, fraction, logs) {
      insert(historyRows(epoch + fraction - 1, { loss: logs.loss, acc: logs.acc }));
    },
    // Validation values at the end of each epoch; training values too when
    // the model reported no batches (matrix factorisation).
    epoch(epoch, logs, { training = false } = {}) {
      insert(historyRows(epoch, Object.fromEntries(Object.entries(logs).filter(([k]) => training || k.startsWith('val_')))));
    },
    reset() {
      view
        .change(
          HISTORY_DATA,
          vega.changeset().remove(() => true),
        )
        .resize()
        .runAsync();
    },
  };
}
