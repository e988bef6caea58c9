import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, UserItems } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const d = v.train, ni = ml.numItems, nu = ml.numUsers;
const seen = new UserItems(d.users, d.items, nu);
const rowsOf = Array.from({ length: nu }, () => []);
for (let k = 0; k < d.count; k++) rowsOf[d.users[k]].push(k);
for (const r of rowsOf) r.sort((a, b) => d.timestamps[a] - d.timestamps[b] || a - b);
const pop = new Float32Array(ni); for (const i of d.items) pop[i]++;
// item -> users lists
const usersOf = Array.from({ length: ni }, () => []);
for (let k = 0; k < d.count; k++) usersOf[d.items[k]].push(d.users[k]);
// co-occurrence for a set of source items with weights -> scores over all items
function scoresFrom(srcs) {
  const sc = new Float32Array(ni);
  for (const [j, wj] of srcs) {
    for (const u of usersOf[j]) { const its = seen.of(u); const norm = 1 / Math.sqrt(its.length); for (const i of its) sc[i] += wj * norm; }
  }
  // cosine-ish normalisation by item popularity
  for (let i = 0; i < ni; i++) sc[i] = sc[i] / Math.pow(pop[i] + 1, 0.5);
  return sc;
}
for (const L of [5, 20, 100000]) for (const decay of [0, 10]) {
  const cache = new Map();
  const model = { numUsers: nu, numItems: ni, scorePairs(us, is) {
    const out = new Float32Array(us.length);
    for (let r = 0; r < us.length; r++) {
      const u = us[r]; let c = cache.get(u);
      if (!c) { const rows = rowsOf[u].slice(-L); c = scoresFrom(rows.map((k, p) => [d.items[k], decay ? Math.exp(-(rows.length - 1 - p) / decay) : 1])); cache.set(u, c); }
      out[r] = c[is[r]];
    }
    return out;
  } };
  const r = evaluateRanking(model, v, { k: 10 });
  console.log('L', L, 'decay', decay, r.metrics.hitRate.toFixed(3), r.metrics.ndcg.toFixed(3), r.baseline.hitRate.toFixed(3));
}
