import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, Recommender } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const d = v.train;
const last = new Float64Array(ml.numUsers);
for (let k = 0; k < d.count; k++) last[d.users[k]] = Math.max(last[d.users[k]], d.timestamps[k]);
for (const W of [30, 180, 365, 3*365]) {
  const w = W * 86400;
  const model = { numUsers: ml.numUsers, numItems: ml.numItems, scorePairs(us, is) {
    const out = new Float32Array(us.length);
    // per user cache
    const cache = new Map();
    for (let r = 0; r < us.length; r++) {
      const u = us[r];
      let c = cache.get(u);
      if (!c) { c = new Float32Array(ml.numItems); for (let k = 0; k < d.count; k++) { const dt = Math.abs(d.timestamps[k] - last[u]); c[d.items[k]] += Math.exp(-dt / w) ; } cache.set(u, c); }
      out[r] = c[is[r]];
    }
    return out;
  } };
  const r = evaluateRanking(model, v, { k: 10 });
  console.log(W, r.metrics.hitRate.toFixed(3), r.metrics.ndcg.toFixed(3), r.baseline.hitRate.toFixed(3));
}
