import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, bpr, popularity } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const cnt = new Int32Array(ml.numItems); for (const i of v.train.items) cnt[i]++;
const m = bpr({ numUsers: ml.numUsers, numItems: ml.numItems, seed: 1, l2: 0.01, biasL2: 0 });
await m.fit(v.train, { negativeCandidates: 3, epochs: 40 });
const p = popularity({ numUsers: ml.numUsers, numItems: ml.numItems }).fit(v.train);
const bucket = (c) => c === 0 ? '0' : c <= 2 ? '1-2' : c <= 5 ? '3-5' : c<=20 ? '6-20' : c <= 60 ? '21-60' : '>60';
const stats = {};
for (let r = 0; r < v.test.count; r++) {
  const u = v.test.users[r], i = v.test.items[r];
  const sub = { train: v.train, test: { count: 1, users: Int32Array.of(u), items: Int32Array.of(i) } };
  const e = evaluateRanking(m, sub, { k: 10, seed: r });
  const b = bucket(cnt[i]);
  const st = (stats[b] ??= { n: 0, bpr: 0, pop: 0 });
  st.n++; st.bpr += e.metrics.hitRate; st.pop += e.baseline.hitRate;
}
for (const [b, st] of Object.entries(stats)) console.log(b, st.n, (st.bpr / st.n).toFixed(3), (st.pop / st.n).toFixed(3));
