// experimental BPR loop with pluggable positive sampling
import { loadMovieLens, Random } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, bpr, UserItems, Stratifier } from '@wasmml/recommenders';
import { init, tensor, dispose, bprTrainEpoch, mfAdamState } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const which = process.argv[2] === 'test' ? s : v;
const runs = JSON.parse(process.argv[3]);
const d = which.train;
const nu = ml.numUsers, ni = ml.numItems;
const seen = new UserItems(d.users, d.items, nu);
// per-user rows sorted by time
const rowsOf = Array.from({ length: nu }, () => []);
for (let k = 0; k < d.count; k++) rowsOf[d.users[k]].push(k);
for (const r of rowsOf) r.sort((a, b) => d.timestamps[a] - d.timestamps[b] || a - b);
function sampleNeg(rng, u) { for (;;) { const j = rng.int(ni); if (!seen.has(u, j)) return j; } }
for (const run of runs) {
  const o = { epochs: 40, per: 3, lr: 0.05, sampling: 'epoch', decay: 0, alpha: 0, ...run.fit };
  const m = bpr({ numUsers: nu, numItems: ni, seed: 1, ...run.config });
  const rng = new Random(`x${run.seed ?? 0}`);
  // weights per row
  const w = new Float64Array(d.count);
  for (let u = 0; u < nu; u++) {
    const rows = rowsOf[u], n = rows.length;
    const uw = o.sampling === 'user' ? Math.pow(n, o.alpha) / n : 1; // total per user ∝ n^alpha
    rows.forEach((k, pos) => { const age = n - 1 - pos; w[k] = uw * (o.decay ? Math.exp(-age / o.decay) + (o.floor ?? 0) : 1); });
  }
  let tot = 0; for (const x of w) tot += x;
  const cdf = new Float64Array(d.count); let acc = 0; for (let k = 0; k < d.count; k++) { acc += w[k] / tot; cdf[k] = acc; }
  const state = o.adam ? mfAdamState(m.vars) : undefined;
  const rule = { type: o.adam ? 'adam' : 'sgd', learningRate: o.lr, l2: m.l2, biasL2: m.biasL2, biasLearningRate: o.lr };
  const t0 = performance.now();
  const out = [];
  for (let e = 0; e < o.epochs; e++) {
    let idx;
    if (o.sampling === 'epoch' && !o.decay) idx = Int32Array.from({ length: d.count }, (_, k) => k);
    else { idx = new Int32Array(d.count); for (let p = 0; p < d.count; p++) { const x = rng.next(); let lo = 0, hi = d.count - 1; while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] < x) lo = mid + 1; else hi = mid; } idx[p] = lo; } }
    const us = Int32Array.from(idx, (k) => d.users[k]), is = Int32Array.from(idx, (k) => d.items[k]);
    const perm = rng.permutation(us.length);
    const negs = new Int32Array(us.length * o.per);
    for (let p = 0; p < us.length; p++) for (let c = 0; c < o.per; c++) negs[p * o.per + c] = sampleNeg(rng, us[perm[p]]);
    const order = tensor(perm, [perm.length], 'int32'), offsets = tensor(Int32Array.of(0, perm.length), [2], 'int32');
    const U = tensor(us, [us.length], 'int32'), I = tensor(is, [is.length], 'int32'), N = tensor(negs, [us.length, o.per], 'int32');
    const lr = o.lrDecay ? o.lr * Math.pow(o.lrDecay, e) : o.lr;
    bprTrainEpoch(m.vars, { users: U, items: I }, N, { order, offsets, strata: 1, blocks: 1 }, { ...rule, learningRate: lr, biasLearningRate: lr * (o.biasLrMul ?? 1) }, state);
    dispose([order, offsets, U, I, N]);
    if (run.evalEvery && (e + 1) % run.evalEvery === 0) {
      m.observe?.call; // noop
      Object.defineProperty(m, 'seen', { value: seen, writable: true }); 
      const r = evaluateRanking(m, which, { k: 10, baseline: false });
      out.push(`${e + 1}:${r.metrics.hitRate.toFixed(3)}/${r.metrics.ndcg.toFixed(3)}`);
    }
  }
  const ms = performance.now() - t0;
  Object.defineProperty(m, 'seen', { value: seen, writable: true });
  const r = evaluateRanking(m, which, { k: 10 });
  console.log(JSON.stringify(run), `HR ${r.metrics.hitRate.toFixed(4)} x${r.lift.hitRate.toFixed(3)} NDCG ${r.metrics.ndcg.toFixed(4)} x${r.lift.ndcg.toFixed(3)} ${(ms/1000).toFixed(1)}s`, out.join(' '));
  state?.dispose(); m.dispose();
}
