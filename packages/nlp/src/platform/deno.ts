// Deno: text files through the Deno namespace.
import type { TextFiles } from './types.js';

declare const Deno: {
  readTextFile(path: string): Promise<string>;
  writeTextFile(path: string, text: string): Promise<void>;
  mkdir(path: string, opts: { recursive: boolean }): Promise<void>;
};

export const files: TextFiles = {
  hasFileSystem: true,
  readText: (path) => Deno.readTextFile(path),
  async writeText(path, text) {
    const dir = path.replace(/[\\/][^\\/]*$/, '');
    if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(path, text);
  },
};
