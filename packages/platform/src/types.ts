// What wasmml's packages need from the JavaScript runtime. Each runtime has its
// own entry (node.ts, deno.ts, web.ts) behind this package's "#runtime" import;
// only those entries touch runtime APIs, and the browser one imports no node:
// module, so bundlers need no configuration.

/** A file being written; `close` flushes and closes it. */
export interface FileWriter {
  /** Appends bytes. */
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/** Files, paths and environment of the runtime wasmml runs in. */
export interface Platform {
  /** Which runtime this is ('worker': a browser Web Worker). */
  readonly runtime: 'node' | 'deno' | 'browser' | 'worker';
  /** False in browsers: data comes from URLs or from bytes the caller passes, models travel as artifacts. */
  readonly hasFileSystem: boolean;
  /** Whether this thread may block in `Atomics.wait` (not a browser main thread). */
  readonly canBlock: boolean;
  /** The path separator: `\` on Windows, else `/`. */
  readonly sep: '/' | '\\';
  /** Logical cores. */
  cores(): number;
  /** An environment variable, where the runtime has them (and lets us read them). */
  env(name: string): string | undefined;
  /** The default cache directory: $WASMML_CACHE_DIR, else $XDG_CACHE_HOME/wasmml, else ~/.cache/wasmml. */
  cacheDir(): string | undefined;
  /** Sets a V8 flag where the runtime allows it (Node); true if it did. */
  setV8Flag(flag: string): boolean;
  /** Lower-case hex SHA-256 with the runtime's native hash (Node); undefined: use WebCrypto. */
  readonly sha256Hex?: (bytes: Uint8Array) => string;

  /** Joins path parts with {@link Platform.sep}, collapsing repeated separators and resolving `.` and `..`. */
  join(...parts: string[]): string;
  /** The directory part of a path ('.' when it has none). */
  dirname(path: string): string;

  /** The whole file; a missing file fails with an error naming the path. */
  readFile(path: string): Promise<Uint8Array>;
  /** The file's text (UTF-8). */
  readText(path: string): Promise<string>;
  /** The file's text, or undefined when there is no such file. */
  readTextIfExists(path: string): Promise<string | undefined>;
  /** Streams a file in chunks, for inputs too large to hold at once; a missing file fails here, not mid-stream. */
  openRead(path: string): Promise<ReadableStream<Uint8Array>>;
  /** Size in bytes, or undefined when there is no such file. */
  fileSize(path: string): Promise<number | undefined>;
  /** Creates (or truncates) a file for writing. */
  openWrite(path: string): Promise<FileWriter>;
  /**
   * Writes a temporary file in the same directory, flushes it to disk and
   * renames it over `path`, so readers see the old file or the new one, never a
   * part; on failure the temporary file is removed and `path` is untouched.
   */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  /** Atomic rename within one file system (replaces the target). */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Creates a directory and its parents. */
  mkdirp(dir: string): Promise<void>;
  /** The file path of a file inside an installed package ('mnist/src/digits/0.json'), where files can be read. */
  resolvePackageFile(specifier: string): string | undefined;

  /** Reads a file shipped beside a package (a .wasm build): `file:` from disk, anything else by fetch. */
  loadBytes(url: URL): Promise<Uint8Array>;
  /** Reads it synchronously where the runtime can (file: URLs in Node and Deno), else undefined. */
  loadBytesSync(url: URL): Uint8Array | undefined;
}

/** The error every file operation throws where there is no file system. */
export function noFileSystem(what: string): never {
  throw new Error(`${what}: this runtime has no file system; pass a URL or the bytes instead, or keep the artifacts yourself`);
}
