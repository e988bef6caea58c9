// Where the Node and Deno runners find data sets on disk: a directory given on
// the command line, else `$WASMML_DATASETS_DIR/<name>`, else
// `shared/datasets/<name>` beside the repository checkout. The browser never
// imports this file (node:fs).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as wm from 'wasmml';
import { loadMovieLensFixture } from './movielens-fixture.mjs';

/**
 * The directory of data set `name` (e.g. 'mnist', 'movielens-latest-small'):
 * `dir` if given, else the first of `$WASMML_DATASETS_DIR/<name>` and
 * `<repoRoot>/../shared/datasets/<name>` that exists; undefined if none does.
 * @param {string} name
 * @param {string | undefined} dir
 * @param {string} repoRoot
 */
export function findDatasetDir(name, dir, repoRoot) {
  if (dir) return dir;
  for (const base of [process.env.WASMML_DATASETS_DIR, join(repoRoot, '..', 'shared', 'datasets')]) {
    if (base && existsSync(join(base, name))) return join(base, name);
  }
  return undefined;
}

/** The name of the real MovieLens data set the runners look for. */
export const MOVIELENS_DIR = 'movielens-latest-small';

/**
 * MovieLens ratings: from `dir` (a directory with ratings.csv and movies.csv,
 * or a release .zip), else the real latest-small set where findDatasetDir
 * finds it, else the synthetic fixture. `dir` 'fixture' asks for the fixture.
 * @param {string | undefined} dir
 * @param {string} repoRoot
 */
export async function loadMovieLensFiles(dir, repoRoot) {
  const found = dir === 'fixture' ? undefined : findDatasetDir(MOVIELENS_DIR, dir, repoRoot);
  if (!found) {
    return {
      ratings: await loadMovieLensFixture(),
      source: 'the synthetic MovieLens-format fixture (built by models/movielens-fixture.mjs; not real ratings)',
    };
  }
  return { ratings: await wm.data.loadMovieLens({ source: found }), source: found };
}
