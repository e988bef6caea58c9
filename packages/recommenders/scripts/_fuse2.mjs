import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, UserItems, bpr } from '@wasmml/recommenders';
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
const usersOf = Array.from({ length: ni }, () => []);
for (let k = 0; k < d.count; k++) usersOf[d.items[k]].push(d.users[k]);
function scoresFrom(srcs) {
  const sc = new Float32Array(ni);
  for (const [j, wj] of srcs) for (const u of usersOf[j]) { const its = seen.of(u); const norm = 1 / Math.sqrt(its.length); for (const i of its) sc[i] += wj * norm; }
  let mx = 0; for (let i = 0; i < ni; i++) { sc[i] = sc[i] / Math.pow(pop[i] + 1, 0.5); mx = Math.max(mx, sc[i]); }
  for (let i = 0; i < ni; i++) sc[i] /= mx || 1;
  return sc;
}
const m = bpr({ numUsers: nu, numItems: ni, seed: 1, l2: 0.01, biasL2: 0, factors: 128 });
await m.fit(d, { negativeCandidates: 3, epochs: 30 });
const cache = new Map();
for (const lam of [0, 1, 2, 4, 8, 16]) {
  const model = { numUsers: nu, numItems: ni, scorePairs(us, is) {
    const b = m.scorePairs(us, is);
    for (let r = 0; r < us.length; r++) { const u = us[r]; let c = cache.get(u); if (!c) { c = scoresFrom(rowsOf[u].slice(-5).map((k) => [d.items[k], 1])); cache.set(u, c); } b[r] += lam * c[is[r]]; }
    return b;
  } };
  const r = evaluateRanking(model, v, { k: 10 });
  console.log(lam, r.metrics.hitRate.toFixed(3), r.metrics.ndcg.toFixed(3));
}
