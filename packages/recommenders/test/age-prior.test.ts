import { describe, expect, it } from 'vitest';
import { bpr, loadRecommender, neuMF, type Recommender } from '@wasmml/recommenders';

// Items released in 2000, 2010, an unknown year and 2015; every interaction in
// June 2010. Age buckets at 2010: item 0 is 10 years old ("10-19"), item 1 new
// ("0"), item 2 unknown, item 3 not yet released. With one count of smoothing
// in each of the 11 buckets, the interactions give 3 (new) + 2 (10-19) + 9 x 1,
// and the catalogue, a quarter of each of the four buckets per interaction,
// 1.75 for each of those four + 7 x 1 — both 14 in all.
const itemYears = [2000, 2010, Number.NaN, 2015];
const june2010 = Date.UTC(2010, 5, 1) / 1000;
const data = { users: [0, 1, 0], items: [1, 1, 0], timestamps: [june2010, june2010 + 60, june2010 + 120] };
const want = [Math.log(2 / 1.75), Math.log(3 / 1.75), Math.log(1 / 1.75), Math.log(1 / 1.75)];
const users = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]),
  items = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]);

/** Scores of a model trained with the prior minus the same model (same seed) trained without it. */
function added(withPrior: Recommender, plain: Recommender): number[] {
  const a = withPrior.scorePairs(users, items),
    b = plain.scorePairs(users, items);
  return Array.from(a, (x, r) => x - b[r]!);
}

describe('item-age prior (itemYears)', () => {
  it("bpr: adds log P(age | interaction) / P(age | catalogue) at the user's latest year, in every scoring path", async () => {
    const config = { numUsers: 2, numItems: 4, factors: 3, seed: 5 };
    const m = bpr({ ...config, itemYears }),
      p = bpr(config);
    await m.fit(data, { epochs: 5 });
    await p.fit(data, { epochs: 5 });
    added(m, p).forEach((d, r) => expect(d).toBeCloseTo(want[items[r]!]!, 5));
    const all = m.scoreItems([1]),
      plainAll = p.scoreItems([1]);
    all.forEach((x, i) => expect(x - plainAll[i]!).toBeCloseTo(want[i]!, 5));
    // Serving ranks by the same scores: item 1 (new in 2010) over item 3 (not released yet) whenever the factors are close.
    const top = m.recommend(1, 3, { excludeSeen: false });
    expect(top.map((x) => x.score)).toEqual([...top.map((x) => x.score)].sort((a, b) => b - a));
    expect(top[0]!.score).toBeCloseTo(Math.max(...all), 5);
    top.forEach((x) => expect(x.score).toBeCloseTo(all[x.item]!, 5));

    const back = await loadRecommender(m.toArtifacts());
    expect(back.scorePairs(users, items)).toEqual(m.scorePairs(users, items));
    expect(m.toArtifacts().meta.config.itemYears).toEqual([2000, 2010, null, 2015]);
    [m, p, back].forEach((x) => x.dispose());
  });

  it('neuMF: adds the same prior to its logits, and keeps it through save / load', async () => {
    const config = { numUsers: 2, numItems: 4, gmfDim: 4, mlpLayers: [4, 2], seed: 5 };
    const m = neuMF({ ...config, itemYears }),
      p = neuMF(config);
    await m.fit(data, { epochs: 2, batchSize: 4 });
    await p.fit(data, { epochs: 2, batchSize: 4 });
    added(m, p).forEach((d, r) => expect(d).toBeCloseTo(want[items[r]!]!, 4));
    const back = await loadRecommender(m.toArtifacts());
    expect(back.scoreItems([0, 1])).toEqual(m.scoreItems([0, 1]));
    [m, p, back].forEach((x) => x.dispose());
  });

  it("uses each user's own latest year: the same item is new for one user and not yet released for another", async () => {
    const y2016 = Date.UTC(2016, 0, 1) / 1000;
    const d = { users: [0, 1, 1], items: [0, 1, 2], timestamps: [june2010, june2010, y2016] };
    const years = [2000, 2010, 2014, 2015];
    const m = bpr({ numUsers: 2, numItems: 4, factors: 2, seed: 1, itemYears: years }),
      p = bpr({ numUsers: 2, numItems: 4, factors: 2, seed: 1 });
    await m.fit(d, { epochs: 1 });
    await p.fit(d, { epochs: 1 });
    const diff = added(m, p);
    // Item 3 (2015): not yet released for user 0 (2010), one year old for user 1 (2016): different buckets.
    expect(diff[3]).not.toBeCloseTo(diff[7]!, 3);
    // Item 1 (2010) is new for user 0 and 6 years old ("5-9") for user 1.
    expect(diff[1]).not.toBeCloseTo(diff[5]!, 3);
    [m, p].forEach((x) => x.dispose());
  });

  it('rejects bad years and data without timestamps, before changing anything', async () => {
    expect(() => bpr({ numUsers: 2, numItems: 4, itemYears: [2000] })).toThrow(/bpr: itemYears has 1 entries, expected numItems = 4/);
    expect(() => neuMF({ numUsers: 2, numItems: 4, itemYears: [2000, 2000.5, 1, 2] })).toThrow(
      /neuMF: itemYears\[1\] = 2000.5, expected a whole year/,
    );
    const m = bpr({ numUsers: 2, numItems: 4, factors: 2, itemYears });
    const before = m.scoreItems([0, 1]);
    await expect(m.fit({ users: data.users, items: data.items }, { epochs: 1 })).rejects.toThrow(
      /bpr.fit: itemYears needs interaction timestamps \(Unix seconds\)/,
    );
    expect(m.scoreItems([0, 1])).toEqual(before);
    m.dispose();
  });
});
