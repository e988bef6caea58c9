// Language-model speed: GPT training tokens/s (compile/fit step, readback of
// the loss included) and generation tokens/s with and without the key/value
// cache, on a nanoGPT-sized character model (4 layers, 4 heads, dim 256,
// context 128: 3.2 M weights), side by side in this process with
//   jax-js (@jax-js/jax, wasm)  the same GPT and Adam step, jitted
//                               (lm/jax-gpt.mjs): training, and greedy
//                               generation without a cache
//   transformers.js             generation only, on a GPT-2 of the same size
//                               exported to ONNX (lm/transformers-gpt2.mjs,
//                               needs the Python environment of
//                               scripts/python-env.mjs; skipped, saying so,
//                               without it), on onnxruntime-web's wasm (the
//                               like-for-like peer) and onnxruntime-node (native)
// and our fused attention kernel against the same attention composed from ops.
// `vs_<peer>` = their time / ours (> 1: we are faster; = our tokens/s over
// theirs). Compare ratios from one run, never absolute times across runs.
//
// Env: LM_BENCH_STEPS (default 5), LM_BENCH_TOKENS (default 64), LM_BENCH_GEN_RUNS (default 3),
// LM_BENCH_ROUNDS (attention, default 4), LM_BENCH_PEERS (default jax,hf-wasm,hf-native; 'none' for ours only),
// THREADS (our pool size; default one per core: THREADS=1 matches the peers' wasm, which run one thread here).
import { numpy as jnp, init as jaxInit } from '@jax-js/jax';
import * as wm from '@wasmml/tensor';
import { losses } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { generate, gpt } from '@wasmml/nlp';
import { round, time } from './harness.mjs';
import { jaxGpt } from './lm/jax-gpt.mjs';
import { onnxGpt2, transformersGpt2 } from './lm/transformers-gpt2.mjs';

const STEPS = Number(process.env.LM_BENCH_STEPS ?? 5),
  NEW = Number(process.env.LM_BENCH_TOKENS ?? 64),
  GEN_RUNS = Number(process.env.LM_BENCH_GEN_RUNS ?? 3);
const peers = new Set((process.env.LM_BENCH_PEERS ?? 'jax,hf-wasm,hf-native').split(','));
const V = 83,
  T = 128,
  B = 16;
