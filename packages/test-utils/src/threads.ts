// Thread-count invariance: a kernel body run once on the calling thread and
// once forced onto the pool must give the same results (kernels and the model
// packages' own kernels alike).
import { getParallelThreshold, setParallelThreshold } from '@wasmml/kernels';

/** Runs fn with work forced onto one thread, then onto the pool; returns both results. */
export function singleAndThreaded<T>(fn: () => T): { single: T; threaded: T } {
  const saved = getParallelThreshold();
  try {
    setParallelThreshold(Number.MAX_SAFE_INTEGER);
    const single = fn();
    setParallelThreshold(0);
    const threaded = fn();
    return { single, threaded };
  } finally {
    setParallelThreshold(saved);
  }
}
