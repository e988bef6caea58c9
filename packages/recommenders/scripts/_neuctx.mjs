// NeuMF with an optional recent-item context (experiment)
import { loadMovieLens, Random } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, UserItems } from '@wasmml/recommenders';
import { input, layers, losses, model as fm, initializers, regularizers } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { init, tensor, tidy, dispose } from '@wasmml/tensor';
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
  const o = { gmf: 16, mlp: [64, 32, 16], L: 5, epochs: 10, batch: 2048, lr: 0.005, neg: 4, l2: 0, ctxMode: 'add', ...run };
  const L = o.L;
  let sd = 7; const seed = () => ++sd;
  const reg = o.l2 ? regularizers.l2({ l2: o.l2 }) : undefined;
  const emb = (n, dim, name, mask) => layers.embedding({ inputDim: n, outputDim: dim, name, maskZero: !!mask, embeddingsInitializer: initializers.randomNormal({ stddev: 0.01, seed: seed() }), ...(reg ? { embeddingsRegularizer: reg } : {}) });
  const user = input({ shape: [1], dtype: 'int32', name: 'user' }), item = input({ shape: [1], dtype: 'int32', name: 'item' });
  const W = L + (o.sym || 0);
  const ctx = L ? input({ shape: [W], dtype: 'int32', name: 'ctx' }) : null;
  const flat = (x) => layers.flatten().apply(x);
  const pool = (t) => layers.globalAveragePooling1d().apply(t);
  let gu = flat(emb(nu, o.gmf, 'gu').apply(user));
  if (ctx) gu = layers.add().apply([gu, pool(emb(ni + 1, o.gmf, 'gc', true).apply(ctx))]);
  const g = layers.multiply().apply([gu, flat(emb(ni, o.gmf, 'gi').apply(item))]);
  const half = o.mlp[0] / 2;
  let mu = flat(emb(nu, half, 'mu').apply(user));
  const mparts = [mu, flat(emb(ni, half, 'mi').apply(item))];
  if (ctx) { const mc = pool(emb(ni + 1, half, 'mc', true).apply(ctx)); if (o.ctxMode === 'add') mparts[0] = layers.add().apply([mu, mc]); else mparts.push(mc); }
  let h = layers.concatenate().apply(mparts);
  for (const units of o.mlp.slice(1)) h = layers.dense({ units, activation: 'relu', kernelInitializer: initializers.glorotUniform({ seed: seed() }) }).apply(h);
  const out = layers.dense({ units: 1, kernelInitializer: initializers.lecunUniform({ seed: seed() }) }).apply(layers.concatenate().apply([g, h]));
  const net = fm({ inputs: ctx ? [user, item, ctx] : [user, item], outputs: out });
  net.compile({ optimizer: adam(o.lr), loss: losses.binaryCrossentropy({ fromLogits: true }) });
  const rng = new Random('n1');
  const ctxRow = (u, p, outArr, at) => { const rows = rowsOf[u]; let w = 0; for (let q = Math.max(0, p - L); q < p; q++) outArr[at + w++] = d.items[rows[q]] + 1; for (let q = p + 1; q < Math.min(rows.length, p + 1 + (o.sym || 0)); q++) outArr[at + w++] = d.items[rows[q]] + 1; };
  const t0 = performance.now(); const log = [];
  const evalNow = () => {
    const model = { numUsers: nu, numItems: ni, scorePairs(us, is) {
      const n = us.length; const C = new Int32Array(n * W);
      if (L) for (let r = 0; r < n; r++) ctxRow(us[r], rowsOf[us[r]].length, C, r * W);
      return tidy(() => net.predict([tensor(us, [n, 1], 'int32'), tensor(is, [n, 1], 'int32'), ...(L ? [tensor(C, [n, W], 'int32')] : [])], { batchSize: 8192 }).dataSync());
    } };
    return evaluateRanking(model, which, { k: 10 });
  };
  for (let e = 0; e < o.epochs; e++) {
    const n = d.count * (1 + o.neg);
    const U = new Int32Array(n), I = new Int32Array(n), Y = new Float32Array(n), C = new Int32Array(n * W);
    const perm = rng.permutation(n); let w = 0;
    for (let k = 0; k < d.count; k++) {
      const u = d.users[k];
      for (let c = 0; c <= o.neg; c++) {
        const at = perm[w++]; let it = d.items[k];
        if (c > 0) { do it = rng.int(ni); while (seen.has(u, it)); }
        U[at] = u; I[at] = it; Y[at] = c === 0 ? 1 : 0; if (L) ctxRow(u, posInUser[k], C, at * W);
      }
    }
    const xs = [tensor(U, [n, 1], 'int32'), tensor(I, [n, 1], 'int32'), ...(L ? [tensor(C, [n, W], 'int32')] : [])], y = tensor(Y, [n, 1], 'float32');
    await net.fit(xs, y, { epochs: 1, batchSize: o.batch, shuffle: false, verbose: 0 });
    dispose([...xs, y]);
    if (o.evalEvery && (e + 1) % o.evalEvery === 0) { const r = evalNow(); log.push(`${e + 1}:${r.metrics.hitRate.toFixed(3)}/${r.metrics.ndcg.toFixed(3)}`); }
  }
  const r = evalNow();
  console.log(JSON.stringify(run), `HR ${r.metrics.hitRate.toFixed(4)} x${r.lift.hitRate.toFixed(3)} NDCG ${r.metrics.ndcg.toFixed(4)} x${r.lift.ndcg.toFixed(3)} ${((performance.now() - t0) / 1000).toFixed(1)}s`, log.join(' '));
  net.dispose();
}
