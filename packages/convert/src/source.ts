// Model files given as a path (Node, Deno) or as bytes (everywhere); files
// through @wasmml/platform.
import { platform } from '@wasmml/platform';

/** A model file: a path on Node/Deno, or its bytes. */
export type FileSource = string | Uint8Array | ArrayBuffer;

export async function sourceBytes(source: FileSource): Promise<Uint8Array> {
  if (typeof source === 'string') {
    if (!platform.hasFileSystem)
      throw new Error(
        `@wasmml/convert: this runtime has no file system to read '${source}' from; pass the file as bytes (Uint8Array / ArrayBuffer)`,
      );
    return platform.readFile(source);
  }
  return source instanceof Uint8Array ? source : new Uint8Array(source);
}

export function sourceName(source: FileSource): string {
  return typeof source === 'string' ? `'${source}'` : 'the given bytes';
}

/** Writes bytes to a path through a temporary file and a rename. */
export function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  if (!platform.hasFileSystem)
    return Promise.reject(
      new Error(`@wasmml/convert: this runtime has no file system to write '${path}' to; use the *Bytes functions and keep the bytes`),
    );
  return platform.writeFileAtomic(path, bytes);
}

export function isZip(b: Uint8Array): boolean {
  return b.byteLength >= 4 && b[0] === 0x50 && b[1] === 0x4b;
}

export function isHdf5(b: Uint8Array): boolean {
  return b.byteLength >= 8 && b[0] === 0x89 && b[1] === 0x48 && b[2] === 0x44 && b[3] === 0x46;
}
