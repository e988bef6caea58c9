// Shared test plumbing: the real-data directory and small synthetic data sets.
import { loadMovieLens, type MovieLensData } from '@wasmml/datasets';
import { rng } from '@wasmml/test-utils';
import { movieLensDir as realDataDir } from '@wasmml/test-utils/data';

/** MovieLens latest-small from the shared real-data locator (throws under CI when it is missing). */
export const movieLensDir = () => realDataDir('recommenders tests');

let cached: Promise<MovieLensData> | undefined;
/** MovieLens latest-small, loaded once per test file. */
export function movieLens(dir: string): Promise<MovieLensData> {
  return (cached ??= loadMovieLens({ source: dir }));
}

/**
 * Ratings from a hidden low-rank model: r = 3 + b_u + b_i + u·v + noise,
 * every user rating `perUser` distinct items.
 */
export function lowRankRatings(nu: number, ni: number, perUser: number, seed: number, rank = 3) {
  const r = rng(seed);
  const g = () => (r() + r() + r() - 1.5) * 0.8;
  const U = Array.from({ length: nu * rank }, g),
    V = Array.from({ length: ni * rank }, g);
  const bu = Array.from({ length: nu }, () => g() * 0.5),
    bi = Array.from({ length: ni }, () => g() * 0.5);
  const users: number[] = [],
    items: number[] = [],
    ratings: number[] = [];
  for (let u = 0; u < nu; u++) {
    const got = new Set<number>();
    while (got.size < perUser) got.add(Math.floor(r() * ni));
    for (const i of got) {
      let v = 3 + bu[u]! + bi[i]! + (r() - 0.5) * 0.2;
      for (let f = 0; f < rank; f++) v += U[u * rank + f]! * V[i * rank + f]!;
      users.push(u);
      items.push(i);
      ratings.push(v);
    }
  }
  return { users: Int32Array.from(users), items: Int32Array.from(items), ratings: Float32Array.from(ratings) };
}

/**
 * Implicit feedback with taste clusters: user u likes items of cluster
 * u % clusters (and a few popular items); returns the interactions.
 */
export function clusteredInteractions(nu: number, ni: number, perUser: number, clusters: number, seed: number) {
  const r = rng(seed);
  const users: number[] = [],
    items: number[] = [];
  for (let u = 0; u < nu; u++) {
    const got = new Set<number>();
    while (got.size < perUser) {
      const i = r() < 0.8 ? (Math.floor(r() * (ni / clusters)) * clusters + (u % clusters)) % ni : Math.floor(r() ** 3 * ni);
      got.add(i);
    }
    for (const i of got) {
      users.push(u);
      items.push(i);
    }
  }
  return { users: Int32Array.from(users), items: Int32Array.from(items) };
}