const shape = { vocabSize: V, contextLength: T, layers: 4, heads: 4, dim: 256, seed: 1 };
await (process.env.THREADS ? wm.init({ threads: Number(process.env.THREADS) }) : wm.ready());
const model = gpt(shape);
model.compile({ optimizer: adam(3e-4), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
let s = 1;
const ids = () =>
  Int32Array.from({ length: B * T }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s % V;
  });
const xv = ids(),
  yv = ids();
const x = wm.tensor(xv, [B, T], 'int32'),
  y = wm.tensor(yv, [B, T], 'int32');
const firstLine = (e) =>
  String(e?.message ?? e)
    .split('\n')[0]
    .slice(0, 160);
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const tokensPerS = (n, ms) => round((n / ms) * 1000, 1);

// jax-js: its wasm backend, one thread here (its threads need a global Worker, which Node lacks).
let jax;
if (peers.has('jax')) {
  try {
    await jaxInit('wasm');
    jax = jaxGpt(shape);
  } catch (e) {
    jax = { error: firstLine(e) };
  }
}
const jx = jax?.step ? jnp.array(xv, { dtype: jnp.int32 }).reshape([B, T]) : undefined,
  jy = jax?.step ? jnp.array(yv, { dtype: jnp.int32 }).reshape([B, T]) : undefined;
/** One jax-js training step with the loss read back, in ms. */
const jaxStep = async () => {
  const t0 = performance.now();
  await jax.step(jx.ref, jy.ref).data();
  return performance.now() - t0;
};

// Warm-up (jax-js compiles its step here), then the two frameworks' steps alternate: a shared machine's speed drifts.
await model.trainOnBatch(x, y);
if (jax?.step) {
  try {
    await jaxStep();
  } catch (e) {
    jax = { error: firstLine(e) };
  }
}
const ts = [],
  jts = [];
for (let i = 0; i < STEPS; i++) {
  const t0 = performance.now();
  await model.trainOnBatch(x, y);
  ts.push(performance.now() - t0);
  if (jax?.step) jts.push(await jaxStep());
}
const stepMs = median(ts);
const train = {
  case: 'gpt train step b16 t128 (3.2M)',
  ours_ms: round(stepMs),
  tokens_per_s: Math.round(((B * T) / stepMs) * 1000),
  params: model.parameterCount(),
  threads: wm.backendInfo().threads,
};
if (jts.length) {
  const jaxMs = median(jts);
  Object.assign(train, {
    jax_ms: round(jaxMs),
    jax_tokens_per_s: Math.round(((B * T) / jaxMs) * 1000),
    vs_jax: round(jaxMs / stepMs, 2),
    jax_params: jax.parameterCount,
    jax_threads: typeof globalThis.Worker === 'function' ? 'workers' : 1,
    jax_note: 'attention from matmul/where/softmax: nn.dotProductAttention (einsum) needs Iterator helpers (Node 22)',
  });
} else if (jax?.error) train.jax_error = jax.error;
console.log(JSON.stringify(train));

// Generation: NEW greedy tokens after a 64-token prompt; two warm-up runs (V8 tiers wasm up while it runs), then
// the median of GEN_RUNS.
const prompt = Array.from({ length: 64 }, (_, i) => i % V);
const timeGen = async (fn) => {
  let made;
  for (let i = 0; i < 2; i++) made = await fn();
  if (made.length !== NEW) throw new Error(`made ${made.length} tokens, not ${NEW}`);
  const runs = [];
  for (let i = 0; i < GEN_RUNS; i++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  return median(runs);
};
const ourGen = (useCache) => async () => {
  const out = await generate(model, prompt, { maxNewTokens: NEW, temperature: 0, useCache });
  return out.slice(-NEW);
};
const cached = await timeGen(ourGen(true)),
  uncached = await timeGen(ourGen(false));
const gen = {
  case: `gpt generate ${NEW} tokens after 64 (greedy)`,
  ours_ms: round(cached),
  no_cache_ms: round(uncached),
  tokens_per_s: tokensPerS(NEW, cached),
  no_cache_tokens_per_s: tokensPerS(NEW, uncached),
  cache_speedup: round(uncached / cached, 2),
};
if (jax?.generateNoCache) {
  // Each of its forwards covers the whole padded context (128 positions); ours only the sequence so far (64..127).
  try {
    const jaxMs = await timeGen(async () => jax.generateNoCache(prompt, NEW));
    Object.assign(gen, {
      jax_no_cache_ms: round(jaxMs),
      jax_no_cache_tokens_per_s: tokensPerS(NEW, jaxMs),
      vs_jax_no_cache: round(jaxMs / uncached, 2),
      jax_note: 'no cache; every forward over the context padded to 128 (one jit shape)',
    });
  } catch (e) {
    gen.jax_error = firstLine(e);
  }
}
console.log(JSON.stringify(gen));
jax?.dispose?.();
jx?.dispose();
jy?.dispose();

// transformers.js: its generate (always cached) and a loop of full forwards (no cache), per runtime.
const runtimes = ['wasm', 'native'].filter((r) => peers.has(`hf-${r}`));
const onnx = runtimes.length ? onnxGpt2() : undefined;
for (const runtime of runtimes) {
  const label = runtime === 'wasm' ? 'wasm (onnxruntime-web, 1 thread)' : 'native (onnxruntime-node, C++)';
  const line = { case: `gpt generate ${NEW} tokens after 64 (greedy) vs transformers.js ${label}` };
  if (onnx.skip) {
    console.log(JSON.stringify({ ...line, skipped: onnx.skip }));
    continue;
  }
  try {
    const hf = await transformersGpt2(onnx.dir, runtime);
    const hfCached = await timeGen(() => hf.generate(prompt, NEW)),
      hfUncached = await timeGen(() => hf.generateNoCache(prompt, NEW));
    await hf.dispose();
    Object.assign(line, {
      ours_ms: round(cached),
      hf_ms: round(hfCached),
      tokens_per_s: tokensPerS(NEW, cached),
      hf_tokens_per_s: tokensPerS(NEW, hfCached),
      vs_hf: round(hfCached / cached, 2),
      ours_no_cache_ms: round(uncached),
      hf_no_cache_ms: round(hfUncached),
      no_cache_tokens_per_s: tokensPerS(NEW, uncached),
      hf_no_cache_tokens_per_s: tokensPerS(NEW, hfUncached),
      vs_hf_no_cache: round(hfUncached / uncached, 2),
      hf_runtime: runtime,
    });
  } catch (e) {
    line.error = firstLine(e);
  }
  console.log(JSON.stringify(line));
}

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
