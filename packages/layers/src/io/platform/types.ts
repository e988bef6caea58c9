// What file:// saving and loading need from the runtime. Each runtime has its
// own entry behind the package's "#fs" import; the browser one refuses.

/** File access for the file:// handler. */
export interface FileSystem {
  /** False where there is no file system (browsers). */
  readonly available: boolean;
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
