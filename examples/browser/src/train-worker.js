// The training worker. Training blocks its thread (the kernels wait on their
// helper threads with Atomics.wait, which a page's main thread may not do), so
// it runs here; the page only draws. Messages in: {type: 'train', ...settings}
// and {type: 'predict', pixels}; out: info, batch, epoch, done, prediction, error.
import * as wm from 'wasmml';
import { predictDigit, trainMnist } from 'wasmml-example-models/mnist';

let model;
const post = (msg) => self.postMessage(msg);

// Servers differ: some send .gz files as they are, others (sirv, serve.mjs)
// as Content-Encoding gzip, which the browser undoes. Look at the bytes.
async function gunzipped(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const plain = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(plain).arrayBuffer());
}

/** The embedded digits, written as IDX files by scripts/prepare-data.mjs. */
async function loadDigits(base) {
  const [images, labels] = await Promise.all([
    gunzipped(new URL('embedded-images-idx3-ubyte.gz', base)),
    gunzipped(new URL('embedded-labels-idx1-ubyte.gz', base)),
  ]);
  const img = wm.data.parseIdx(images, 'images');
  const lab = wm.data.parseIdx(labels, 'labels');
  const [, h, w] = img.shape;
  return new wm.data.ImageSet(img.data, lab.data, h, w, 1, wm.data.MNIST_CLASSES);
}

function info() {
  const b = wm.backendInfo();
  return { variant: b.variant, threads: b.threads, requestedThreads: b.requestedThreads, sharedMemory: b.sharedMemory,
    crossOriginIsolated: self.crossOriginIsolated === true, cores: navigator.hardwareConcurrency };
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

async function train({ epochs, batchSize, limit, dataUrl }) {
  model?.dispose();
  model = undefined;
  const digits = await loadDigits(dataUrl);
  const out = await trainMnist({ digits, epochs, batchSize, limit, callbacks: new Reporter() });
  model = out.model;
  post({ type: 'done', results: out.results, info: info() });
}

self.addEventListener('message', async ({ data }) => {
  try {
    if (data.type === 'train') {
      await wm.ready();
      post({ type: 'info', info: info() });
      await train(data);
    } else if (data.type === 'predict' && model) {
      post({ type: 'prediction', probs: Array.from(predictDigit(model, data.pixels)) });
    }
  } catch (e) {
    post({ type: 'error', message: String(e?.stack ?? e) });
  }
});
post({ type: 'loaded' });
