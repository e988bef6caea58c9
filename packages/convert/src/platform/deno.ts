// Deno entry of the file layer, on Deno's own file API.
import type { Platform } from './types.js';

interface DenoLike {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  pid: number;
}
const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;

export const platform: Platform = {
  hasFileSystem: true,
  readFile: (path) => deno.readFile(path),
  async writeFileAtomic(path, bytes) {
    const tmp = `${path}.tmp-${deno.pid}-${Date.now()}`;
    try {
      await deno.writeFile(tmp, bytes);
      await deno.rename(tmp, path);
    } catch (e) {
      await deno.remove(tmp).catch(() => undefined);
      throw e;
    }
  },
};
