// Uniform negative sampling: items a user has not interacted with, drawn by
// rejection from a pool (all items, or one block of them).
import type { Random } from '@wasmml/datasets';
import type { UserItems } from './interactions.js';

/** Every index 0..n-1. */
export function allIndices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/**
 * One item of `pool` that user u has not interacted with (per `seen`),
 * uniformly; after `tries` rejections (a user who has nearly every item of
 * the pool) a scan from a random start finds one if any; -1 if none.
 */
export function sampleNegative(rng: Random, pool: Int32Array, seen: UserItems, u: number, tries = 32): number {
  const n = pool.length;
  if (n === 0) return -1;
  for (let t = 0; t < tries; t++) {
    const j = pool[rng.int(n)]!;
    if (!seen.has(u, j)) return j;
  }
  const start = rng.int(n);
  for (let k = 0; k < n; k++) {
    const j = pool[(start + k) % n]!;
    if (!seen.has(u, j)) return j;
  }
  return -1;
}

/**
 * `count` distinct items user u has not interacted with (per any of `seen`),
 * uniformly from 0..numItems-1; fewer when not enough exist.
 */
export function sampleDistinctNegatives(
  rng: Random,
  numItems: number,
  seen: readonly UserItems[],
  u: number,
  count: number,
  also?: number,
): Int32Array {
  const excluded = (j: number) => j === also || seen.some((s) => s.has(u, j));
  let free = numItems;
  for (const s of seen) free -= s.count(u);
  const want = Math.max(0, Math.min(count, free));
  const picked = new Set<number>();
  let tries = 0;
  while (picked.size < want && tries < want * 50) {
    tries++;
    const j = rng.int(numItems);
    if (!picked.has(j) && !excluded(j)) picked.add(j);
  }
  if (picked.size < want) {
    // Nearly every item is excluded: take the remaining ones by a scan.
    for (let j = 0; j < numItems && picked.size < want; j++) if (!picked.has(j) && !excluded(j)) picked.add(j);
  }
  return Int32Array.from(picked);
}
