import { describe, expect, it } from 'vitest';
import { memory, tensor, tidy } from '@wasmml/tensor';
import { evaluateRanking, inBatchSoftmaxLoss, randomSplit, twoTower } from '@wasmml/recommenders';
import { randomFloats } from '@wasmml/test-utils';
import { clusteredInteractions, movieLens, movieLensDir } from './helpers.js';

describe('inBatchSoftmaxLoss', () => {
  it('is the softmax cross-entropy of cosine / T - logQ with repeated items masked', () => {
    const n = 5,
      d = 3,
      T = 0.2;
    const U = randomFloats(n * d, 1),
      V = randomFloats(n * d, 2);
    const ids = Int32Array.from([4, 1, 4, 0, 2]);
    const logQ = Float32Array.from([-1, -2, -3, -0.5, -0.25]);
    const got = tidy(() => inBatchSoftmaxLoss(tensor(U, [n, d]), tensor(V, [n, d]), ids, T, logQ).dataSync()[0]!);
    let want = 0;
    for (let r = 0; r < n; r++) {
      // Columns that are negatives of row r, plus r itself.
      const cols = Array.from({ length: n }, (_, c) => c).filter((c) => c === r || ids[c] !== ids[r]);
      const z = cols.map((c) => {
        let s = 0;
        for (let f = 0; f < d; f++) s += U[r * d + f]! * V[c * d + f]!;
        return s / T - logQ[ids[c]!]!;
      });
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
      want += lse - z[cols.indexOf(r)]!;
    }
    expect(got).toBeCloseTo(want / n, 4);
  });
});

describe('twoTower', () => {
  it('towers: id embedding (+ frozen features) -> ReLU -> linear, L2-normalised; scores are dot products', () => {
    const feats = Array.from({ length: 6 }, (_, i) => [i % 2, 1 - (i % 2)]);
    const m = twoTower({ numUsers: 4, numItems: 6, embeddingDim: 3, hiddenUnits: [5], outputDim: 2, itemFeatures: feats, seed: 3 });
    const w = (name: string) => m.itemTower.getLayer(name).weights.map((v) => Array.from(v.dataSync()));
    expect(w('item_features')[0]).toEqual(feats.flat());
    expect(m.itemTower.trainableWeights.map((v) => v.name).some((n) => n.includes('features'))).toBe(false);
    const [E] = w('item_embedding'),
      [K1, B1] = w('item_hidden_1'),
      [K2, B2] = w('item_output');
    const vec = (i: number) => {
      const x = [...E!.slice(i * 3, i * 3 + 3), ...feats[i]!];
      const h = [0, 1, 2, 3, 4].map((o) => Math.max(0, B1![o]! + x.reduce((s, v, j) => s + v * K1![j * 5 + o]!, 0)));
      const y = [0, 1].map((o) => B2![o]! + h.reduce((s, v, j) => s + v * K2![j * 2 + o]!, 0));
      const norm = Math.sqrt(y[0]! ** 2 + y[1]! ** 2 + 1e-12);
      return y.map((v) => v / norm);
    };
    const items = m.allItemVectors();
    for (let i = 0; i < 6; i++) {
      expect(items[i * 2]).toBeCloseTo(vec(i)[0]!, 5);
      expect(items[i * 2 + 1]).toBeCloseTo(vec(i)[1]!, 5);
    }
    const u = m.userVectors([2]);
    const s = m.scorePairs(Int32Array.from([2]), Int32Array.from([4]));
    expect(s[0]).toBeCloseTo(u[0]! * items[8]! + u[1]! * items[9]!, 5);
    m.dispose();
  });

  it('learns taste clusters from in-batch negatives; the frozen features stay fixed', async () => {
    const nu = 80,
      ni = 160,
      clusters = 4;
    const split = randomSplit(clusteredInteractions(nu, ni, 24, clusters, 3), { testFraction: 0.2, seed: 1 });
    const feats = Array.from({ length: ni }, (_, i) => Array.from({ length: clusters }, (_, c) => (i % clusters === c ? 1 : 0)));
    const m = twoTower({ numUsers: nu, numItems: ni, itemFeatures: feats, embeddingDim: 16, outputDim: 16, seed: 2 });
    const h = await m.fit(split.train, { epochs: 14, batchSize: 64, learningRate: 0.01 });
    const mem = memory();
    const h2 = await m.fit(split.train, { epochs: 1, batchSize: 64, learningRate: 0.01 });
    expect(memory().numTensors).toBe(mem.numTensors);
    expect(memory().numBytes).toBe(mem.numBytes);
    expect(h2.history.loss![0]).toBeLessThan(h.history.loss![0]!);
    const r = evaluateRanking(m, split, { protocol: 'full', k: 10 });
    expect(r.lift!.recall).toBeGreaterThan(2);
    expect(Array.from(m.itemTower.getLayer('item_features').weights[0]!.dataSync())).toEqual(feats.flat());
    m.dispose();
  });
});

const mlDir = movieLensDir();
describe.skipIf(!mlDir)('twoTower on MovieLens latest-small, full ranking', () => {
  it('random 80/20 split with genre features: recall@50 above popularity after 3 epochs', async () => {
    const ml = await movieLens(mlDir!);
    const genres = [...new Set([...ml.movies.values()].flatMap((m) => m.genres))];
    const itemFeatures = Array.from(ml.itemIds, (id) => {
      const g = ml.movies.get(id)?.genres ?? [];
      return genres.map((x) => (g.includes(x) ? 1 : 0));
    });
    const s = randomSplit(ml, { testFraction: 0.2, seed: 42 });
    const m = twoTower({ numUsers: ml.numUsers, numItems: ml.numItems, itemFeatures, seed: 1 });
    const t0 = performance.now();
    await m.fit(s.train, { epochs: 3 });
    const ms = performance.now() - t0;
    const r = evaluateRanking(m, s, { protocol: 'full', k: 50 });
    console.log(
      `[MovieLens two-tower, random 80/20] 3 epochs: recall@50 ${r.metrics.recall.toFixed(4)} (popularity ${r.baseline!.recall.toFixed(4)}, x${r.lift!.recall.toFixed(2)}), NDCG@50 ${r.metrics.ndcg.toFixed(4)} (popularity ${r.baseline!.ndcg.toFixed(4)}), coverage ${r.metrics.coverage.toFixed(3)} (popularity ${r.baseline!.coverage.toFixed(3)}); fit ${(ms / 1000).toFixed(1)} s`,
    );
    expect(r.lift!.recall).toBeGreaterThan(1.2);
    m.dispose();
  });
});
