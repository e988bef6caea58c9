/**
 * @wasmml/vis — training charts (tfjs-vis / matplotlib style) on Vega-Lite: history curves, confusion matrices and
 * image grids of predictions, as specs; rendered to SVG and PNG files in Node and Deno, or live into a page.
 *
 * @packageDocumentation
 */
export {
  historyChart,
  historyRows,
  historyToRows,
  HISTORY_DATA,
  type HistoryLike,
  type HistoryRow,
  type HistoryChartOptions,
} from './charts/history.js';
export { confusionMatrixChart, type ConfusionMatrixOptions } from './charts/confusion.js';
export { imageGrid, type ImageGridOptions, type ImageTensorLike } from './charts/images.js';
export { toSVG, toPNG, saveChart, render, type ChartSpec, type RenderedChart } from './render.js';
export { liveHistory, type LiveHistory } from './live.js';
