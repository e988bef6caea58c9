// Node: text files through node:fs (only this file may import node: modules).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TextFiles } from './types.js';

export const files: TextFiles = {
  hasFileSystem: true,
  readText: (path) => readFile(path, 'utf8'),
  async writeText(path, text) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, 'utf8');
  },
};
