// The global seeded generator behind `setSeed`: @wasmml/platform's Random (the
// one generator of every package). The same seed gives the same stream on every runtime.
import { Random } from '@wasmml/platform';

let global = new Random(Date.now());
/** The stream of the synchronous section running now (see withGenerator), if any. */
let scoped: Random | undefined;

/** Seeds the global generator: every later random op without its own seed follows from it. */
export function setSeed(seed: number): void {
  global = new Random(seed);
}

/**
 * A 32-bit seed drawn from the global generator: libraries seed their own
 * streams with it so that `setSeed` makes whole training runs reproducible.
 */
export function nextSeed(): number {
  return (scoped ?? global).uint32();
}

/** The generator for one call: its own when a seed is given, else the scoped or global one. */
export function generator(seed?: number): Random {
  return seed === undefined ? (scoped ?? global) : new Random(seed);
}

/** An independent random stream, seeded from the global generator now; run code on it with {@link withGenerator}. */
export function forkGenerator(): Random {
  return new Random(nextSeed());
}

/**
 * Runs `f` (synchronous) with every unseeded random op drawing from `stream`
 * instead of the global generator. A training loop forks a stream when it
 * starts and runs each step on it, so two loops interleaved by `await` draw
 * exactly what each would draw alone.
 */
export function withGenerator<T>(stream: Random, f: () => T): T {
  const prev = scoped;
  scoped = stream;
  try {
    return f();
  } finally {
    scoped = prev;
  }
}
