// Issue 4d: the CIFAR-10 CNN of the TensorFlow tutorial (conv 32 -> pool -> conv
// 64 -> pool -> conv 64 -> flatten -> dense 64 -> dense 10 logits, fromLogits,
// Adam, validation data) trains with a falling loss on CIFAR-format files read by
// loadCifar10, with random crop and flip augmentation. The files are written
// here: small, learnable images (class = colour mix and stripe direction, with
// noise), in the real binary layout, so the whole path from bytes is exercised.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { augment, loadCifar10 } from '@wasmml/datasets';
import { layers, losses, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { rng } from '@wasmml/test-utils';
import * as wm from '@wasmml/tensor';
import { tensors } from './real-data.js';

const dir = mkdtempSync(join(tmpdir(), 'wasmml-cifar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `n` records of label byte + red, green, blue 32x32 planes. */
function cifarBatch(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    const at = i * 3073;
    out[at] = label;
    const colour = [label % 5 === 0 ? 200 : 60, [1, 2].includes(label % 5) ? 200 : 60, label % 5 >= 3 ? 200 : 60];
    const vertical = label >= 5;
    const phase = Math.floor(r() * 4);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const stripe = (((vertical ? x : y) + phase) >> 1) % 2 === 0 ? 1 : 0.4;
          const v = colour[c]! * stripe + 40 * (r() - 0.5);
          out[at + 1 + c * 1024 + y * 32 + x] = Math.max(0, Math.min(255, Math.round(v)));
        }
      }
    }
  }
  return out;
}

it('CIFAR-10 CNN on data_batch_*.bin files with crop and flip augmentation: loss falls, validation accuracy beats chance', async () => {
  writeFileSync(join(dir, 'data_batch_1.bin'), cifarBatch(200, 1));
  writeFileSync(join(dir, 'data_batch_2.bin'), cifarBatch(200, 2));
  writeFileSync(join(dir, 'test_batch.bin'), cifarBatch(100, 3));
  const trainSet = await loadCifar10({ source: dir, batches: [1, 2] });
  const testSet = await loadCifar10({ source: dir, split: 'test' });
  expect(trainSet.count).toBe(400);
  const test = tensors(
    testSet,
    Array.from({ length: testSet.count }, (_, i) => i),
  );

  wm.setSeed(5);
  const model = sequential({
    layers: [
      layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [32, 32, 3] }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      layers.flatten(),
      layers.dense({ units: 64, activation: 'relu' }),
      layers.dense({ units: 10 }),
    ],
  });
  model.compile({ optimizer: adam(0.001), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  const train = trainSet
    .dataset()
    .shuffle(400, { seed: 1 })
    .map(augment({ seed: 2, cropPadding: 4, flip: true }))
    .batch(32);
  const t0 = performance.now();
  const h = await model.fitDataset(train, { epochs: 4, verbose: 0, validationData: [test.x, test.y] });
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      case: 'cifar-cnn',
      loss: h.history.loss,
      valLoss: h.history.val_loss,
      valAcc: h.history.val_acc,
      samplesPerSec: Math.round((4 * 400) / seconds),
    }),
  );
  const loss = h.history.loss!;
  expect(loss.at(-1)!).toBeLessThan(0.7 * loss[0]!);
  expect(h.history.val_loss!.at(-1)!).toBeLessThan(h.history.val_loss![0]!);
  expect(h.history.val_acc!.at(-1)!).toBeGreaterThan(0.3);
});
