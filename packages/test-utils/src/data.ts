// The one locator of the real data sets that tests read (MNIST IDX files,
// MovieLens latest-small...): `$WASMML_DATASETS_DIR`, else `shared/datasets`
// beside the checkout. Under CI a missing data set is an error, so a real-data
// test can never skip silently there; outside CI it skips with a message.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** True under CI (.ci/run sets CI=1; CI services set CI=true); read at each call. */
export function inCI(): boolean {
  const ci = process.env.CI;
  return !!ci && ci !== '0' && ci !== 'false';
}

/** Where the real data sets are looked for: $WASMML_DATASETS_DIR, else `<repo>/../shared/datasets`. */
export function datasetsRoot(): string {
  return process.env.WASMML_DATASETS_DIR || join(repoRoot, '..', 'shared', 'datasets');
}

/**
 * The directory of one real data set (`name` under {@link datasetsRoot}) when
 * it holds every file in `files`. When it does not: under CI, throws (naming
 * the directory and the missing files); elsewhere, warns, naming `who` and
 * what happens `instead`, and returns undefined.
 */
export function realDataDir(
  name: string,
  files: readonly string[],
  who = 'tests',
  instead = 'skipping the tests on real data',
): string | undefined {
  const dir = join(datasetsRoot(), name);
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length === 0 && existsSync(dir)) return dir;
  const what = `${dir} lacks ${missing.length ? missing.join(', ') : 'the directory'} (set WASMML_DATASETS_DIR)`;
  if (inCI()) throw new Error(`[${who}] real data is required under CI: ${what}`);
  console.warn(`[${who}] ${what}; ${instead}`);
  return undefined;
}

/** The real MNIST test set (t10k IDX files), or undefined outside CI when it is missing. */
export const mnistDir = (who?: string, instead?: string) =>
  realDataDir('mnist', ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'], who, instead);

/** MovieLens latest-small (ratings.csv, movies.csv), or undefined outside CI when it is missing. */
export const movieLensDir = (who?: string, instead?: string) =>
  realDataDir('movielens-latest-small', ['ratings.csv', 'movies.csv'], who, instead);
