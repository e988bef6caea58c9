// Issue 4b: the MNIST MLP (flatten -> dense 128 relu -> dense 10 softmax, Adam,
// one-hot categorical cross-entropy, batch 32, validation data, evaluate) on the
// embedded real digits of the `mnist` package, split 8,000 / 2,000.
import { expect, it } from 'vitest';
import { loadMnist } from '@wasmml/datasets';
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import * as wm from '@wasmml/tensor';
import { split, tensors } from './real-data.js';

it('MNIST MLP on the embedded digits: validation accuracy rises, test accuracy >= 93 % after 5 epochs', async () => {
  wm.setSeed(2);
  const set = await loadMnist({ source: 'embedded' });
  const [trainIds, testIds] = split(set, 8000, 2000, 7);
  const train = tensors(set, trainIds, true),
    test = tensors(set, testIds, true);
  const model = sequential({
    layers: [
      layers.flatten({ inputShape: [28, 28, 1] }),
      layers.dense({ units: 128, activation: 'relu' }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const t0 = performance.now();
  const h = await model.fit(train.x, train.y, { epochs: 5, batchSize: 32, verbose: 0, validationData: [test.x, test.y] });
  const seconds = (performance.now() - t0) / 1000;
  const [loss, acc] = (model.evaluate(test.x, test.y) as wm.Tensor[]).map((t) => t.dataSync()[0]!);
  console.log(
    JSON.stringify({
      case: 'mnist-mlp',
      valAcc: h.history.val_acc,
      trainLoss: h.history.loss,
      testLoss: loss,
      testAcc: acc,
      samplesPerSec: Math.round((5 * 8000) / seconds),
    }),
  );
  expect(h.history.val_acc!.at(-1)!).toBeGreaterThan(h.history.val_acc![0]!);
  expect(h.history.loss!.at(-1)!).toBeLessThan(0.5 * h.history.loss![0]!);
  expect(acc).toBeCloseTo(h.history.val_acc!.at(-1)!, 6);
  // tfjs-layers with this recipe, split and data reaches 94.0 % after 5 epochs (measured once, cpu backend):
  // 8,000 digits are the limit here, not the training.
  expect(acc).toBeGreaterThanOrEqual(0.93);
});
