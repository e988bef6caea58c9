import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, bpr, UserItems } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const d = v.train, ni = ml.numItems, nu = ml.numUsers;
const seen = new UserItems(d.users, d.items, nu);
const pop = new Float32Array(ni); for (const i of d.items) pop[i]++;
const usersOf = Array.from({ length: ni }, () => []);
for (let k = 0; k < d.count; k++) usersOf[d.items[k]].push(d.users[k]);
const ms = [];
for (const seed of [1, 2, 3]) { const m = bpr({ numUsers: nu, numItems: ni, seed, l2: 0.01, biasL2: 0, factors: 128 }); await m.fit(d, { negativeCandidates: 3, epochs: 30 }); ms.push(m); }
const cache = new Map();
const knn = (u) => { let c = cache.get(u); if (c) return c; c = new Float32Array(ni); for (const j of seen.of(u)) for (const w of usersOf[j]) { const its = seen.of(w); const nn = 1 / Math.sqrt(its.length); for (const i of its) c[i] += nn; }
  let mx = 0; for (let i = 0; i < ni; i++) { c[i] /= Math.sqrt(pop[i] + 1); mx = Math.max(mx, c[i]); } for (let i = 0; i < ni; i++) c[i] /= mx; cache.set(u, c); return c; };
const ev = (f) => { const r = evaluateRanking({ numUsers: nu, numItems: ni, scorePairs: f }, v, { k: 10 }); return `${r.metrics.hitRate.toFixed(3)}/${r.metrics.ndcg.toFixed(3)}`; };
console.log('bpr seeds', ms.map((m) => ev((u, i) => m.scorePairs(u, i))).join(' '));
console.log('bpr x3 avg', ev((u, i) => { const a = ms.map((m) => m.scorePairs(u, i)); return a[0].map((x, r) => x + a[1][r] + a[2][r]); }));
for (const lam of [2, 4, 8, 16]) console.log('bpr+knn', lam, ev((us, is) => { const b = ms[0].scorePairs(us, is); for (let r = 0; r < us.length; r++) b[r] += lam * knn(us[r])[is[r]]; return b; }));
