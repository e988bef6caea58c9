/** What the kernel loader needs from the JavaScript runtime it runs in. */
export interface PoolWorker {
  /** Sends the one start-up message. */
  start(init: WorkerInit): void;
  /** Stops the worker; pending work is abandoned. */
  terminate(): void;
}

/** The start-up message every pool worker receives. */
export interface WorkerInit {
  memory: WebAssembly.Memory;
  module?: WebAssembly.Module;
  bytes?: Uint8Array;
  ctl: SharedArrayBuffer;
  tid: number;
  names: string[];
}

export interface Platform {
  readonly runtime: 'node' | 'deno' | 'browser' | 'worker';
  /** Reads a file shipped beside the package (a .wasm build). */
  loadBytes(url: URL): Promise<Uint8Array>;
  /** Reads it synchronously where the runtime can, for ops used before `ready()`. */
  loadBytesSync(url: URL): Uint8Array | undefined;
  /** Starts a pool worker, or returns undefined where the runtime has none. */
  createWorker(onError: (err: unknown) => void): PoolWorker | undefined;
  /** Logical cores. */
  cores(): number;
  /** Whether this thread may block in Atomics.wait (not a browser main thread). */
  readonly canBlock: boolean;
  /** Whether WebAssembly.Module can be posted to a worker. */
  readonly postsModules: boolean;
  /** Turns on relaxed SIMD where the runtime hides it behind a flag; true if it did. */
  enableRelaxedSimdFlag(): boolean;
  /** Reads an environment variable where the runtime has them. */
  env(name: string): string | undefined;
}
