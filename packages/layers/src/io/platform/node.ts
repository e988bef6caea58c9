// Node entry of "#fs": the only file of @wasmml/layers' io that imports node: modules.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempPathFor, type FileSystem } from './types.js';

export const fileSystem: FileSystem = {
  available: true,
  async readFile(path) {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  async readTextIfExists(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  },
  async writeFileAtomic(path, data) {
    const tmp = tempPathFor(path);
    const fh = await open(tmp, 'w');
    try {
      let off = 0;
      while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten;
      await fh.sync();
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    try {
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  },
  mkdirp: async (dir) => void (await mkdir(dir, { recursive: true })),
  remove: (path) => rm(path, { force: true }),
  join: (...parts) => join(...parts),
  dirname: (path) => dirname(path),
};
