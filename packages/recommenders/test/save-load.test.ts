import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bpr,
  loadRecommender,
  matrixFactorization,
  MatrixFactorization,
  neuMF,
  popularity,
  randomSplit,
  twoTower,
  type Recommender,
} from '@wasmml/recommenders';
import { clusteredInteractions, lowRankRatings } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wasmml-recs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nu = 30,
  ni = 40;
const implicit = clusteredInteractions(nu, ni, 8, 2, 1);
const ratings = lowRankRatings(nu, ni, 8, 2);
const itemIds = Array.from({ length: ni }, (_, i) => `item-${i}`);
const userIds = Array.from({ length: nu }, (_, u) => u * 10);
const feats = Array.from({ length: ni }, (_, i) => [i % 2, (i >> 1) % 2]);

const makers: Array<[string, () => Promise<Recommender>]> = [
  ['popularity', async () => popularity({ numUsers: nu, numItems: ni, itemIds }).fit(implicit)],
  [
    'matrixFactorization',
    async () => {
      const m = matrixFactorization({ numUsers: nu, numItems: ni, factors: 6, itemIds, userIds, seed: 1 });
      await m.fit(ratings, { epochs: 3 });
      return m;
    },
  ],
  [
    'bpr',
    async () => {
      const m = bpr({ numUsers: nu, numItems: ni, factors: 6, itemIds, seed: 1 });
      await m.fit(implicit, { epochs: 3 });
      return m;
    },
  ],
  [
    'neuMF',
    async () => {
      const m = neuMF({ numUsers: nu, numItems: ni, gmfDim: 4, mlpLayers: [8, 4], seed: 1 });
      await m.fit(implicit, { epochs: 2 });
      return m;
    },
  ],
  // The context models also save each user's latest items (what serving adds to the user).
  [
    'bpr (recent context)',
    async () => {
      const m = bpr({ numUsers: nu, numItems: ni, factors: 6, itemIds, seed: 1, userContext: 'recent', contextLength: 3 });
      await m.fit(implicit, { epochs: 3 });
      return m;
    },
  ],
  [
    'neuMF (recent context)',
    async () => {
      const m = neuMF({ numUsers: nu, numItems: ni, gmfDim: 4, mlpLayers: [8, 4], seed: 1, userContext: 'recent', contextLength: 3 });
      await m.fit(implicit, { epochs: 1, pretrainEpochs: 2 });
      return m;
    },
  ],
  [
    'twoTower',
    async () => {
      const m = twoTower({ numUsers: nu, numItems: ni, embeddingDim: 4, hiddenUnits: [6], outputDim: 4, itemFeatures: feats, seed: 1 });
      await m.fit(implicit, { epochs: 2, batchSize: 32 });
      return m;
    },
  ],
];

describe('save and load', () => {
  for (const [name, make] of makers) {
    const kind = name.split(' ')[0]!;
    it(`${name}: a directory round trip keeps scores, recommendations, id maps and seen items`, async () => {
      const m = await make();
      const where = join(dir, name.replace(/\W+/g, '-'));
      await m.save(where);
      const back = await loadRecommender(where);
      expect(back.kind).toBe(kind);
      expect(back.constructor).toBe(m.constructor);
      const users = [0, 3, 29, -1];
      expect(back.scoreItems(users)).toEqual(m.scoreItems(users));
      expect(back.recommendBatch(users, 5)).toEqual(m.recommendBatch(users, 5));
      expect(back.similarItems(2, 4)).toEqual(m.similarItems(2, 4));
      expect(back.seenItems(3)).toEqual(m.seenItems(3));
      expect(back.itemIds?.toArray()).toEqual(m.itemIds?.toArray());
      expect(back.userIds?.toArray()).toEqual(m.userIds?.toArray());
      if (m instanceof MatrixFactorization) {
        const b = back as MatrixFactorization;
        expect(b.predict([1, 2], [3, 4])).toEqual(m.predict([1, 2], [3, 4]));
        expect(b.globalMean).toBe(m.globalMean);
        expect(b.ratingRange).toEqual(m.ratingRange);
      }
      // The in-memory form loads the same.
      const viaArtifacts = await loadRecommender(m.toArtifacts());
      expect(viaArtifacts.scoreItems([5])).toEqual(m.scoreItems([5]));
      [m, back, viaArtifacts].forEach((x) => x.dispose());
    });
  }

  it('writes atomically: one model.json and one weights file after repeated saves, no temporaries', async () => {
    const m = matrixFactorization({ numUsers: nu, numItems: ni, factors: 3, seed: 2 });
    await m.fit(ratings, { epochs: 1 });
    const where = join(dir, 'repeat');
    await m.save(where);
    await m.fit(ratings, { epochs: 1 });
    await m.save(where);
    const files = readdirSync(where).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('model.json');
    expect(files[1]).toMatch(/^weights-.*\.bin$/);
    const meta = JSON.parse(readFileSync(join(where, 'model.json'), 'utf8'));
    expect(meta.format).toBe('wasmml-recommender');
    expect(meta.weightsFile).toBe(files[1]);
    const back = (await loadRecommender(where)) as MatrixFactorization;
    expect(back.predict([1], [2])).toEqual(m.predict([1], [2]));
    [m, back].forEach((x) => x.dispose());
  });

  it('reports damaged or foreign files clearly', async () => {
    const m = popularity({ numUsers: nu, numItems: ni }).fit(implicit);
    const where = join(dir, 'damaged');
    await m.save(where);
    const meta = JSON.parse(readFileSync(join(where, 'model.json'), 'utf8'));
    writeFileSync(join(where, meta.weightsFile), new Uint8Array(3));
    await expect(loadRecommender(where)).rejects.toThrow(/the weights hold 3 bytes, the metadata expects \d+/);
    writeFileSync(join(where, 'model.json'), JSON.stringify({ ...meta, format: 'something-else' }));
    await expect(loadRecommender(where)).rejects.toThrow(/not a wasmml recommender/);
    await expect(loadRecommender(join(dir, 'missing'))).rejects.toThrow(/cannot read .*model.json/);
    const a = m.toArtifacts();
    a.meta.kind = 'mystery';
    await expect(loadRecommender(a)).rejects.toThrow(/unknown model kind 'mystery'/);
  });

  it('a random split model saved mid-way still recommends the same after load', async () => {
    const s = randomSplit(implicit, { seed: 4 });
    const m = bpr({ numUsers: nu, numItems: ni, factors: 4, seed: 3 });
    await m.fit(s.train, { epochs: 2 });
    const back = await loadRecommender(m.toArtifacts());
    expect(back.recommend(4, 3)).toEqual(m.recommend(4, 3));
    [m, back].forEach((x) => x.dispose());
  });
});
