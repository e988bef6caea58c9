// Deno entry of the file layer, on Deno's own file API.
import type { Platform } from './types.js';

interface DenoLike {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  build: { os: string };
  errors: { NotFound: new () => Error };
}
const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;

export const platform: Platform = {
  hasFileSystem: true,
  readFile: (path) => deno.readFile(path),
  writeFile: (path, bytes) => deno.writeFile(path, bytes),
  rename: (from, to) => deno.rename(from, to),
  async remove(path) {
    try {
      await deno.remove(path);
    } catch (e) {
      if (!(e instanceof deno.errors.NotFound)) throw e;
    }
  },
  mkdirp: (dir) => deno.mkdir(dir, { recursive: true }),
  join: (...parts) => parts.filter((p) => p !== '').join(deno.build.os === 'windows' ? '\\' : '/'),
};
