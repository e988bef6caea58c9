// Node entry of the file layer: the only file of @wasmml/convert that imports node: modules.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Platform } from './types.js';

export const platform: Platform = {
  hasFileSystem: true,
  async readFile(path) {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  async writeFileAtomic(path, bytes) {
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  },
};
