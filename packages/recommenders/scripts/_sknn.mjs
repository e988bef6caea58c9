import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, bpr } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const d = v.train, ni = ml.numItems, nu = ml.numUsers;
const rowsOf = Array.from({ length: nu }, () => []);
for (let k = 0; k < d.count; k++) rowsOf[d.users[k]].push(k);
for (const r of rowsOf) r.sort((a, b) => d.timestamps[a] - d.timestamps[b] || a - b);
const pop = new Float32Array(ni); for (const i of d.items) pop[i]++;
const m = bpr({ numUsers: nu, numItems: ni, seed: 1, l2: 0.01, biasL2: 0, factors: 128 });
await m.fit(d, { negativeCandidates: 3, epochs: 30 });
for (const W of [3, 10, 30]) for (const L of [3, 10]) {
  // sparse transition counts within window W positions (both directions, weight by distance)
  const co = new Map();
  for (const rows of rowsOf) for (let a = 0; a < rows.length; a++) for (let b = Math.max(0, a - W); b < Math.min(rows.length, a + W + 1); b++) if (a !== b) {
    const key = d.items[rows[a]] * ni + d.items[rows[b]]; co.set(key, (co.get(key) ?? 0) + 1 / Math.abs(a - b));
  }
  const cache = new Map();
  const seqScores = (u) => { let c = cache.get(u); if (c) return c; c = new Float32Array(ni); const last = rowsOf[u].slice(-L).map((k) => d.items[k]);
    for (const l of last) for (let i = 0; i < ni; i++) { const x = co.get(l * ni + i); if (x) c[i] += x / Math.sqrt((pop[i] + 1) * (pop[l] + 1)); } cache.set(u, c); return c; };
  let line = `W ${W} L ${L}`;
  for (const lam of [0, 4, 16, 1000]) {
    const model = { numUsers: nu, numItems: ni, scorePairs(us, is) {
      const b = m.scorePairs(us, is);
      for (let r = 0; r < us.length; r++) b[r] = (lam >= 1000 ? 0 : b[r]) + lam * seqScores(us[r])[is[r]];
      return b;
    } };
    const r = evaluateRanking(model, v, { k: 10 });
    line += ` ${lam}:${r.metrics.hitRate.toFixed(3)}/${r.metrics.ndcg.toFixed(3)}`;
  }
  console.log(line);
}
