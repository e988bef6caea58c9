// Node entry of "#runtime": the only file of wasmml that imports node: modules
// for files and environment (kernels' worker entry imports worker_threads).
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, homedir } from 'node:os';
import { sep as nodeSep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { cacheDirFrom, dirnamePath, fetchBytes, joinPath, tempPathFor } from './paths.js';
import type { Platform } from './types.js';

const sep = nodeSep === '\\' ? '\\' : '/';
const toBytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Node's files, environment and hash. */
export const platform: Platform = {
  runtime: 'node',
  hasFileSystem: true,
  canBlock: true,
  sep,
  cores: () => (typeof availableParallelism === 'function' ? availableParallelism() : cpus().length),
  env: (name) => process.env[name],
  cacheDir: () => cacheDirFrom((n) => process.env[n], platform.join, homedir()),
  setV8Flag(flag) {
    setFlagsFromString(flag);
    return true;
  },
  // OpenSSL's SHA-256 (SHA-NI where the CPU has it) is ~5x faster here than WebCrypto's digest.
  sha256Hex: (bytes) => createHash('sha256').update(bytes).digest('hex'),

  join: (...parts) => joinPath(sep, parts),
  dirname: (path) => dirnamePath(sep, path),

  readFile: async (path) => toBytes(await readFile(path)),
  readText: (path) => readFile(path, 'utf8'),
  async readTextIfExists(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
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
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  mkdirp: async (dir) => void (await mkdir(dir, { recursive: true })),
  resolvePackageFile(specifier) {
    try {
      return createRequire(import.meta.url).resolve(specifier);
    } catch {
      return undefined;
    }
  },

  loadBytes: async (url) => (url.protocol === 'file:' ? toBytes(await readFile(fileURLToPath(url))) : fetchBytes(url)),
  loadBytesSync: (url) => (url.protocol === 'file:' ? toBytes(readFileSync(fileURLToPath(url))) : undefined),
};
