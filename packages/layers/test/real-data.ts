// Real data for the training tests: the shared MNIST files beside the checkout
// (or WASMML_DATASETS_DIR), with the embedded digits as the fallback outside CI.
import { loadMnist, stratifiedSplit, type ImageSet } from '@wasmml/datasets';
import * as wm from '@wasmml/tensor';
import { mnistDir as realMnist } from '@wasmml/test-utils/data';

/**
 * The 10,000 real MNIST test digits from the shared real-data locator (which
 * throws under CI when they are missing), else the 10,000 embedded ones; says which.
 */
export async function loadDigits(): Promise<{ set: ImageSet; source: string }> {
  const mnistDir = realMnist('layers tests', 'using the embedded digits');
  if (mnistDir) return { set: await loadMnist({ source: mnistDir, split: 'test' }), source: `${mnistDir} (t10k)` };
  return { set: await loadMnist({ source: 'embedded' }), source: 'embedded mnist package' };
}

/** A seeded, class-stratified split into train and test index lists of the given sizes. */
export function split(set: ImageSet, nTrain: number, nTest: number, seed = 1): [Uint32Array, Uint32Array] {
  const [a, b] = stratifiedSplit(set.labels, [nTrain / set.count, 1 - nTrain / set.count], { seed });
  return [a!, b!.slice(0, nTest)];
}

/** Images at `ids` as a float tensor [n, h, w, c] in [0, 1] and their labels (int32 ids, or one-hot floats). */
export function tensors(set: ImageSet, ids: ArrayLike<number>, oneHot = false): { x: wm.Tensor; y: wm.Tensor } {
  const size = set.imageSize;
  const xs = new Float32Array(ids.length * size);
  const labels = new Int32Array(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const i = ids[k]!;
    const src = set.images.subarray(i * size, (i + 1) * size);
    for (let j = 0; j < size; j++) xs[k * size + j] = src[j]! / 255;
    labels[k] = set.labels[i]!;
  }
  const x = wm.tensor(xs, [ids.length, set.height, set.width, set.channels]);
  const ids32 = wm.tensor(labels, [ids.length], 'int32');
  if (!oneHot) return { x, y: ids32 };
  const y = wm.oneHot(ids32, set.numClasses, 1, 0, 'float32');
  ids32.dispose();
  return { x, y };
}
