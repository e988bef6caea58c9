// Trials in parallel vs one at a time: the same RandomSearch (6 trials of the
// MNIST MLP, 2 epochs on 2,000 embedded real digits) with parallelTrials 1 and 2,
// at the default thread count and at 1 thread, and with fit yielding to the event
// loop every 50 ms (default) or after every batch. Prints one JSON line per case
// with both wall times and ratio = sequential / parallel (> 1: parallel is faster).
import { loadMnist, Random } from '@wasmml/datasets';
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { backendInfo, dispose, init, oneHot, setThreads, tensor1d, tensor2d, tidy } from '@wasmml/tensor';
import { RandomSearch } from '@wasmml/tuner';
import { round } from './harness.mjs';

await init();
const digits = await loadMnist({ source: 'embedded' });
const part = digits.subset(new Random(1).permutation(digits.count).slice(0, 2500));
const x = tensor2d(
  Float32Array.from(part.images, (v) => v / 255),
  [part.count, 784],
);
const y = tidy(() => oneHot(tensor1d(Int32Array.from(part.labels), 'int32'), 10, 1, 0, 'float32'));

function build(hp) {
  const model = sequential({
    layers: [
      layers.dense({ inputShape: [784], units: hp.int('units', 32, 128, { step: 32 }), activation: 'relu' }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: adam(hp.float('learningRate', 1e-4, 1e-2, { sampling: 'log' })),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

async function searchMs(parallelTrials, yieldEvery) {
  const tuner = new RandomSearch({ hypermodel: build, objective: 'val_accuracy', maxTrials: 6, seed: 3, parallelTrials, verbose: 0 });
  const t0 = performance.now();
  await tuner.search(x, y, { epochs: 2, batchSize: 32, validationSplit: 0.2, yieldEvery });
  return performance.now() - t0;
}

const maxThreads = backendInfo().requestedThreads;
for (const threads of [...new Set([maxThreads, 1])]) {
  setThreads(threads);
  for (const yieldEvery of [50, 0]) {
    await searchMs(1, yieldEvery); // warm-up
    const seq = [],
      par = [];
    for (let rep = 0; rep < 2; rep++) {
      seq.push(await searchMs(1, yieldEvery));
      par.push(await searchMs(2, yieldEvery));
    }
    const s = Math.min(...seq),
      p = Math.min(...par);
    console.log(
      JSON.stringify({
        case: `tuner-random-6x2ep-parallel2-vs-sequential-t${threads}-yield${yieldEvery}`,
        sequential_ms: round(s, 0),
        parallel_ms: round(p, 0),
        ratio: round(s / p),
      }),
    );
  }
}
dispose([x, y]);
