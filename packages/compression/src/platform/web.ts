// Browser entry of the file layer: no file system. Models travel as artifacts
// (encodeModel / decodeModel bytes), stored wherever the page likes.
import type { Platform } from './types.js';

const none = async (): Promise<never> => {
  throw new Error('this runtime has no file system; use encodeModel() / decodeModel(bytes)');
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
