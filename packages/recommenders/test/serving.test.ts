import { describe, expect, it } from 'vitest';
import { bpr, IdMap, leaveOneOut, matrixFactorization, popularity, topK } from '@wasmml/recommenders';
import { clusteredInteractions, lowRankRatings } from './helpers.js';

const nu = 60,
  ni = 90;
const data = clusteredInteractions(nu, ni, 15, 3, 4);
const split = leaveOneOut(data, { by: 'random', seed: 1 });
const itemIds = Array.from({ length: ni }, (_, i) => `movie-${i}`);
const userIds = Array.from({ length: nu }, (_, u) => 1000 + u);

async function trained() {
  const m = bpr({ numUsers: nu, numItems: ni, factors: 12, seed: 2, itemIds, userIds });
  await m.fit(split.train, { epochs: 15 });
  return m;
}

describe('recommend', () => {
  it('returns the top k by score, excluding what the user already has, with original ids', async () => {
    const m = await trained();
    const u = 7;
    const recs = m.recommend(u, 10);
    expect(recs).toHaveLength(10);
    const seen = new Set(m.seenItems(u));
    expect(seen.size).toBeGreaterThan(0);
    for (const r of recs) {
      expect(seen.has(r.item)).toBe(false);
      expect(r.id).toBe(`movie-${r.item}`);
    }
    // The same list as a direct top-k over scoreItems.
    const scores = m.scoreItems([u]);
    expect(recs.map((r) => r.item)).toEqual(Array.from(topK(scores, 10, (i) => seen.has(i))));
    expect(recs.map((r) => r.score)).toEqual(recs.map((r) => scores[r.item]));
    // Without exclusion the user's own items come back, and `exclude` removes more.
    const all = m.recommend(u, ni, { excludeSeen: false });
    expect(all).toHaveLength(ni);
    const extra = m.recommend(u, 10, { exclude: [recs[0]!.item] });
    expect(extra.map((r) => r.item)).not.toContain(recs[0]!.item);
    // Users' clusters show: most recommendations share the user's cluster.
    expect(recs.filter((r) => r.item % 3 === u % 3).length).toBeGreaterThanOrEqual(7);
    m.dispose();
  });

  it('recommendBatch equals recommend one by one; unknown users get the popular items', async () => {
    const m = await trained();
    const users = [3, -1, 59, 500, 3];
    const batch = m.recommendBatch(users, 5);
    users.forEach((u, r) => expect(batch[r]).toEqual(m.recommend(u, 5)));
    const pop = popularity({ numUsers: nu, numItems: ni }).fit(split.train);
    expect(batch[1]!.map((r) => r.item)).toEqual(pop.recommend(0, 5, { excludeSeen: false }).map((r) => r.item));
    expect(batch[1]).toEqual(m.popularItems(5));
    expect(m.isKnownUser(-1)).toBe(false);
    expect(m.isKnownUser(3)).toBe(true);
    m.dispose();
  });

  it('translates original ids: userIndex / itemIndex, -1 for unknown ones', async () => {
    const m = await trained();
    expect(m.userIndex(1007)).toBe(7);
    expect(m.userIndex(42)).toBe(-1);
    expect(m.itemIndex('movie-5')).toBe(5);
    expect(m.recommend(m.userIndex(42), 3)).toEqual(m.popularItems(3));
    expect(m.itemIds).toBeInstanceOf(IdMap);
    const plain = popularity({ numUsers: 2, numItems: 3 });
    expect(plain.itemIndex(2)).toBe(2);
    expect(plain.itemIndex(3)).toBe(-1);
    m.dispose();
  });
});

describe('similarItems', () => {
  it('ranks items by cosine similarity of item vectors, leaving the item itself out', async () => {
    const m = await trained();
    const item = split.train.items[0]!;
    const sims = m.similarItems(item, 8);
    expect(sims).toHaveLength(8);
    expect(sims.map((s) => s.item)).not.toContain(item);
    for (let k = 1; k < sims.length; k++) expect(sims[k - 1]!.score).toBeGreaterThanOrEqual(sims[k]!.score);
    for (const s of sims) expect(Math.abs(s.score)).toBeLessThanOrEqual(1 + 1e-6);
    // Items of one taste cluster are each other's neighbours.
    expect(sims.filter((s) => s.item % 3 === item % 3).length).toBeGreaterThanOrEqual(6);
    // An unknown item: the popular items.
    expect(m.similarItems(-5, 4)).toEqual(m.popularItems(4, (i) => i === -5));
    m.dispose();
  });

  it('works for explicit-rating MF too (and excludes never-trained items)', async () => {
    const r = lowRankRatings(30, 40, 10, 3);
    const m = matrixFactorization({ numUsers: 30, numItems: 40, factors: 4, seed: 1 });
    await m.fit(r, { epochs: 5 });
    const sims = m.similarItems(r.items[0]!, 5);
    expect(sims).toHaveLength(5);
    for (const s of sims) expect(m.isKnownItem(s.item)).toBe(true);
    m.dispose();
  });
});
