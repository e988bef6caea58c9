import { describe, expect, it } from 'vitest';
import { bpr, neuMF, toInteractions } from '@wasmml/recommenders';
import { latestItems, recentContext, userTimelines, withContext } from '../src/data/sequences.js';
import { clusteredInteractions } from './helpers.js';

describe('recent-item context', () => {
  // User 0: items 10 (t 5), 11 (t 1), 12 (t 3), 13 (t 3); user 1: 20, 21 without times in between.
  const d = toInteractions(
    {
      users: [0, 0, 1, 0, 0, 1],
      items: [10, 11, 20, 12, 13, 21],
      timestamps: [5, 1, 0, 3, 3, 2],
    },
    'test',
  );

  it('orders each user by time (ties keep row order) and takes the items just before each interaction', () => {
    const tl = userTimelines(d, 3);
    expect(Array.from(tl.offsets)).toEqual([0, 4, 6, 6]);
    expect(Array.from(tl.rows)).toEqual([1, 3, 4, 0, 2, 5]);
    // Row 0 (item 10, latest of user 0) has 11, 12, 13 before it; L = 2 keeps the two latest.
    expect(Array.from(recentContext(d, tl, 2))).toEqual([12, 13, -1, -1, -1, -1, 11, -1, 11, 12, 20, -1]);
    expect(Array.from(latestItems(d, tl, 2))).toEqual([13, 10, 20, 21, -1, -1]);
  });

  it('adds the mean context factors of the valid items to each user', () => {
    const base = Float32Array.from([1, 2, 3, 4]),
      S = Float32Array.from([10, 20, 30, 40, 50, 60]);
    expect(Array.from(withContext(base, S, Int32Array.from([0, 2, -1, -1]), 2, 3, 2))).toEqual([31, 42, 3, 4]);
  });
});

describe('bpr with userContext recent', () => {
  const nu = 40,
    ni = 60;
  const data = clusteredInteractions(nu, ni, 10, 3, 4);

  it("scores with p_u + mean s_l over the user's latest items, consistently across scorePairs and scoreItems", async () => {
    const m = bpr({ numUsers: nu, numItems: ni, factors: 5, seed: 2, userContext: 'recent', contextLength: 3 });
    const h = await m.fit(data, { epochs: 40, negativeCandidates: 2 });
    expect(h.history.loss![39]).toBeLessThan(h.history.loss![0]! * 0.8);
    const saved = m.toArtifacts();
    const P = m.vars.userFactors.dataSync(),
      Q = m.vars.itemFactors.dataSync(),
      b = m.vars.itemBias!.dataSync();
    const S = m.contextTable!.dataSync();
    // Without timestamps the row order is the time order: user 7's latest three rows.
    const rows = Array.from(data.users.keys())
      .filter((r) => data.users[r] === 7)
      .slice(-3);
    const want = (i: number) => {
      let s = b[i]!;
      for (let f = 0; f < 5; f++) s += (P[7 * 5 + f]! + rows.reduce((a, r) => a + S[data.items[r]! * 5 + f]!, 0) / 3) * Q[i * 5 + f]!;
      return s;
    };
    const got = m.scorePairs(Int32Array.from([7, 7]), Int32Array.from([4, 33]));
    expect(got[0]).toBeCloseTo(want(4), 4);
    expect(got[1]).toBeCloseTo(want(33), 4);
    const all = m.scoreItems([7]);
    expect(all[33]).toBeCloseTo(got[1]!, 5);
    expect(saved.meta.arrays.map((a) => a.name)).toEqual(expect.arrayContaining(['contextFactors', 'contextItems']));
    m.dispose();
  });

  it('rejects options the context cannot train with, before changing anything', async () => {
    const m = bpr({ numUsers: nu, numItems: ni, factors: 4, seed: 1, userContext: 'recent' });
    const before = m.scoreItems([0]);
    await expect(m.fit(data, { blocks: 4 })).rejects.toThrow(/blocks = 4, but a model with userContext 'recent' trains on 1 block/);
    await expect(m.fit(data, { optimizer: 'adam' })).rejects.toThrow(/trains with optimizer 'sgd', got 'adam'/);
    expect(m.scoreItems([0])).toEqual(before);
    expect(() => bpr({ numUsers: nu, numItems: ni, userContext: 'all' as 'recent' })).toThrow(
      /userContext 'all' is not 'none' or 'recent'/,
    );
    m.dispose();
  });
});

describe('neuMF with userContext recent and GMF pre-training', () => {
  const nu = 40,
    ni = 60;
  const data = clusteredInteractions(nu, ni, 10, 3, 5);

  it('after pre-training (0 NeuMF epochs) scores as the BPR model plus the scaled-down MLP branch', async () => {
    const m = neuMF({ numUsers: nu, numItems: ni, gmfDim: 6, mlpLayers: [8, 4], seed: 3, userContext: 'recent', contextLength: 3 });
    await m.fit(data, { epochs: 0, pretrainEpochs: 10 });
    const b = bpr({ numUsers: nu, numItems: ni, factors: 5, biasL2: 0, seed: 3, userContext: 'recent', contextLength: 3 });
    await b.fit(data, { epochs: 10, negativeCandidates: 3 });
    // The same BPR model, trained alone, sits in the GMF branch (last dimension: 1 · b_i).
    const w = (name: string) => m.net.getLayer(name).weights[0]!.dataSync();
    const gu = w('gmf_user'),
      gi = w('gmf_item'),
      gc = w('gmf_context');
    const P = b.vars.userFactors.dataSync(),
      Q = b.vars.itemFactors.dataSync(),
      S = b.contextTable!.dataSync();
    const bi = b.vars.itemBias!.dataSync();
    for (const [u, i] of [
      [0, 0],
      [9, 31],
      [39, 59],
    ] as const) {
      for (let f = 0; f < 5; f++) {
        expect(gu[u * 6 + f]).toBe(P[u * 5 + f]);
        expect(gi[i * 6 + f]).toBe(Q[i * 5 + f]);
        expect(gc[(i + 1) * 6 + f]).toBe(S[i * 5 + f]);
      }
      expect(gu[u * 6 + 5]).toBe(1);
      expect(gi[i * 6 + 5]).toBe(bi[i]);
    }
    const pred = w('prediction');
    expect(Array.from(pred.slice(0, 6))).toEqual([1, 1, 1, 1, 1, 1]);
    // Scores: the BPR score plus the MLP's part, which is small.
    const us = Int32Array.from([3, 3, 3, 17]),
      is = Int32Array.from([0, 10, 40, 22]);
    const sn = m.scorePairs(us, is),
      sb = b.scorePairs(us, is);
    sn.forEach((x, r) => expect(Math.abs(x - sb[r]!)).toBeLessThan(0.05));
    m.dispose();
    b.dispose();
  });

  it('fine-tunes and serves with the context', async () => {
    const m = neuMF({ numUsers: nu, numItems: ni, gmfDim: 6, mlpLayers: [8, 4], seed: 3, userContext: 'recent', contextLength: 3 });
    const h = await m.fit(data, { epochs: 4, batchSize: 64, learningRate: 0.01 });
    expect(h.history.loss![3]).toBeLessThan(h.history.loss![0]!);
    const recs = m.recommend(2, 5);
    expect(recs).toHaveLength(5);
    for (const r of recs) expect(m.seenItems(2)).not.toContain(r.item);
    expect(m.similarItems(3, 4)).toHaveLength(4);
    m.dispose();
  });
});
