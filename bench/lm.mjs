// Language-model speed: GPT training tokens/s (compile/fit step, readback of
// the loss included) and generation tokens/s with and without the key/value
// cache, on a nanoGPT-sized character model (4 layers, 4 heads, dim 256,
// context 128: 3.2 M weights). Peers (jax-js, transformers.js) are not in
// this bench yet: see the nlp README.
//
// Env: LM_BENCH_STEPS (default 5), LM_BENCH_TOKENS (default 64), LM_BENCH_ROUNDS (attention, default 4).
import * as wm from '@wasmml/tensor';
import { losses } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { generate, gpt } from '@wasmml/nlp';
import { round, time } from './harness.mjs';

const STEPS = Number(process.env.LM_BENCH_STEPS ?? 5),
  NEW = Number(process.env.LM_BENCH_TOKENS ?? 64);
const V = 83,
  T = 128,
  B = 16;
await wm.ready();
const model = gpt({ vocabSize: V, contextLength: T, layers: 4, heads: 4, dim: 256, seed: 1 });
model.compile({ optimizer: adam(3e-4), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
let s = 1;
const ids = () =>
  Int32Array.from({ length: B * T }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s % V;
  });
const x = wm.tensor(ids(), [B, T], 'int32'),
  y = wm.tensor(ids(), [B, T], 'int32');
await model.trainOnBatch(x, y);
const ts = [];
for (let i = 0; i < STEPS; i++) {
  const t0 = performance.now();
  await model.trainOnBatch(x, y);
  ts.push(performance.now() - t0);
}
ts.sort((a, b) => a - b);
const stepMs = ts[ts.length >> 1];
console.log(
  JSON.stringify({
    case: 'gpt train step b16 t128 (3.2M)',
    ours_ms: round(stepMs),
    tokens_per_s: Math.round(((B * T) / stepMs) * 1000),
    params: model.parameterCount(),
    threads: wm.backendInfo().threads,
  }),
);

const prompt = Array.from({ length: 64 }, (_, i) => i % V);
const timeGen = async (useCache) => {
  await generate(model, prompt, { maxNewTokens: 4, temperature: 0, useCache });
  const t0 = performance.now();
  await generate(model, prompt, { maxNewTokens: NEW, temperature: 0, useCache });
  return performance.now() - t0;
};
const cached = await timeGen(true),
  uncached = await timeGen(false);
console.log(
  JSON.stringify({
    case: `gpt generate ${NEW} tokens after 64 (greedy)`,
    ours_ms: round(cached),
    no_cache_ms: round(uncached),
    tokens_per_s: round((NEW / cached) * 1000, 1),
    no_cache_tokens_per_s: round((NEW / uncached) * 1000, 1),
    cache_speedup: round(uncached / cached, 2),
  }),
);

// The fused attention kernel against the same attention composed from tensor
// ops (scores, end-aligned causal mask, softmax, value product), forward and
// backward, at the bench model's attention shape.
const H = 4,
  D = 64;
const q = wm.randomNormal([B, T, H, D], 0, 1, 'float32', 1),
  k = wm.randomNormal([B, T, H, D], 0, 1, 'float32', 2),
  v = wm.randomNormal([B, T, H, D], 0, 1, 'float32', 3);
const mask = wm.tensor(
  Float32Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? -1e9 : 0)),
  [T, T],
);
const composed = (a, b, c) => {
  const [qh, kh, vh] = [a, b, c].map((t) => wm.transpose(t, [0, 2, 1, 3]));
  const p = wm.softmax(wm.add(wm.mul(wm.matMul(qh, kh, false, true), 1 / Math.sqrt(D)), mask));
  return wm.transpose(wm.matMul(p, vh), [0, 2, 1, 3]);
};
const fused = (a, b, c) => wm.dotProductAttention(a, b, c, { causal: true });
const forward = (fn) => () => wm.tidy(() => fn(q, k, v).dataSync());
const backward = (fn) => () =>
  wm.tidy(() => {
    for (const g of wm.grads((a, b, c) => fn(a, b, c))([q, k, v])) g.dataSync();
  });
// The kernel and the composed ops timed alternately over a few rounds (a shared
// machine's speed drifts between rounds); each round's ratio, and their median.
const ROUNDS = Number(process.env.LM_BENCH_ROUNDS ?? 4);
for (const [what, make] of [
  ['forward', forward],
  ['forward+backward', backward],
]) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Three warm-up calls: V8 runs wasm in its baseline tier until a function is hot.
    const f = time(make(fused), { reps: 5, warmup: 3 }),
      c = time(make(composed), { reps: 5, warmup: 3 });
    rounds.push({ f, c, ratio: c / f });
  }
  rounds.sort((a, b) => a.ratio - b.ratio);
  const mid = rounds[rounds.length >> 1];
  console.log(
    JSON.stringify({
      case: `causal attention ${what} b${B} t${T} h${H} d${D}`,
      ours_ms: round(mid.f),
      composed_ms: round(mid.c),
      ratio: round(mid.ratio, 2),
      round_ratios: rounds.map((x) => round(x.ratio, 2)),
    }),
  );
}
