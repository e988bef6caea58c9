// Browser (and default) entry of "#fs": no file system, so file:// fails with
// a clear error pointing at the browser schemes.
import { noFileSystem, type FileSystem } from './types.js';

export const fileSystem: FileSystem = {
  available: false,
  readFile: async () => noFileSystem('loadLayersModel'),
  readTextIfExists: async () => noFileSystem('loadLayersModel'),
  writeFileAtomic: async () => noFileSystem('model.save'),
  mkdirp: async () => noFileSystem('model.save'),
  remove: async () => noFileSystem('model.save'),
  join: (...parts) => parts.filter((p) => p !== '').join('/').replace(/\/+/g, '/'),
  dirname: (path) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.'),
};
