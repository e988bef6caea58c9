/** A pool worker as the pool sees it. */
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

/**
 * How this runtime starts pool workers. Everything else the loader needs from
 * the runtime comes from @wasmml/platform; worker start-up stays here because
 * the worker script's `new URL(..., import.meta.url)` must sit in this package
 * (beside the script) for bundlers to find it.
 */
export interface WorkerHost {
  /** Starts a pool worker, or returns undefined where the runtime has none. */
  createWorker(onError: (err: unknown) => void): PoolWorker | undefined;
  /** Whether WebAssembly.Module can be posted to a worker. */
  readonly postsModules: boolean;
  /** Whether this thread may block in Atomics.wait (not a browser main thread). */
  readonly canBlock: boolean;
}
