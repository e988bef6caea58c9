// JS prototype: BPR-MF with an optional FPMC-style recent-item context and WARP-style sampling.
import { loadMovieLens, Random } from '@wasmml/datasets';
import { leaveOneOut, evaluateRanking, UserItems } from '@wasmml/recommenders';
import { init } from '@wasmml/tensor';
await init();
const ml = await loadMovieLens({ source: '/work/shared/datasets/movielens-latest-small' });
const s = leaveOneOut(ml, { by: 'time' });
const v = leaveOneOut(s.train, { by: 'time' });
const which = process.argv[2] === 'test' ? s : v;
const runs = JSON.parse(process.argv[3]);
const d = which.train, ni = ml.numItems, nu = ml.numUsers;
const seen = new UserItems(d.users, d.items, nu);
const rowsOf = Array.from({ length: nu }, () => []);
for (let k = 0; k < d.count; k++) rowsOf[d.users[k]].push(k);
for (const r of rowsOf) r.sort((a, b) => d.timestamps[a] - d.timestamps[b] || a - b);
const posInUser = new Int32Array(d.count);
for (const r of rowsOf) r.forEach((k, p) => (posInUser[k] = p));
for (const run of runs) {
  const o = { k: 64, L: 0, epochs: 30, lr: 0.05, reg: 0.01, regB: 0, per: 3, std: 0.1, shared: true, ctxW: 1, regT: 0.01, ...run };
  const rng = new Random(`p${o.seed ?? 1}`);
  const K = o.k;
  const nrm = (n) => Float32Array.from({ length: n }, () => rng.normal() * o.std);
  const P = nrm(nu * K), Q = nrm(ni * K); const sN = (n) => Float32Array.from({ length: n }, () => rng.normal() * (o.sStd ?? o.std)); const S = o.L ? sN(ni * K) : null, R = o.L && !o.shared ? sN(ni * K) : null;
  const B = new Float32Array(ni);
  const nb = o.bins ?? 0;
  let tmin = Infinity, tmax = -Infinity; for (const t of d.timestamps) { tmin = Math.min(tmin, t); tmax = Math.max(tmax, t); }
  const sortedT = Float64Array.from(d.timestamps).sort();
  const edges = nb ? Array.from({ length: nb - 1 }, (_, b) => o.binBy === 'time' ? tmin + (tmax - tmin) * (b + 1) / nb : sortedT[Math.floor(sortedT.length * (b + 1) / nb)]) : [];
  const binOf = (t) => { let b = 0; while (b < edges.length && t >= edges[b]) b++; return b; };
  const BT = new Float32Array(ni * Math.max(nb, 1));
  const lastT = new Float64Array(nu); for (let k = 0; k < d.count; k++) lastT[d.users[k]] = Math.max(lastT[d.users[k]], d.timestamps[k]);
  let curBin = 0;
  const ctx = new Float32Array(K), uvec = new Float32Array(K), uvecR = new Float32Array(K);
  const ctxOf = (u, p) => { const rows = rowsOf[u]; const a = Math.max(0, p - o.L); const before = rows.slice(a, p); const after = o.sym && p < rows.length ? rows.slice(p + 1, p + 1 + o.L) : []; return [...before, ...after].map((k) => d.items[k]); };
  const score = (j) => { let x = B[j] + (nb ? BT[j * nb + curBin] : 0); for (let f = 0; f < K; f++) x += uvec[f] * Q[j * K + f]; if (R) for (let f = 0; f < K; f++) x += uvecR[f] * R[j * K + f]; return x; };
  // weights of the context items (oldest first): uniform mean or decaying with distance, summing to 1
  const wts = (n) => { const w = Array.from({ length: n }, (_, q) => o.ctxDecay ? Math.pow(n - q, -o.ctxDecay) : 1); const t = w.reduce((a, b) => a + b, 0); return w.map((x) => x / t); };
  const t0 = performance.now();
  const log = [];
  for (let e = 0; e < o.epochs; e++) {
    const perm = rng.permutation(d.count);
    for (const idx of perm) {
      const u = d.users[idx], i = d.items[idx];
      if (nb) curBin = binOf(d.timestamps[idx]);
      const c = o.L ? ctxOf(u, posInUser[idx]) : [];
      ctx.fill(0);
      const cw = wts(c.length);
      c.forEach((l, q) => { for (let f = 0; f < K; f++) ctx[f] += S[l * K + f] * cw[q]; });
      for (let f = 0; f < K; f++) { uvec[f] = P[u * K + f] + (R ? 0 : o.ctxW * ctx[f]); uvecR[f] = ctx[f]; }
      let j = -1, best = -Infinity;
      const xi = score(i);
      let tries = 0;
      for (let t = 0; t < o.per; t++) {
        let cand; do cand = rng.int(ni); while (seen.has(u, cand));
        const sc = score(cand); tries++;
        if (sc > best) { best = sc; j = cand; }
        if (o.warp && sc > xi - 1) break;
      }
      const x = xi - best;
      let g = 1 / (1 + Math.exp(x));
      if (o.warp) g *= Math.log(1 + Math.floor((ni - 1) / tries)) / Math.log(ni);
      const lr = o.lr;
      B[i] += lr * (g - o.regB * B[i]); B[j] += lr * (-g - o.regB * B[j]);
      if (nb) { const a = i * nb + curBin, b = j * nb + curBin; BT[a] += lr * (g - o.regT * BT[a]); BT[b] += lr * (-g - o.regT * BT[b]); }
      for (let f = 0; f < K; f++) {
        const p = uvec[f], a = Q[i * K + f], b = Q[j * K + f];
        const dq = a - b;
        P[u * K + f] += lr * (g * dq - o.reg * P[u * K + f]);
        Q[i * K + f] += lr * (g * p - o.reg * a);
        Q[j * K + f] += lr * (-g * p - o.reg * b);
        if (c.length) {
          let gs;
          if (R) { const ra = R[i * K + f], rb = R[j * K + f]; gs = g * (ra - rb); R[i * K + f] += lr * (g * ctx[f] - o.reg * ra); R[j * K + f] += lr * (-g * ctx[f] - o.reg * rb); }
          else gs = o.ctxW * g * dq;
          c.forEach((l, q) => { S[l * K + f] += lr * (gs * cw[q] - (o.regS ?? o.reg) * S[l * K + f]); });
        }
      }
    }
    if (o.evalEvery && (e + 1) % o.evalEvery === 0) log.push(`${e + 1}:${evalNow().metrics.hitRate.toFixed(3)}`);
  }
  function evalNow() {
    const cache = new Map();
    const model = { numUsers: nu, numItems: ni, scorePairs(us, is) {
      const out = new Float32Array(us.length);
      for (let r = 0; r < us.length; r++) {
        const u = us[r];
        let uv = cache.get(u);
        if (!uv) {
          const c = o.L ? ctxOf(u, rowsOf[u].length) : [];
          const cx = new Float32Array(K); const cw = wts(c.length); c.forEach((l, q) => { for (let f = 0; f < K; f++) cx[f] += S[l * K + f] * cw[q]; });
          uv = [Float32Array.from({ length: K }, (_, f) => P[u * K + f] + (R ? 0 : o.ctxW * cx[f])), cx]; cache.set(u, uv);
        }
        const j = is[r]; let x = B[j] + (nb ? BT[j * nb + binOf(lastT[u])] : 0); for (let f = 0; f < K; f++) x += uv[0][f] * Q[j * K + f]; if (R) for (let f = 0; f < K; f++) x += uv[1][f] * R[j * K + f];
        out[r] = x;
      }
      return out;
    } };
    return evaluateRanking(model, which, { k: 10 });
  }
  const r = evalNow();
  console.log(JSON.stringify(run), `HR ${r.metrics.hitRate.toFixed(4)} x${r.lift.hitRate.toFixed(3)} NDCG ${r.metrics.ndcg.toFixed(4)} x${r.lift.ndcg.toFixed(3)} ${((performance.now() - t0) / 1000).toFixed(1)}s`, log.join(' '));
}
