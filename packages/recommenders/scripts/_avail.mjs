import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, bpr } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const d = v.train, ni = ml.numItems, nu = ml.numUsers;
const first = new Float64Array(ni).fill(Infinity); for (let k = 0; k < d.count; k++) first[d.items[k]] = Math.min(first[d.items[k]], d.timestamps[k]);
const lastT = new Float64Array(nu); for (let k = 0; k < d.count; k++) lastT[d.users[k]] = Math.max(lastT[d.users[k]], d.timestamps[k]);
// how many val items have first > user's last train time?
let late = 0; for (let r = 0; r < v.test.count; r++) if (first[v.test.items[r]] > lastT[v.test.users[r]]) late++;
console.log('val items first seen after user time', late, 'of', v.test.count);
const m = bpr({ numUsers: nu, numItems: ni, seed: 1, l2: 0.01, biasL2: 0, factors: 128 });
await m.fit(d, { negativeCandidates: 3, epochs: 30 });
for (const slackDays of [-1, 0, 30, 365]) {
  const model = { numUsers: nu, numItems: ni, scorePairs(us, is) {
    const b = m.scorePairs(us, is);
    if (slackDays >= 0) for (let r = 0; r < us.length; r++) if (first[is[r]] > lastT[us[r]] + slackDays * 86400) b[r] -= 100;
    return b;
  } };
  const r = evaluateRanking(model, v, { k: 10 });
  console.log(slackDays, r.metrics.hitRate.toFixed(3), r.metrics.ndcg.toFixed(3));
}
