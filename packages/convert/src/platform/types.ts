/** The file operations conversion needs. */
export interface Platform {
  /** False in browsers: pass and take bytes there. */
  readonly hasFileSystem: boolean;
  /** Whole-file read. */
  readFile(path: string): Promise<Uint8Array>;
  /** Writes `path` + a temporary suffix, then renames it over `path`, so a failure leaves no partial file. */
  writeFileAtomic(path: string, bytes: Uint8Array): Promise<void>;
}
