// Renders the training-history chart (the shared Vega-Lite spec) to an SVG
// file with Vega's headless renderer: no browser, no canvas.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { historyChartSpec, historyToRows } from 'wasmml-example-models/history-chart';

/**
 * Writes `history` (what fit() returns) as an SVG chart to `file`.
 * @param {{ epoch: number[], history: Record<string, number[]> }} history
 * @param {string} file
 * @param {string} title
 */
export async function writeHistoryChart(history, file, title) {
  const spec = compile(historyChartSpec({ values: historyToRows(history), title })).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, svg);
  } finally {
    view.finalize();
  }
}
