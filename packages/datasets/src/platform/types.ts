/** A file being written; `close` flushes and closes it. */
export interface FileWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** What the loaders need from the runtime: files and a cache directory where there is a file system. */
export interface Platform {
  readonly runtime: 'node' | 'deno' | 'browser';
  /** False in browsers: there, data comes from URLs (and Cache Storage) or from bytes the caller passes. */
  readonly hasFileSystem: boolean;
  readFile(path: string): Promise<Uint8Array>;
  /** Streams a file in chunks, for inputs too large to hold as one string. */
  openRead(path: string): Promise<ReadableStream<Uint8Array>>;
  /** Size in bytes, or undefined when there is no such file. */
  fileSize(path: string): Promise<number | undefined>;
  /** Creates (or truncates) a file for writing. */
  openWrite(path: string): Promise<FileWriter>;
  /** Atomic rename within one file system (replaces the target). */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  mkdirp(dir: string): Promise<void>;
  join(...parts: string[]): string;
  /** The default cache directory: $WASMML_CACHE_DIR, else $XDG_CACHE_HOME/wasmml, else ~/.cache/wasmml. */
  cacheDir(): string | undefined;
  env(name: string): string | undefined;
  /** The file path of a file inside an installed package ('mnist/src/digits/0.json'), where files can be read. */
  resolvePackageFile(specifier: string): string | undefined;
}

/** The error every file operation throws where there is no file system. */
export function noFileSystem(what: string): never {
  throw new Error(`${what}: this runtime has no file system; pass a URL or the bytes instead`);
}
