// Browser (and default) entry of "#platform": no file system, so file://
// fails with a clear error pointing at the browser schemes.
import { noFileSystem, type Platform } from './types.js';

/** No files in browsers. */
export const platform: Platform = {
  hasFileSystem: false,
  readFile: async () => noFileSystem('loadLayersModel'),
  readTextIfExists: async () => noFileSystem('loadLayersModel'),
  writeFileAtomic: async () => noFileSystem('model.save'),
  mkdirp: async () => noFileSystem('model.save'),
  remove: async () => noFileSystem('model.save'),
  join: (...parts) => parts.filter((p) => p !== '').join('/').replace(/\/+/g, '/'),
  dirname: (path) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.'),
};
