// Browser entry of the file layer: no file system; searches keep their trials in memory.
import type { Platform } from './types.js';

const none = async (): Promise<never> => {
  throw new Error('this runtime has no file system; a search in the browser keeps its trials in memory (leave out `directory`)');
};

export const platform: Platform = {
  hasFileSystem: false,
  readFile: none,
  writeFile: none,
  rename: none,
  remove: async () => undefined,
  mkdirp: none,
  join: (...parts) =>
    parts
      .filter((p) => p !== '')
      .join('/')
      .replace(/\/+/g, '/'),
};
