// NeuMF (+context) with the paper's recipe: pre-train GMF and MLP, init NeuMF, fine-tune (experiment)
import { loadMovieLens, Random } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, UserItems } from '@wasmml/recommenders';
import { input, layers, losses, model as fm, initializers, regularizers } from '@wasmml/layers';
import { adam, sgd } from '@wasmml/optimizers';
import { init, tensor, tidy, dispose, mul, scalar } from '@wasmml/tensor';
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
  const o = { gmf: 16, mlp: [64, 32, 16], L: 5, sym: 5, batch: 2048, neg: 4, l2: 0, preEpochs: 10, preLr: 0.002, fineEpochs: 8, fineLr: 0.002, fineOpt: 'adam', alpha: 0.5, ...run };
  const L = o.L, W = L + o.sym;
  let sd = 7; const seed = () => ++sd;
  const emb = (n, dim, name, mask) => layers.embedding({ inputDim: n, outputDim: dim, name, maskZero: !!mask, embeddingsInitializer: initializers.randomNormal({ stddev: 0.01, seed: seed() }), ...(o.l2 ? { embeddingsRegularizer: regularizers.l2({ l2: o.l2 }) } : {}) });
  const flat = (x) => layers.flatten().apply(x);
  const pool = (t) => layers.globalAveragePooling1d().apply(t);
  function build(kind) {
    const user = input({ shape: [1], dtype: 'int32', name: 'user' }), item = input({ shape: [1], dtype: 'int32', name: 'item' });
    const ctx = L ? input({ shape: [W], dtype: 'int32', name: 'ctx' }) : null;
    const heads = [];
    if (kind !== 'mlp') {
      let gu = flat(emb(nu, o.gmf, 'gu').apply(user));
      if (ctx) gu = layers.add().apply([gu, pool(emb(ni + 1, o.gmf, 'gc', true).apply(ctx))]);
      heads.push(layers.multiply().apply([gu, flat(emb(ni, o.gmf, 'gi').apply(item))]));
    }
    if (kind !== 'gmf') {
      const half = o.mlp[0] / 2;
      let mu = flat(emb(nu, half, 'mu').apply(user));
      if (ctx) mu = layers.add().apply([mu, pool(emb(ni + 1, half, 'mc', true).apply(ctx))]);
      let h = layers.concatenate().apply([mu, flat(emb(ni, half, 'mi').apply(item))]);
      o.mlp.slice(1).forEach((units, l) => { h = layers.dense({ units, activation: 'relu', name: `d${l}`, kernelInitializer: initializers.glorotUniform({ seed: seed() }) }).apply(h); });
      heads.push(h);
    }
    const joined = heads.length > 1 ? layers.concatenate().apply(heads) : heads[0];
    const out = layers.dense({ units: 1, name: 'pred', kernelInitializer: initializers.lecunUniform({ seed: seed() }) }).apply(joined);
    return fm({ inputs: ctx ? [user, item, ctx] : [user, item], outputs: out });
  }
  const rng = new Random('n1');
  const ctxRow = (u, p, outArr, at) => { const rows = rowsOf[u]; let w = 0; for (let q = Math.max(0, p - L); q < p; q++) outArr[at + w++] = d.items[rows[q]] + 1; for (let q = p + 1; q < Math.min(rows.length, p + 1 + o.sym); q++) outArr[at + w++] = d.items[rows[q]] + 1; };
  const evalNow = (net) => {
    const model = { numUsers: nu, numItems: ni, scorePairs(us, is) {
      const n = us.length; const C = new Int32Array(n * W);
      if (L) for (let r = 0; r < n; r++) ctxRow(us[r], rowsOf[us[r]].length, C, r * W);
      return tidy(() => net.predict([tensor(us, [n, 1], 'int32'), tensor(is, [n, 1], 'int32'), ...(L ? [tensor(C, [n, W], 'int32')] : [])], { batchSize: 8192 }).dataSync());
    } };
    const r = evaluateRanking(model, which, { k: 10 });
    return r;
  };
  async function train(net, epochs, tag, log) {
    for (let e = 0; e < epochs; e++) {
      const n = d.count * (1 + o.neg);
      const U = new Int32Array(n), I = new Int32Array(n), Y = new Float32Array(n), C = new Int32Array(n * W);
      const perm = rng.permutation(n); let w = 0;
      const cand = o.cand ?? 1;
      let best = null;
      if (cand > 1) {
        // score cand candidates per negative slot with the current net; keep the best
        const m = d.count * o.neg * cand;
        const cu = new Int32Array(m), ci = new Int32Array(m), cc = new Int32Array(m * W);
        let q = 0;
        for (let k = 0; k < d.count; k++) { const u = d.users[k]; for (let c = 0; c < o.neg * cand; c++) { let it; do it = rng.int(ni); while (seen.has(u, it)); cu[q] = u; ci[q] = it; if (L) ctxRow(u, posInUser[k], cc, q * W); q++; } }
        const sc = tidy(() => net.predict([tensor(cu, [m, 1], 'int32'), tensor(ci, [m, 1], 'int32'), ...(L ? [tensor(cc, [m, W], 'int32')] : [])], { batchSize: 16384 }).dataSync());
        best = new Int32Array(d.count * o.neg);
        for (let t = 0; t < d.count * o.neg; t++) { let b = t * cand; for (let c = 1; c < cand; c++) if (sc[t * cand + c] > sc[b]) b = t * cand + c; best[t] = ci[b]; }
      }
      for (let k = 0; k < d.count; k++) {
        const u = d.users[k];
        for (let c = 0; c <= o.neg; c++) {
          const at = perm[w++]; let it = d.items[k];
          if (c > 0) { if (best) it = best[k * o.neg + c - 1]; else do it = rng.int(ni); while (seen.has(u, it)); }
          U[at] = u; I[at] = it; Y[at] = c === 0 ? 1 : 0; if (L) ctxRow(u, posInUser[k], C, at * W);
        }
      }
      const xs = [tensor(U, [n, 1], 'int32'), tensor(I, [n, 1], 'int32'), ...(L ? [tensor(C, [n, W], 'int32')] : [])], y = tensor(Y, [n, 1], 'float32');
      await net.fit(xs, y, { epochs: 1, batchSize: o.batch, shuffle: false, verbose: 0 });
      dispose([...xs, y]);
      if (o.evalEvery && (e + 1) % o.evalEvery === 0) { const r = evalNow(net); log.push(`${tag}${e + 1}:${r.metrics.hitRate.toFixed(3)}/${r.metrics.ndcg.toFixed(3)}`); }
    }
  }
  const t0 = performance.now(); const log = [];
  const bce = losses.binaryCrossentropy({ fromLogits: true });
  if (o.direct) {
    const net = build('both'); net.compile({ optimizer: adam(o.preLr), loss: bce }); await train(net, o.preEpochs, 'D', log);
    const r = evalNow(net);
    console.log(JSON.stringify(run), `HR ${r.metrics.hitRate.toFixed(4)} x${r.lift.hitRate.toFixed(3)} NDCG ${r.metrics.ndcg.toFixed(4)} x${r.lift.ndcg.toFixed(3)} ${((performance.now() - t0) / 1000).toFixed(1)}s`, log.join(' '));
    net.dispose(); continue;
  }
  const g = build('gmf'); g.compile({ optimizer: adam(o.preLr), loss: bce }); await train(g, o.preEpochs, 'G', log);
  log.push(`G=${evalNow(g).metrics.hitRate.toFixed(3)}`);
  const m = build('mlp'); m.compile({ optimizer: adam(o.preLr), loss: bce }); await train(m, o.preEpochs, 'M', log);
  log.push(`M=${evalNow(m).metrics.hitRate.toFixed(3)}`);
  const nm = build('both');
  for (const name of ['gu', 'gc', 'gi']) if (L || name !== 'gc') nm.getLayer(name).setWeights(g.getLayer(name).getWeights());
  for (const name of ['mu', 'mc', 'mi', ...o.mlp.slice(1).map((_, l) => `d${l}`)]) if (L || name !== 'mc') nm.getLayer(name).setWeights(m.getLayer(name).getWeights());
  const [gk, gb] = g.getLayer('pred').getWeights(), [mk, mb] = m.getLayer('pred').getWeights();
  const kk = new Float32Array([...Array.from(gk.dataSync(), (x) => x * o.alpha), ...Array.from(mk.dataSync(), (x) => x * (1 - o.alpha))]);
  const bb = new Float32Array([o.alpha * gb.dataSync()[0] + (1 - o.alpha) * mb.dataSync()[0]]);
  const tk = tensor(kk, [kk.length, 1], 'float32'), tb = tensor(bb, [1], 'float32');
  nm.getLayer('pred').setWeights([tk, tb]); dispose([tk, tb]);
  log.push(`init=${evalNow(nm).metrics.hitRate.toFixed(3)}`);
  nm.compile({ optimizer: o.fineOpt === 'sgd' ? sgd(o.fineLr) : adam(o.fineLr), loss: bce });
  await train(nm, o.fineEpochs, 'N', log);
  const r = evalNow(nm);
  console.log(JSON.stringify(run), `HR ${r.metrics.hitRate.toFixed(4)} x${r.lift.hitRate.toFixed(3)} NDCG ${r.metrics.ndcg.toFixed(4)} x${r.lift.ndcg.toFixed(3)} ${((performance.now() - t0) / 1000).toFixed(1)}s`, log.join(' '));
  g.dispose(); m.dispose(); nm.dispose();
}
