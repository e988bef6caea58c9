import { loadMovieLens, Random } from '@wasmml/datasets';
import { leaveOneOut, bpr, UserItems } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const d = v.train, ni = ml.numItems, nu = ml.numUsers;
const cnt = new Int32Array(ni); for (const i of d.items) cnt[i]++;
const first = new Float64Array(ni).fill(Infinity); for (let k = 0; k < d.count; k++) first[d.items[k]] = Math.min(first[d.items[k]], d.timestamps[k]);
const m = bpr({ numUsers: nu, numItems: ni, seed: 1, l2: 0.01, biasL2: 0, factors: 128 });
await m.fit(d, { negativeCandidates: 3, epochs: 30 });
const title = (i) => `${ml.movies.get(ml.itemIds[i])?.title ?? i}[${cnt[i]}]`;
const rowsOf = Array.from({ length: nu }, () => []);
for (let k = 0; k < d.count; k++) rowsOf[d.users[k]].push(k);
for (const r of rowsOf) r.sort((a, b) => d.timestamps[a] - d.timestamps[b] || a - b);
const rng = new Random(5);
let shown = 0;
const yr = (t) => new Date(t * 1000).toISOString().slice(0, 10);
for (let r = 0; r < v.test.count && shown < 12; r++) {
  const u = v.test.users[r], i = v.test.items[r];
  if (cnt[i] < 6) continue;
  const negs = []; while (negs.length < 99) { const j = rng.int(ni); if (!m.seenItems(u).includes(j) && j !== i) negs.push(j); }
  const sc = m.scorePairs(new Int32Array(100).fill(u), Int32Array.from([i, ...negs]));
  const rank = Array.from(sc).filter((x) => x > sc[0]).length;
  if (rank < 10) continue;
  shown++;
  const better = negs.map((j, k) => [j, sc[k + 1]]).filter(([, x]) => x > sc[0]).sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(`user ${u} (${rowsOf[u].length} items, last ${yr(v.test.timestamps[r])}) test: ${title(i)} first ${yr(first[i])} rank ${rank}`);
  console.log('   last5:', rowsOf[u].slice(-5).map((k) => `${title(d.items[k])}@${yr(d.timestamps[k])}`).join(' | '));
  console.log('   beat by:', better.map(([j]) => title(j)).join(' | '));
}
