// The files behind file:// URLs: @wasmml/platform's, or, where the runtime has
// no file system (browsers), the same operations failing with an error that
// points at the schemes that do work there.
import { platform, type Platform } from '@wasmml/platform';

function refuse(what: string): () => Promise<never> {
  return async () => {
    throw new Error(
      `${what}: file:// paths need a file system (Node or Deno); in a browser use 'indexeddb://<name>', 'downloads://<name>' or an IOHandler`,
    );
  };
}

/** `p` itself where it has a file system, else `p` with every file operation refused (naming the browser schemes). */
export function filesFor(p: Platform): Platform {
  if (p.hasFileSystem) return p;
  return {
    ...p,
    readFile: refuse('loadLayersModel'),
    readTextIfExists: refuse('loadLayersModel'),
    writeFileAtomic: refuse('model.save'),
    mkdirp: refuse('model.save'),
    remove: refuse('model.save'),
  };
}

/** This runtime's files for the file:// handler. */
export const files: Platform = filesFor(platform);
