// Node entry of the platform layer: the only file of @wasmml/datasets that
// imports node: modules (besides the Deno entry, which uses Deno's own API).
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Platform } from './types.js';

export const platform: Platform = {
  runtime: 'node',
  hasFileSystem: true,
  async readFile(path) {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  async openRead(path) {
    // Open first so that a missing file fails here, with the path, not mid-stream.
    const s = createReadStream(path, { highWaterMark: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      s.once('open', () => resolve());
      s.once('error', reject);
    });
    return Readable.toWeb(s) as unknown as ReadableStream<Uint8Array>;
  },
  async fileSize(path) {
    try {
      const s = await stat(path);
      return s.isFile() ? s.size : undefined;
    } catch {
      return undefined;
    }
  },
  async openWrite(path) {
    const fh = await open(path, 'w');
    return {
      write: async (chunk) => {
        let off = 0;
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      },
      close: () => fh.close(),
    };
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  mkdirp: async (dir) => void (await mkdir(dir, { recursive: true })),
  join: (...parts) => join(...parts),
  cacheDir() {
    const env = process.env;
    if (env.WASMML_CACHE_DIR) return env.WASMML_CACHE_DIR;
    if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'wasmml');
    const home = homedir();
    return home ? join(home, '.cache', 'wasmml') : undefined;
  },
  env: (name) => process.env[name],
  resolvePackageFile(specifier) {
    try {
      return createRequire(import.meta.url).resolve(specifier);
    } catch {
      return undefined;
    }
  },
};
