import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, itemMeanBaseline } from '@wasmml/recommenders';
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const cnt = new Int32Array(ml.numItems);
for (const i of s.train.items) cnt[i]++;
const buckets = {};
for (const i of s.test.items) { const c = cnt[i]; const b = c === 0 ? '0' : c <= 2 ? '1-2' : c <= 5 ? '3-5' : c<=20 ? '6-20' : '>20'; buckets[b] = (buckets[b] ?? 0) + 1; }
console.log(s.test.count, buckets);
const ic = {}; for (let i=0;i<ml.numItems;i++){const c=cnt[i]; const b = c === 0 ? '0' : c <= 2 ? '1-2' : c <= 5 ? '3-5' : c<=20 ? '6-20' : '>20'; ic[b]=(ic[b]??0)+1;}
console.log('items', ic);
