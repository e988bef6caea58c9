// The global seeded generator behind `setSeed`: @wasmml/platform's Random (the
// one generator of every package). The same seed gives the same stream on every runtime.
import { Random } from '@wasmml/platform';

let global = new Random(Date.now());

/** Seeds the global generator: every later random op without its own seed follows from it. */
export function setSeed(seed: number): void {
  global = new Random(seed);
}

/**
 * A 32-bit seed drawn from the global generator: libraries seed their own
 * streams with it so that `setSeed` makes whole training runs reproducible.
 */
export function nextSeed(): number {
  return global.uint32();
}

/** The generator for one call: its own when a seed is given, else the global one. */
export function generator(seed?: number): Random {
  return seed === undefined ? global : new Random(seed);
}
