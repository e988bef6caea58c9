// BPR with context via the kernel (experiment)
import { loadMovieLens, Random } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, UserItems } from '@wasmml/recommenders';
import { init, tensor, dispose, bprTrainEpoch, variable } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const which = process.argv[2] === 'test' ? s : v;
const d = which.train, ni = ml.numItems, nu = ml.numUsers;
const seen = new UserItems(d.users, d.items, nu);
const rowsOf = Array.from({ length: nu }, () => []);
for (let k = 0; k < d.count; k++) rowsOf[d.users[k]].push(k);
for (const r of rowsOf) r.sort((a, b) => d.timestamps[a] - d.timestamps[b] || a - b);
const posInUser = new Int32Array(d.count); for (const r of rowsOf) r.forEach((k, p) => (posInUser[k] = p));
for (const run of JSON.parse(process.argv[3])) {
  const o = { k: 64, L: 5, epochs: 40, lr: 0.05, reg: 0.01, regB: 0, regS: 0.0001, per: 3, std: 0.1, sStd: 0.1, sym: 0, seed: 1, ...run };
  const rng = new Random(`c${o.seed}`), K = o.k, L = o.L;
  const nrm = (n, sd) => Float32Array.from({ length: n }, () => rng.normal() * sd);
  const V = (a, shape) => { const t = tensor(a, shape, 'float32'); const x = variable(t, false); t.dispose(); return x; };
  const vars = { userFactors: V(nrm(nu * K, o.std), [nu, K]), itemFactors: V(nrm(ni * K, o.std), [ni, K]), itemBias: V(new Float32Array(ni), [ni]) };
  const S = V(nrm(ni * K, o.sStd), [ni, K]);
  const W = L + (o.sym || 0);
  const C = new Int32Array(d.count * Math.max(W, 1)).fill(-1);
  for (let k = 0; k < d.count; k++) { const u = d.users[k], rows = rowsOf[u], p = posInUser[k]; let w = 0;
    for (let q = Math.max(0, p - L); q < p; q++) C[k * W + w++] = d.items[rows[q]];
    for (let q = p + 1; q < Math.min(rows.length, p + 1 + (o.sym || 0)); q++) C[k * W + w++] = d.items[rows[q]]; }
  const Ct = L ? tensor(C, [d.count, W], 'int32') : null;
  const U = tensor(d.users, [d.count], 'int32'), I = tensor(d.items, [d.count], 'int32');
  const t0 = performance.now(); const log = [];
  const evalNow = () => {
    const P = vars.userFactors.dataSync(), Q = vars.itemFactors.dataSync(), B = vars.itemBias.dataSync(), Sd = S.dataSync();
    const eff = new Float32Array(nu * K);
    for (let u = 0; u < nu; u++) { const rows = rowsOf[u]; const last = L ? rows.slice(-L) : []; for (let f = 0; f < K; f++) { let c = 0; for (const kk of last) c += Sd[d.items[kk] * K + f]; eff[u * K + f] = P[u * K + f] + (last.length ? c / last.length : 0); } }
    const model = { numUsers: nu, numItems: ni, scorePairs(us, is) { const out = new Float32Array(us.length); for (let r = 0; r < us.length; r++) { let x = B[is[r]]; for (let f = 0; f < K; f++) x += eff[us[r] * K + f] * Q[is[r] * K + f]; out[r] = x; } return out; } };
    return evaluateRanking(model, which, { k: 10 });
  };
  for (let e = 0; e < o.epochs; e++) {
    const perm = rng.permutation(d.count);
    const negs = new Int32Array(d.count * o.per);
    for (let p = 0; p < d.count; p++) { const u = d.users[perm[p]]; for (let c = 0; c < o.per; c++) { let j; do j = rng.int(ni); while (seen.has(u, j)); negs[p * o.per + c] = j; } }
    const order = tensor(perm, [d.count], 'int32'), offsets = tensor(Int32Array.of(0, d.count), [2], 'int32'), N = tensor(negs, [d.count, o.per], 'int32');
    const lr = o.lrDecay ? o.lr * Math.pow(o.lrDecay, e) : o.lr;
    bprTrainEpoch(vars, { users: U, items: I }, N, { order, offsets, strata: 1, blocks: 1 }, { type: 'sgd', learningRate: lr, l2: o.reg, biasL2: o.regB }, undefined, L ? { factors: S, items: Ct, l2: o.regS } : undefined);
    dispose([order, offsets, N]);
    if (o.evalEvery && (e + 1) % o.evalEvery === 0) { const r = evalNow(); log.push(`${e + 1}:${r.metrics.hitRate.toFixed(3)}/${r.metrics.ndcg.toFixed(3)}`); }
  }
  const ms = performance.now() - t0;
  const r = evalNow();
  console.log(JSON.stringify(run), `HR ${r.metrics.hitRate.toFixed(4)} x${r.lift.hitRate.toFixed(3)} NDCG ${r.metrics.ndcg.toFixed(4)} x${r.lift.ndcg.toFixed(3)} pop ${r.baseline.hitRate.toFixed(3)} ${(ms / 1000).toFixed(1)}s`, log.join(' '));
  dispose([...Object.values(vars), S, U, I, ...(Ct ? [Ct] : [])]);
}
