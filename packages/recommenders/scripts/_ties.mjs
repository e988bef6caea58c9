import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut } from '@wasmml/recommenders';
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const lastT = new Map(); for (let r = 0; r < s.test.count; r++) lastT.set(s.test.users[r], s.test.timestamps[r]);
let tie = 0, within60 = 0, within3600 = 0;
const seenTie = new Set(), s60 = new Set(), s3600 = new Set();
for (let k = 0; k < s.train.count; k++) { const u = s.train.users[k]; const t = lastT.get(u); const dt = t - s.train.timestamps[k]; if (dt === 0) seenTie.add(u); if (dt <= 60) s60.add(u); if (dt <= 3600) s3600.add(u); }
console.log('users', s.test.count, 'tie', seenTie.size, '<=60s', s60.size, '<=1h', s3600.size);
console.log('itemIds sample', ml.itemIds.slice ? Array.from(ml.itemIds.slice(0, 10)) : ml.itemIds);
