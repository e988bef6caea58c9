// What io needs from the runtime: files for file:// and, where the runtime has
// one, a fast synchronous SHA-256. Each runtime has its own entry behind the
// package's "#platform" import; the browser one has no file system.

/** File access for the file:// handler, and the runtime's own SHA-256 if it has a fast one. */
export interface Platform {
  /** False where there is no file system (browsers). */
  readonly hasFileSystem: boolean;
  /** Lower-case hex SHA-256 with the runtime's native hash (Node); undefined: use WebCrypto. */
  readonly sha256Hex?: (bytes: Uint8Array) => string;
  /** The whole file; a missing file fails with an error naming the path. */
  readFile(path: string): Promise<Uint8Array>;
  /** The file's text, or undefined when there is no such file. */
  readTextIfExists(path: string): Promise<string | undefined>;
  /**
   * Writes a temporary file in the same directory, flushes it to disk and
   * renames it over `path`, so readers see the old file or the new one, never a part.
   */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  /** Creates a directory and its parents. */
  mkdirp(dir: string): Promise<void>;
  /** Deletes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Joins path segments with the platform's separator. */
  join(...parts: string[]): string;
  /** The directory part of a path. */
  dirname(path: string): string;
}

/** The error of every file operation in a runtime without a file system. */
export function noFileSystem(what: string): never {
  throw new Error(`${what}: file:// paths need a file system (Node or Deno); in a browser use 'indexeddb://<name>', 'downloads://<name>' or an IOHandler`);
}

/** A temporary name beside `path`: same directory, so the final rename stays on one file system. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
