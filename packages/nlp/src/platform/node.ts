// Node: text files through node:fs (only this file may import node: modules).
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TextFiles } from './types.js';

export const files: TextFiles = {
  hasFileSystem: true,
  readText: (path) => readFile(path, 'utf8'),
  // A temporary file beside the target, flushed, then renamed over it: a crash leaves the old file or the new one.
  async writeText(path, text) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  },
};
