// Browsers: no file system. save() without a path returns the artifacts to store (IndexedDB, a download...).
import type { TextFiles } from './types.js';

const refuse = (what: string) => () =>
  Promise.reject(new Error(`${what}: there is no file system in this runtime; call save() without a path and store the returned artifacts, then load(artifacts)`));

export const files: TextFiles = {
  hasFileSystem: false,
  readText: refuse('load(path)'),
  writeText: refuse('save(path)'),
};
