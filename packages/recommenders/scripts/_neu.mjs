import { loadMovieLens } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, neuMF } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const which = process.argv[2] === 'test' ? s : v;
for (const run of JSON.parse(process.argv[3])) {
  const m = neuMF({ numUsers: ml.numUsers, numItems: ml.numItems, seed: 1, ...run.config });
  const t0 = performance.now(); const log = [];
  const E = run.fit.epochs ?? 10, every = run.evalEvery ?? E;
  for (let e = 0; e < E; e += every) {
    const t1 = performance.now();
    await m.fit(which.train, { ...run.fit, epochs: every });
    const r = evaluateRanking(m, which, { k: 10, baseline: false });
    log.push(`${e + every}:${r.metrics.hitRate.toFixed(3)}/${r.metrics.ndcg.toFixed(3)}(${((performance.now() - t1) / 1000).toFixed(0)}s)`);
  }
  const r = evaluateRanking(m, which, { k: 10 });
  console.log(JSON.stringify(run), `HR ${r.metrics.hitRate.toFixed(4)} x${r.lift.hitRate.toFixed(3)} NDCG ${r.metrics.ndcg.toFixed(4)} x${r.lift.ndcg.toFixed(3)} ${((performance.now() - t0) / 1000).toFixed(1)}s`, log.join(' '));
  m.dispose();
}
