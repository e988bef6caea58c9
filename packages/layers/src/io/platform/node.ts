// Node entry of "#platform": the only file of @wasmml/layers' io that imports node: modules.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempPathFor, type Platform } from './types.js';

/** Node's files and hash. */
export const platform: Platform = {
  hasFileSystem: true,
  // OpenSSL's SHA-256 (SHA-NI where the CPU has it) is ~5x faster here than WebCrypto's digest.
  sha256Hex: (bytes) => createHash('sha256').update(bytes).digest('hex'),
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
