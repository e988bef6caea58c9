// Browser entry of the file layer: no file system; pages pass and take bytes
// (a File from <input type="file">, fetch(...).arrayBuffer(), a download Blob).
import type { Platform } from './types.js';

const none = async (): Promise<never> => {
  throw new Error(
    '@wasmml/convert: this runtime has no file system; pass the file as bytes (Uint8Array / ArrayBuffer) and use the *Bytes functions to write',
  );
};

export const platform: Platform = { hasFileSystem: false, readFile: none, writeFileAtomic: none };
