// The io namespace (tfjs `tf.io` for layers models) and the save/load entry points.
import { browserDownloads, browserFiles } from './handlers/downloads.js';
import { fileSystem } from './handlers/file.js';
import { http } from './handlers/http.js';
import { browserIndexedDB } from './handlers/indexeddb.js';
import { fromMemory, withSaveHandler } from './handlers/memory.js';

/** IOHandler factories, as in tfjs `tf.io`. */
export const io = {
  /** file:// handler: a directory (or model.json path) on Node or Deno, with a shard size option. */
  fileSystem,
  /** http(s):// handler: fetch to load, multipart POST to save. */
  http,
  /** The older tfjs name of `http`. */
  browserHTTPRequest: http,
  /** indexeddb:// handler (browsers), in tfjs's database layout. */
  browserIndexedDB,
  /** downloads:// handler (browsers): saves as two file downloads. */
  browserDownloads,
  /** Loads from File objects (an <input type="file"> selection). */
  browserFiles,
  /** Loads from artifacts held in memory. */
  fromMemory,
  /** Saves by calling a function with the artifacts. */
  withSaveHandler,
};

export { loadLayersModel } from './load.js';
export { modelArtifacts } from './save.js';
export type { FileSystemOptions } from './handlers/file.js';
export type { HttpOptions } from './handlers/http.js';
export type * from './types.js';
export { readSafetensors, writeSafetensors, safetensorsToFloat32 } from './safetensors.js';
export type { SafetensorsDType, SafetensorsTensor, SafetensorsFile, SafetensorsInput } from './safetensors.js';
