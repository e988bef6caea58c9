// The sampling done in JS (splits, shuffles and masked positions) on the one
// seeded generator of @wasmml/platform. Same seed, same run.
import { Random } from '@wasmml/platform';

/** Returns a function giving uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  const r = new Random(seed);
  return () => r.next();
}

/** Shuffles an array in place (Fisher-Yates) with the given generator. */
export function shuffleInPlace<T>(a: T[], random: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
