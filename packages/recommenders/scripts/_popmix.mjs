import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, bpr } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const d = v.train, ni = ml.numItems, nu = ml.numUsers;
const pop = new Float32Array(ni); for (const i of d.items) pop[i]++;
for (const cfg of [{ l2: 0.01, biasL2: 0, factors: 128, per: 3 }, { l2: 0.01, factors: 64, per: 1 }]) {
const m = bpr({ numUsers: nu, numItems: ni, seed: 1, ...cfg });
await m.fit(d, { negativeCandidates: cfg.per, epochs: 30 });
const bi = m.vars.itemBias.dataSync();
let line = JSON.stringify(cfg);
for (const lam of [-1, -0.5, -0.25, 0, 0.25, 0.5, 1]) {
  const model = { numUsers: nu, numItems: ni, scorePairs(us, is) {
    const b = m.scorePairs(us, is);
    for (let r = 0; r < us.length; r++) b[r] += lam * Math.log(1 + pop[is[r]]);
    return b;
  } };
  const r = evaluateRanking(model, v, { k: 10 });
  line += ` ${lam}:${r.metrics.hitRate.toFixed(3)}/${r.metrics.ndcg.toFixed(3)}`;
}
console.log(line);
// bias vs log pop correlation
let sx=0,sy=0,sxx=0,syy=0,sxy=0; for (let i=0;i<ni;i++){const x=Math.log(1+pop[i]),y=bi[i];sx+=x;sy+=y;sxx+=x*x;syy+=y*y;sxy+=x*y;}
const n=ni; console.log('corr', ((sxy-sx*sy/n)/Math.sqrt((sxx-sx*sx/n)*(syy-sy*sy/n))).toFixed(3));
}
