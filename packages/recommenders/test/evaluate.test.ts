import { describe, expect, it } from 'vitest';
import {
  evaluateRanking,
  evaluateRatings,
  hitRateAtK,
  ndcgAtK,
  popularity,
  Recommender,
  toInteractions,
  UserItems,
  type Split,
} from '@wasmml/recommenders';
import { rng } from '@wasmml/test-utils';

/** A model scoring pairs with a fixed function (and recording what it was asked). */
class FnModel extends Recommender {
  readonly kind = 'fn';
  asked: Array<[number, number]> = [];
  constructor(
    numUsers: number,
    numItems: number,
    private readonly fn: (u: number, i: number) => number,
    train?: Split['train'],
  ) {
    super({ numUsers, numItems }, 'fn');
    if (train) this.observe(train);
  }
  scorePairs(users: Int32Array, items: Int32Array): Float32Array {
    users.forEach((u, k) => this.asked.push([u, items[k]!]));
    return Float32Array.from(users, (u, k) => this.fn(u, items[k]!));
  }
  protected scoreAllItems(users: Int32Array): Float32Array {
    const out = new Float32Array(users.length * this.numItems);
    users.forEach((u, r) => {
      for (let i = 0; i < this.numItems; i++) out[r * this.numItems + i] = this.fn(u, i);
    });
    return out;
  }
  protected itemVectors() {
    return undefined;
  }
  protected saveState() {
    return { config: {}, arrays: {} };
  }
  dispose() {}
}

function makeSplit(nu: number, ni: number, perUser: number, seed: number): Split {
  const r = rng(seed);
  const tr: [number, number][] = [],
    te: [number, number][] = [];
  for (let u = 0; u < nu; u++) {
    const items = new Set<number>();
    // Popular items are the low indices.
    while (items.size < perUser + 1) items.add(Math.floor(r() ** 2 * ni));
    const list = [...items];
    te.push([u, list.pop()!]);
    for (const i of list) tr.push([u, i]);
  }
  const conv = (rows: [number, number][]) => toInteractions({ users: rows.map((x) => x[0]), items: rows.map((x) => x[1]) }, 'test');
  return { train: conv(tr), test: conv(te) };
}

describe('evaluateRanking, sampled protocol', () => {
  const nu = 60,
    ni = 400;
  const split = makeSplit(nu, ni, 12, 1);
  const testItem = new Map(Array.from(split.test.users, (u, k) => [u, split.test.items[k]!]));

  it('an oracle hits every case; candidates are 99 distinct items the user never had', () => {
    const m = new FnModel(nu, ni, (u, i) => (testItem.get(u) === i ? 1 : 0), split.train);
    const r = evaluateRanking(m, split, { k: 10, seed: 3 });
    expect(r.cases).toBe(nu);
    expect(r.metrics.hitRate).toBe(1);
    expect(r.metrics.ndcg).toBe(1);
    expect(r.metrics.map).toBe(1);
    expect(r.metrics.precision).toBeCloseTo(0.1, 12);
    expect(Number.isNaN(r.metrics.coverage)).toBe(true);
    const seen = new UserItems(split.train.users, split.train.items, nu);
    for (let c = 0; c < nu; c++) {
      const cand = m.asked.slice(c * 100, c * 100 + 100);
      const u = cand[0]![0];
      expect(cand[0]![1]).toBe(testItem.get(u));
      const negs = cand.slice(1).map((x) => x[1]);
      expect(new Set(negs).size).toBe(99);
      for (const j of negs) {
        expect(seen.has(u, j)).toBe(false);
        expect(j).not.toBe(testItem.get(u));
      }
    }
  });

  it('ties count as a random order: a constant model gets HR@10 = 10/100 exactly', () => {
    const r = evaluateRanking(new FnModel(nu, ni, () => 0.5), split, { k: 10, baseline: false });
    expect(r.metrics.hitRate).toBeCloseTo(0.1, 12);
    let ndcg = 0;
    for (let rank = 0; rank < 10; rank++) ndcg += 1 / Math.log2(rank + 2);
    expect(r.metrics.ndcg).toBeCloseTo(ndcg / 100, 12);
    expect(r.baseline).toBeUndefined();
  });

  it('reports the popularity baseline on the same candidates, and the lift', () => {
    const pop = popularity({ numUsers: nu, numItems: ni }).fit(split.train);
    const m = new FnModel(nu, ni, (u, i) => (testItem.get(u) === i ? 1 : 0), split.train);
    const r = evaluateRanking(m, split, { k: 5, seed: 11 });
    const alone = evaluateRanking(pop, split, { k: 5, seed: 11, baseline: false });
    expect(r.baseline).toEqual(alone.metrics);
    expect(r.baseline!.hitRate).toBeGreaterThan(0.1); // popular test items: popularity beats chance
    expect(r.lift!.hitRate).toBeCloseTo(1 / r.baseline!.hitRate, 12);
  });
});

describe('evaluateRanking, full protocol', () => {
  it('ranks every item the user has not trained on; metrics match the per-list functions', () => {
    const nu = 25,
      ni = 50;
    const split = makeSplit(nu, ni, 5, 4);
    const score = (u: number, i: number) => Math.sin(u * 13.1 + i * 7.7);
    const m = new FnModel(nu, ni, score, split.train);
    const r = evaluateRanking(m, split, { protocol: 'full', k: 5 });
    const seen = new UserItems(split.train.users, split.train.items, nu);
    let hr = 0,
      ndcg = 0;
    const lists: number[][] = [];
    for (let u = 0; u < nu; u++) {
      const ranked = Array.from({ length: ni }, (_, i) => i)
        .filter((i) => !seen.has(u, i))
        .sort((a, b) => score(u, b) - score(u, a) || a - b)
        .slice(0, 5);
      lists.push(ranked);
      const rel = [split.test.items[split.test.users.indexOf(u)]!];
      hr += hitRateAtK(ranked, rel, 5);
      ndcg += ndcgAtK(ranked, rel, 5);
    }
    expect(r.cases).toBe(nu);
    expect(r.metrics.hitRate).toBeCloseTo(hr / nu, 12);
    expect(r.metrics.ndcg).toBeCloseTo(ndcg / nu, 12);
    expect(r.metrics.recall).toBeCloseTo(hr / nu, 12);
    expect(r.metrics.coverage).toBeCloseTo(new Set(lists.flat()).size / ni, 12);
  });
});

describe('evaluateRatings', () => {
  it('RMSE / MAE of the model beside the shrunk item-mean baseline', () => {
    const train = toInteractions({ users: [0, 1, 2, 0], items: [0, 0, 1, 1], ratings: [4, 2, 5, 3] }, 't');
    const test = toInteractions({ users: [1, 2], items: [1, 7], ratings: [4, 1] }, 't');
    const model = { predict: (u: ArrayLike<number>) => Float32Array.from(u, () => 3) };
    const r = evaluateRatings(model, { train, test });
    expect(r.metrics.rmse).toBeCloseTo(Math.sqrt((1 + 4) / 2), 6);
    // Item 1: (5 + 3 + 10 * 3.5) / 12; item 7 unseen: the global mean 3.5.
    const b = [(8 + 35) / 12, 3.5];
    expect(r.baseline.mae).toBeCloseTo((Math.abs(b[0]! - 4) + Math.abs(b[1]! - 1)) / 2, 6);
  });
});
