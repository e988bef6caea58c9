// Hyperband vs random search on a longer budget than the test's: the MNIST MLP
// (units, dropout, log learning rate) on 2,000 / 1,000 real digits (the shared MNIST
// t10k files, or WASMML_DATASETS_DIR, else the embedded `mnist` package), 9 epochs
// at most per trial. Prints each search's best val accuracy and total epochs, and
// the epochs the random search had spent when it first reached Hyperband's best.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist, stratifiedSplit } from '@wasmml/datasets';
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { dispose, init, oneHot, tensor1d, tensor2d, tidy } from '@wasmml/tensor';
import { Hyperband, RandomSearch } from '@wasmml/tuner';

await init();
const shared = join(
  process.env.WASMML_DATASETS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'datasets'),
  'mnist',
);
const onDisk = existsSync(join(shared, 't10k-images-idx3-ubyte.gz'));
const digits = await loadMnist(onDisk ? { source: shared, split: 'test' } : { source: 'embedded' });
const [a, b] = stratifiedSplit(digits.labels, [0.2, 0.8], { seed: 3 });
const take = (ids) => {
  const p = digits.subset(ids);
  return [
    tensor2d(
      Float32Array.from(p.images, (v) => v / 255),
      [p.count, 784],
    ),
    tidy(() => oneHot(tensor1d(Int32Array.from(p.labels), 'int32'), 10, 1, 0, 'float32')),
  ];
};
const [x, y] = take(a.slice(0, 2000));
const val = take(b.slice(0, 1000));

function build(hp) {
  const model = sequential({
    layers: [
      layers.dense({ inputShape: [784], units: hp.int('units', 16, 256, { step: 16 }), activation: 'relu' }),
      layers.dropout({ rate: hp.float('dropout', 0, 0.5, { step: 0.1 }) }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: adam(hp.float('learningRate', 1e-4, 3e-2, { sampling: 'log' })),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

const common = { hypermodel: build, objective: 'val_accuracy', seed: 5, verbose: 0 };
const fit = { epochs: 9, batchSize: 32, validationData: val };
const hb = new Hyperband({ ...common, maxEpochs: 9, factor: 3 });
await hb.search(x, y, fit);
const rs = new RandomSearch({ ...common, maxTrials: 12 });
await rs.search(x, y, fit);
const hbBest = hb.bestTrials(1)[0].score;
let spent = 0,
  reached = null;
for (const t of rs.trials) {
  spent += t.metrics.loss.length;
  if (reached === null && t.score >= hbBest) reached = spent;
}
console.log(
  JSON.stringify({
    case: 'tuner-hyperband-vs-random-9ep',
    data: onDisk ? 'mnist t10k' : 'embedded mnist',
    hyperband: { best: hbBest, totalEpochs: hb.totalEpochs(), trials: hb.trials.length },
    random: { best: rs.bestTrials(1)[0].score, totalEpochs: rs.totalEpochs(), trials: rs.trials.length, epochsToHyperbandBest: reached },
  }),
);
dispose([x, y, ...val]);
