/** The file operations saving and loading need. */
export interface Platform {
  /** False in browsers (use encodeModel / decodeModel there). */
  readonly hasFileSystem: boolean;
  /** Whole-file read. */
  readFile(path: string): Promise<Uint8Array>;
  /** Whole-file write (create or truncate). */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** Atomic rename within one file system, replacing the target. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a file; a missing one is not an error. */
  remove(path: string): Promise<void>;
  /** Creates a directory and its parents. */
  mkdirp(dir: string): Promise<void>;
  /** Joins path parts. */
  join(...parts: string[]): string;
}
