import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, bpr, neuMF } from '@wasmml/recommenders';
import { init, backendInfo } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const which = process.argv[2] === 'test' ? s : v;
const runs = JSON.parse(process.argv[3]);
for (const run of runs) {
  const m = bpr({ numUsers: ml.numUsers, numItems: ml.numItems, seed: 1, ...run.config });
  const t0 = performance.now();
  const evals = run.evalEvery ?? 0;
  const epochs = run.fit.epochs ?? 30;
  const out = [];
  if (evals) {
    for (let e = 0; e < epochs; e += evals) {
      await m.fit(which.train, { ...run.fit, epochs: evals });
      const r = evaluateRanking(m, which, { k: 10 });
      out.push(`${e + evals}:${r.metrics.hitRate.toFixed(3)}/${r.metrics.ndcg.toFixed(3)}`);
    }
  } else await m.fit(which.train, run.fit);
  const ms = performance.now() - t0;
  const r = evaluateRanking(m, which, { k: 10 });
  console.log(JSON.stringify(run), `HR ${r.metrics.hitRate.toFixed(4)} x${r.lift.hitRate.toFixed(3)} NDCG ${r.metrics.ndcg.toFixed(4)} x${r.lift.ndcg.toFixed(3)} pop ${r.baseline.hitRate.toFixed(4)}/${r.baseline.ndcg.toFixed(4)} ${(ms/1000).toFixed(1)}s`, out.join(' '));
  m.dispose();
}
