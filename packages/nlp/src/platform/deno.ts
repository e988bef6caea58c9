// Deno: text files through the Deno namespace.
import type { TextFiles } from './types.js';

declare const Deno: {
  readTextFile(path: string): Promise<string>;
  writeTextFile(path: string, text: string): Promise<void>;
  mkdir(path: string, opts: { recursive: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
};

export const files: TextFiles = {
  hasFileSystem: true,
  readText: (path) => Deno.readTextFile(path),
  async writeText(path, text) {
    const dir = path.replace(/[\\/][^\\/]*$/, '');
    if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true });
    // A temporary file beside the target renamed over it: a crash leaves the old file or the new one.
    const tmp = `${path}.tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      await Deno.writeTextFile(tmp, text);
      await Deno.rename(tmp, path);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw e;
    }
  },
};
