import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { datasetsRoot, movieLensDir, realDataDir } from '../src/data.js';

const root = mkdtempSync(join(tmpdir(), 'wasmml-data-locator-'));
mkdirSync(join(root, 'movielens-latest-small'));
writeFileSync(join(root, 'movielens-latest-small', 'ratings.csv'), 'userId,movieId,rating,timestamp\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

describe('realDataDir', () => {
  it('finds a data set under WASMML_DATASETS_DIR when every file is there', () => {
    vi.stubEnv('WASMML_DATASETS_DIR', root);
    expect(datasetsRoot()).toBe(root);
    expect(realDataDir('movielens-latest-small', ['ratings.csv'])).toBe(join(root, 'movielens-latest-small'));
  });

  it('throws under CI=1 when a file is missing, naming the directory and the file', () => {
    vi.stubEnv('WASMML_DATASETS_DIR', root);
    vi.stubEnv('CI', '1');
    expect(() => movieLensDir('locator test')).toThrow(
      /\[locator test\] real data is required under CI: .*movielens-latest-small lacks movies\.csv/,
    );
    expect(() => realDataDir('mnist', ['t10k-images-idx3-ubyte.gz'])).toThrow(/mnist lacks t10k-images-idx3-ubyte\.gz/);
  });

  it('outside CI returns undefined with a warning saying what happens instead', () => {
    vi.stubEnv('WASMML_DATASETS_DIR', root);
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(movieLensDir('locator test', 'using the fixture')).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[locator test\] .*lacks movies\.csv .*; using the fixture$/));
    warn.mockRestore();
  });
});
