import { describe, expect, it } from 'vitest';
import { memory } from '@wasmml/tensor';
import { coreFilter, evaluateRanking, leaveOneOut, movieLensItemFeatures, neuMF } from '@wasmml/recommenders';
import { clusteredInteractions, movieLens, movieLensDir } from './helpers.js';

describe('neuMF', () => {
  it('has the GMF and MLP branches of He et al. and scores exactly as its weights say', () => {
    const m = neuMF({ numUsers: 5, numItems: 7, gmfDim: 3, mlpLayers: [8, 4], seed: 2 });
    const w = (name: string) => m.net.getLayer(name).weights.map((v) => v.dataSync());
    const [gu] = w('gmf_user'),
      [gi] = w('gmf_item'),
      [mu] = w('mlp_user'),
      [mi] = w('mlp_item');
    const [k1, b1] = w('mlp_1'),
      [k2, b2] = w('prediction');
    expect(m.net.countParams()).toBe(5 * 3 + 7 * 3 + 5 * 4 + 7 * 4 + (8 * 4 + 4) + (3 + 4 + 1));
    const score = (u: number, i: number) => {
      const gmf = [0, 1, 2].map((f) => gu![u * 3 + f]! * gi![i * 3 + f]!);
      const x = [...mu!.slice(u * 4, u * 4 + 4), ...mi!.slice(i * 4, i * 4 + 4)];
      const h = [0, 1, 2, 3].map((o) => Math.max(0, b1![o]! + x.reduce((s, v, j) => s + v * k1![j * 4 + o]!, 0)));
      return b2![0]! + [...gmf, ...h].reduce((s, v, j) => s + v * k2![j]!, 0);
    };
    const us = Int32Array.from([0, 4, 2, 3]),
      is = Int32Array.from([6, 0, 3, 3]);
    const got = m.scorePairs(us, is);
    us.forEach((u, r) => expect(got[r]).toBeCloseTo(score(u, is[r]!), 5));
    // Ids out of range score 0 rather than throwing.
    expect(Array.from(m.scorePairs(Int32Array.from([-1, 0]), Int32Array.from([0, 99])))).toEqual([0, 0]);
    m.dispose();
  });

  it('learns taste clusters well above popularity with sampled negatives', async () => {
    const nu = 60,
      ni = 120;
    const split = leaveOneOut(clusteredInteractions(nu, ni, 20, 4, 7), { by: 'random', seed: 1 });
    const m = neuMF({ numUsers: nu, numItems: ni, gmfDim: 8, mlpLayers: [16, 8], seed: 1 });
    const h = await m.fit(split.train, { epochs: 11, batchSize: 128, learningRate: 0.01 });
    // Memory stays flat over further training (the optimizer state exists after the first fit).
    const mem = memory();
    const h2 = await m.fit(split.train, { epochs: 1, batchSize: 128, learningRate: 0.01 });
    expect(memory().numTensors).toBe(mem.numTensors);
    expect(memory().numBytes).toBe(mem.numBytes);
    expect(h2.history.loss![0]).toBeLessThan(h.history.loss![0]! * 0.8);
    const r = evaluateRanking(m, split, { k: 10 });
    expect(r.lift!.hitRate).toBeGreaterThan(2);
    expect(r.lift!.ndcg).toBeGreaterThan(2);
    const recs = m.recommend(0, 5);
    for (const x of recs) expect(m.seenItems(0)).not.toContain(x.item);
    m.dispose();
  });
});

const mlDir = movieLensDir();
describe.skipIf(!mlDir)('neuMF on MovieLens latest-small, leave-one-out (latest item), 99 sampled negatives', () => {
  it('items with >= 5 interactions: HR@10 and NDCG@10 at least 30 % above popularity after 3 epochs', async () => {
    const ml = await movieLens(mlDir!);
    const f = coreFilter(ml, { minItemInteractions: 5 });
    const s = leaveOneOut(f.interactions, { by: 'time' });
    const m = neuMF({ numUsers: f.numUsers, numItems: f.numItems, seed: 1 });
    const t0 = performance.now();
    await m.fit(s.train, { epochs: 3 });
    const ms = performance.now() - t0;
    const r = evaluateRanking(m, s, { k: 10, seed: 0 });
    console.log(
      `[MovieLens NeuMF, items with >= 5 interactions] 3 epochs: HR@10 ${r.metrics.hitRate.toFixed(4)} (popularity ${r.baseline!.hitRate.toFixed(4)}, x${r.lift!.hitRate.toFixed(2)}), NDCG@10 ${r.metrics.ndcg.toFixed(4)} (popularity ${r.baseline!.ndcg.toFixed(4)}, x${r.lift!.ndcg.toFixed(2)}); fit ${(ms / 1000).toFixed(1)} s`,
    );
    expect(r.lift!.hitRate).toBeGreaterThanOrEqual(1.3);
    expect(r.lift!.ndcg).toBeGreaterThanOrEqual(1.3);
    m.dispose();
  });

  // The standard protocol (all 9,724 items), with the recipe chosen on the validation
  // split (each user's second-latest item; README): GMF pre-trained by the BPR kernel,
  // userContext 'recent', genres + 5-year buckets and the item-age prior.
  it('all items, pre-trained, context + features + age prior: HR@10 and NDCG@10 at least 30 % above popularity', async () => {
    const ml = await movieLens(mlDir!);
    const s = leaveOneOut(ml, { by: 'time' });
    const f = movieLensItemFeatures(ml);
    const m = neuMF({
      numUsers: ml.numUsers,
      numItems: ml.numItems,
      gmfDim: 33,
      userContext: 'recent',
      seed: 1,
      itemFeatures: f.itemFeatures,
      numItemFeatures: f.numItemFeatures,
      itemYears: f.itemYears,
    });
    const t0 = performance.now();
    await m.fit(s.train, { pretrainEpochs: 100, epochs: 2, batchSize: 2048, learningRate: 0.001 });
    const ms = performance.now() - t0;
    const r = evaluateRanking(m, s, { k: 10, seed: 0 });
    console.log(
      `[MovieLens NeuMF recent + features + age prior, all items] HR@10 ${r.metrics.hitRate.toFixed(4)} (popularity ${r.baseline!.hitRate.toFixed(4)}, x${r.lift!.hitRate.toFixed(3)}), NDCG@10 ${r.metrics.ndcg.toFixed(4)} (popularity ${r.baseline!.ndcg.toFixed(4)}, x${r.lift!.ndcg.toFixed(3)}); fit ${(ms / 1000).toFixed(1)} s`,
    );
    expect(r.lift!.hitRate).toBeGreaterThanOrEqual(1.3);
    expect(r.lift!.ndcg).toBeGreaterThanOrEqual(1.3);
    m.dispose();
  });
});
