// Deno entry of the platform layer, on Deno's own file API.
import type { Platform } from './types.js';

interface DenoFile {
  readonly readable: ReadableStream<Uint8Array>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
}
interface DenoLike {
  readFile(path: string): Promise<Uint8Array>;
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

function env(name: string): string | undefined {
  try {
    return deno.env.get(name);
  } catch {
    return undefined; // no --allow-env
  }
}

const sep = () => (deno.build.os === 'windows' ? '\\' : '/');

export const platform: Platform = {
  runtime: 'deno',
  hasFileSystem: true,
  readFile: (path) => deno.readFile(path),
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
    return {
      write: async (chunk) => {
        let off = 0;
        while (off < chunk.length) off += await f.write(chunk.subarray(off));
      },
      close: async () => f.close(),
    };
  },
  rename: (from, to) => deno.rename(from, to),
  async remove(path) {
    try {
      await deno.remove(path);
    } catch (e) {
      if (!(e instanceof deno.errors.NotFound)) throw e;
    }
  },
  mkdirp: (dir) => deno.mkdir(dir, { recursive: true }),
  join: (...parts) => parts.filter((p) => p !== '').join(sep()).replace(/[\\/]+/g, sep()),
  cacheDir() {
    const explicit = env('WASMML_CACHE_DIR');
    if (explicit) return explicit;
    const xdg = env('XDG_CACHE_HOME');
    if (xdg) return platform.join(xdg, 'wasmml');
    const home = env('HOME') ?? env('USERPROFILE');
    return home ? platform.join(home, '.cache', 'wasmml') : undefined;
  },
  env,
  resolvePackageFile(specifier) {
    try {
      const url = new URL(import.meta.resolve(specifier));
      return url.protocol === 'file:' ? decodeURIComponent(url.pathname) : undefined;
    } catch {
      return undefined;
    }
  },
};
