// Browser entry of the platform layer: no file system. Loaders fetch URLs
// (optionally through Cache Storage) or take bytes from the caller.
import { noFileSystem, type Platform } from './types.js';

export const platform: Platform = {
  runtime: 'browser',
  hasFileSystem: false,
  readFile: async () => noFileSystem('readFile'),
  openRead: async () => noFileSystem('openRead'),
  fileSize: async () => undefined,
  openWrite: async () => noFileSystem('openWrite'),
  rename: async () => noFileSystem('rename'),
  remove: async () => undefined,
  mkdirp: async () => noFileSystem('mkdirp'),
  join: (...parts) => parts.filter((p) => p !== '').join('/').replace(/\/+/g, '/'),
  cacheDir: () => undefined,
  env: () => undefined,
  resolvePackageFile: () => undefined,
};
