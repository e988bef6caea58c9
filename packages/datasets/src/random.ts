// Seeded randomness for shuffles, splits and augmentation: the one generator
// of @wasmml/platform, plus the default seed drawn from the global one.
import { globalSeed } from './tensors.js';

export { deriveSeed, Random, seedToInt, type Seed } from '@wasmml/platform';

/**
 * A seed for callers that gave none: drawn from @wasmml/tensor's global
 * generator, so `setSeed` there makes shuffles and augmentations reproducible.
 */
export function randomSeed(): number {
  return globalSeed();
}
