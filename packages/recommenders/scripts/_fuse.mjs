import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, bpr } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const d = v.train;
const last = new Float64Array(ml.numUsers);
for (let k = 0; k < d.count; k++) last[d.users[k]] = Math.max(last[d.users[k]], d.timestamps[k]);
const m = bpr({ numUsers: ml.numUsers, numItems: ml.numItems, seed: 1, l2: 0.01, biasL2: 0, factors: 128 });
await m.fit(d, { negativeCandidates: 3, epochs: 30 });
const w = 365 * 86400;
const cache = new Map();
const tp = (u) => { let c = cache.get(u); if (!c) { c = new Float32Array(ml.numItems); for (let k = 0; k < d.count; k++) c[d.items[k]] += Math.exp(-Math.abs(d.timestamps[k] - last[u]) / w); cache.set(u, c); } return c; };
const pop = new Float32Array(ml.numItems); for (const i of d.items) pop[i]++;
for (const lam of [0, 0.25, 0.5, 1, 2]) {
  const model = { numUsers: ml.numUsers, numItems: ml.numItems, scorePairs(us, is) {
    const b = m.scorePairs(us, is);
    for (let r = 0; r < us.length; r++) b[r] += lam * (Math.log(1 + tp(us[r])[is[r]]) - Math.log(1 + pop[is[r]]));
    return b;
  } };
  const r = evaluateRanking(model, v, { k: 10 });
  console.log(lam, r.metrics.hitRate.toFixed(3), r.metrics.ndcg.toFixed(3));
}
