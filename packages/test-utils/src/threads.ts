// Thread-count invariance: a kernel body run once on the calling thread and
// once forced onto the pool must give the same results (kernels and the model
// packages' own kernels alike). The pool's threshold comes from the caller's
// @wasmml/kernels (this package depends on none of ours: kernels' tests use it).

/** The parallel-threshold accessors of @wasmml/kernels. */
export interface ParallelThreshold {
  getParallelThreshold(): number;
  setParallelThreshold(n: number): void;
}

/** Runs fn with work forced onto one thread, then onto the pool; returns both results. */
export function singleAndThreaded<T>(pool: ParallelThreshold, fn: () => T): { single: T; threaded: T } {
  const saved = pool.getParallelThreshold();
  try {
    pool.setParallelThreshold(Number.MAX_SAFE_INTEGER);
    const single = fn();
    pool.setParallelThreshold(0);
    const threaded = fn();
    return { single, threaded };
  } finally {
    pool.setParallelThreshold(saved);
  }
}
