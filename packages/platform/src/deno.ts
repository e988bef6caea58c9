// Deno entry of "#runtime", on Deno's own file API (no node: modules).
import { cacheDirFrom, dirnamePath, fetchBytes, joinPath, tempPathFor } from './paths.js';
import type { Platform } from './types.js';

interface DenoFile {
  readonly readable: ReadableStream<Uint8Array>;
  write(p: Uint8Array): Promise<number>;
  sync(): Promise<void>;
  close(): void;
}
interface DenoLike {
  readFile(path: string | URL): Promise<Uint8Array>;
  readFileSync(path: URL): Uint8Array;
  readTextFile(path: string): Promise<string>;
  open(path: string, options?: { read?: boolean; write?: boolean; create?: boolean; truncate?: boolean }): Promise<DenoFile>;
  stat(path: string): Promise<{ isFile: boolean; size: number }>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  build: { os: string };
  env: { get(name: string): string | undefined };
  errors: { NotFound: new () => Error };
}
const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;
const sep = deno.build.os === 'windows' ? '\\' : '/';

function env(name: string): string | undefined {
  try {
    return deno.env.get(name);
  } catch {
    return undefined; // no --allow-env
  }
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await deno.remove(path);
  } catch (e) {
    if (!(e instanceof deno.errors.NotFound)) throw e;
  }
}

async function writeAll(f: DenoFile, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await f.write(data.subarray(off));
}

/** Deno's files and environment. */
export const platform: Platform = {
  runtime: 'deno',
  hasFileSystem: true,
  canBlock: true,
  sep,
  cores: () => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1,
  env,
  cacheDir: () => cacheDirFrom(env, platform.join),
  setV8Flag: () => false,

  join: (...parts) => joinPath(sep, parts),
  dirname: (path) => dirnamePath(sep, path),

  readFile: (path) => deno.readFile(path),
  readText: (path) => deno.readTextFile(path),
  async readTextIfExists(path) {
    try {
      return await deno.readTextFile(path);
    } catch (e) {
      if (e instanceof deno.errors.NotFound) return undefined;
      throw e;
    }
  },
  async openRead(path) {
    return (await deno.open(path, { read: true })).readable;
  },
  async fileSize(path) {
    try {
      const s = await deno.stat(path);
      return s.isFile ? s.size : undefined;
    } catch {
      return undefined;
    }
  },
  async openWrite(path) {
    const f = await deno.open(path, { write: true, create: true, truncate: true });
    return { write: (chunk) => writeAll(f, chunk), close: async () => f.close() };
  },
  async writeFileAtomic(path, data) {
    const tmp = tempPathFor(path);
    const f = await deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      await writeAll(f, data);
      await f.sync();
    } catch (e) {
      f.close();
      await removeQuietly(tmp);
      throw e;
    }
    f.close();
    try {
      await deno.rename(tmp, path);
    } catch (e) {
      await removeQuietly(tmp);
      throw e;
    }
  },
  rename: (from, to) => deno.rename(from, to),
  remove: removeQuietly,
  mkdirp: (dir) => deno.mkdir(dir, { recursive: true }),
  resolvePackageFile(specifier) {
    try {
      const url = new URL(import.meta.resolve(specifier));
      return url.protocol === 'file:' ? decodeURIComponent(url.pathname) : undefined;
    } catch {
      return undefined;
    }
  },

  loadBytes: (url) => (url.protocol === 'file:' ? deno.readFile(url) : fetchBytes(url)),
  loadBytesSync: (url) => (url.protocol === 'file:' ? deno.readFileSync(url) : undefined),
};
