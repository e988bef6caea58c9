// Node entry of the file layer: the only file of @wasmml/compression that imports node: modules.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Platform } from './types.js';

export const platform: Platform = {
  hasFileSystem: true,
  async readFile(path) {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  writeFile: (path, bytes) => writeFile(path, bytes),
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  mkdirp: async (dir) => void (await mkdir(dir, { recursive: true })),
  join: (...parts) => join(...parts),
};
