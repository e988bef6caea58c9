// The io namespace (tfjs `tf.io` for layers models) and the save/load entry points.
import { browserDownloads, browserFiles } from './handlers/downloads.js';
import { fileSystem } from './handlers/file.js';
import { http } from './handlers/http.js';
import { browserIndexedDB } from './handlers/indexeddb.js';
import { fromMemory, withSaveHandler } from './handlers/memory.js';

/** IOHandler factories, as in tfjs `tf.io`. */
export const io = { fileSystem, http, browserHTTPRequest: http, browserIndexedDB, browserDownloads, browserFiles, fromMemory, withSaveHandler };

export { loadLayersModel } from './load.js';
export { modelArtifacts } from './save.js';
export type { FileSystemOptions } from './handlers/file.js';
export type { HttpOptions } from './handlers/http.js';
export type * from './types.js';
