// The example tasks, one entry each, so that every runner (Node, Deno, browser)
// lists and runs the same ones. A task loads its data (Node and Deno; the
// browser fetches its own) and trains; pending tasks wait for their package.
import { trainMnist } from './mnist.mjs';

export { mnistCnn, digitTensors, splitDigits, trainMnist, accuracy, predictDigit, DIGIT_SHAPE } from './mnist.mjs';
export { historyRows, historyToRows, historyChartSpec, HISTORY_DATA } from './history-chart.mjs';

/**
 * @typedef {object} TrainOptions
 * @property {number} epochs
 * @property {number} batchSize
 * @property {number} [limit] training examples to use (all by default)
 * @property {number} [seed]
 * @property {any} [callbacks] fit() callbacks
 *
 * @typedef {object} Task
 * @property {string} title
 * @property {string} [pending] why the task cannot run yet
 * @property {{ epochs: number, batchSize: number }} defaults
 * @property {{ epochs: number, limit?: number }} quick settings of a short (CI) run
 * @property {(o: { dataDir?: string, repoRoot: string }) => Promise<{ data: any, source: Record<string, string> }>} [load]
 * @property {(data: any, o: TrainOptions) => Promise<{ model: any, history: any, results: Record<string, number> }>} [train]
 * @property {string} [mainMetric] result key checked by short runs
 * @property {number} [quickTarget] the least `mainMetric` a short run must reach
 */

/** @type {Record<string, Task>} */
export const tasks = {
  mnist: {
    title: 'MNIST digits: a small CNN (Conv16-Pool-Conv32-Pool-Dense64-Dense10)',
    defaults: { epochs: 3, batchSize: 32 },
    quick: { epochs: 2, limit: 2000 },
    mainMetric: 'valAccuracy',
    quickTarget: 0.85,
    async load({ dataDir, repoRoot }) {
      // Imported here so that the browser, which never calls load(), never sees node:fs.
      const { findMnistDir, loadMnistFiles } = await import('./mnist-files.mjs');
      const { digits, test, source } = await loadMnistFiles(findMnistDir(dataDir, repoRoot));
      return { data: { digits, test }, source };
    },
    train: (data, o) => trainMnist({ ...data, ...o }),
  },
  spam: {
    title: 'SpamAssassin e-mails: a text classifier',
    pending: 'waits for @wasmml/nlp',
    defaults: { epochs: 3, batchSize: 32 },
    quick: { epochs: 1 },
  },
  movielens: {
    title: 'MovieLens ratings: a recommender',
    pending: 'waits for @wasmml/recommenders',
    defaults: { epochs: 5, batchSize: 256 },
    quick: { epochs: 1 },
  },
};
