// Browser entry of "#runtime" (pages and Web Workers; also any runtime without
// a more specific entry): fetch and no file system, no Node built-ins, so
// bundlers need no configuration. Deno reaching this entry (through a bundle)
// still reads its own file: URLs and environment.
import { dirnamePath, fetchBytes, joinPath, noFileSystemAsync } from './paths.js';
import type { Platform } from './types.js';

interface DenoLike {
  readFileSync(path: URL): Uint8Array;
  env: { get(name: string): string | undefined };
}
const g = globalThis as unknown as {
  Deno?: DenoLike;
  WorkerGlobalScope?: unknown;
  navigator?: { hardwareConcurrency?: number };
};
const deno = g.Deno;
const inWorker = typeof g.WorkerGlobalScope !== 'undefined';

function detectCanBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** No files; bytes by fetch. */
export const platform: Platform = {
  runtime: deno ? 'deno' : inWorker ? 'worker' : 'browser',
  hasFileSystem: false,
  canBlock: detectCanBlock(),
  sep: '/',
  cores: () => g.navigator?.hardwareConcurrency ?? 1,
  env: (name) => {
    try {
      return deno?.env.get(name);
    } catch {
      return undefined;
    }
  },
  cacheDir: () => undefined,
  setV8Flag: () => false,

  join: (...parts) => joinPath('/', parts),
  dirname: (path) => dirnamePath('/', path),

  readFile: noFileSystemAsync('readFile'),
  readText: noFileSystemAsync('readText'),
  readTextIfExists: noFileSystemAsync('readTextIfExists'),
  openRead: noFileSystemAsync('openRead'),
  fileSize: async () => undefined,
  openWrite: noFileSystemAsync('openWrite'),
  writeFileAtomic: noFileSystemAsync('writeFileAtomic'),
  rename: noFileSystemAsync('rename'),
  remove: async () => undefined,
  mkdirp: noFileSystemAsync('mkdirp'),
  resolvePackageFile: () => undefined,

  loadBytes: (url) => (deno && url.protocol === 'file:' ? Promise.resolve(deno.readFileSync(url)) : fetchBytes(url)),
  loadBytesSync: (url) => (deno && url.protocol === 'file:' ? deno.readFileSync(url) : undefined),
};
