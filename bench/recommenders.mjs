// Recommender training throughput on MovieLens latest-small (seeded 80/20
// split), beside the equivalent tfjs-layers models in the same process:
// - biased MF (100 factors): ours trains per rating (fused sparse SGD kernel,
//   Surprise's update); tfjs-layers trains the same model (embeddings + dot +
//   biases, MSE, SGD) in batches of 256 — its dense embedding gradients are
//   the price of the framework path. Reported as ratings/s per epoch.
// - NeuMF (GMF 16 + MLP 64-32-16, 4 negatives, Adam, batch 256) on both
//   sides, as samples/s.
// tfjs-backend-wasm cannot train embeddings (no UnsortedSegmentSum kernel):
// its error is reported, the tfjs cpu backend is timed instead (one batch: it
// is very slow, see tfjsFit), and — the ratio printed — the same models on
// tfjs-backend-wasm with one-hot inputs through dense layers in place of the
// embeddings (see tfjsOneHotFit).
// Needs ../shared/datasets/movielens-latest-small (or WASMML_DATASETS_DIR).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadMovieLens } from '@wasmml/datasets';
import { matrixFactorization, neuMF, randomSplit } from '@wasmml/recommenders';
import { backendInfo, init, setThreads } from '@wasmml/tensor';
import { report, round, tfjs } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(process.env.WASMML_DATASETS_DIR ?? join(root, '..', 'shared', 'datasets'), 'movielens-latest-small');
if (!existsSync(join(dir, 'ratings.csv'))) {
  console.error(`bench/recommenders: ${dir} not found (set WASMML_DATASETS_DIR); skipping`);
  process.exit(0);
}

const tf = await tfjs('wasm');
tf.env().set('PROD', true);
await init();
const maxThreads = backendInfo().requestedThreads;
const threadCounts = [...new Set([1, maxThreads])];
const ml = await loadMovieLens({ source: dir });
const { train } = randomSplit(ml, { testFraction: 0.2, seed: 42 });
const n = train.count;
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** Per-epoch wall times of a fit, from the epoch-end callbacks (the first epoch is warm-up). */
async function epochTimes(fit, epochs) {
  const times = [];
  let last = performance.now();
  await fit(epochs, () => {
    const now = performance.now();
    times.push(now - last);
    last = now;
  });
  return times.slice(1);
}

/**
 * tfjs-layers fit of `batches` batches on `backend`: ms per sample, or an
 * error string. The cpu backend takes tens of seconds per batch here (its
 * embedding gradient, UnsortedSegmentSum, scans every table row for every
 * sample), so it gets one timed batch and no warm-up (measured: the first
 * batch costs the same as later ones).
 */
async function tfjsFit(backend, build, xs, y, batchSize, batches, warmup = true) {
  await tf.setBackend(backend);
  const m = build();
  const count = Math.min(xs[0].length, batchSize * batches);
  const tx = xs.map((a) => tf.tensor2d(a.subarray(0, count), [count, 1], 'int32'));
  const ty = tf.tensor2d(y.subarray(0, count), [count, 1]);
  try {
    // Warm-up on one batch, then one timed epoch over `count` samples.
    if (warmup) {
      const wx = tx.map((t) => tf.slice(t, 0, batchSize)),
        wy = tf.slice(ty, 0, batchSize);
      await m.fit(wx, wy, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
      tf.dispose([wx, wy]);
    }
    const t0 = performance.now();
    await m.fit(tx, ty, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
    return (performance.now() - t0) / count;
  } catch (e) {
    return String(e.message ?? e).split('\n')[0];
  } finally {
    tf.dispose([...tx, ty]);
    m.dispose();
  }
}

/**
 * The same model on tfjs-backend-wasm with one-hot inputs through bias-free
 * dense layers in place of the embeddings (same math, and a gradient the wasm
 * backend has: a matMul): the fastest way we found for tfjs-wasm to train it.
 * Per batch: one-hot encode, trainOnBatch. ms per sample.
 */
async function tfjsOneHotFit(build, ids, widths, y, batchSize, batches) {
  await tf.setBackend('wasm');
  const m = build();
  const step = async (b) => {
    const at = b * batchSize;
    const xs = ids.map((a, k) =>
      tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(a.subarray(at, at + batchSize), 'int32'), widths[k]), 'float32')),
    );
    const ty = tf.tensor2d(y.subarray(at, at + batchSize), [batchSize, 1]);
    await m.trainOnBatch(xs, ty);
    tf.dispose([...xs, ty]);
  };
  try {
    await step(0);
    const t0 = performance.now();
    for (let b = 1; b <= batches; b++) await step(b);
    return (performance.now() - t0) / (batches * batchSize);
  } catch (e) {
    return String(e.message ?? e).split('\n')[0];
  } finally {
    m.dispose();
  }
}

/** A bias-free dense layer on a one-hot input: an embedding lookup as a matMul. */
function oneHotEmbedding(x, dim) {
  return tfl.layers.dense({ units: dim, useBias: false }).apply(x);
}

function tfjsMfOneHot(k) {
  return () => {
    const u = tfl.input({ shape: [ml.numUsers] }),
      i = tfl.input({ shape: [ml.numItems] });
    const dot = tfl.layers.dot({ axes: 1 }).apply([oneHotEmbedding(u, k), oneHotEmbedding(i, k)]);
    const out = tfl.layers.add().apply([dot, oneHotEmbedding(u, 1), oneHotEmbedding(i, 1)]);
    const m = tfl.model({ inputs: [u, i], outputs: out });
    m.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
    return m;
  };
}

function tfjsNeuMFOneHot() {
  const u = tfl.input({ shape: [ml.numUsers] }),
    i = tfl.input({ shape: [ml.numItems] });
  const gmf = tfl.layers.multiply().apply([oneHotEmbedding(u, 16), oneHotEmbedding(i, 16)]);
  let h = tfl.layers.concatenate().apply([oneHotEmbedding(u, 32), oneHotEmbedding(i, 32)]);
  for (const units of [32, 16]) h = tfl.layers.dense({ units, activation: 'relu' }).apply(h);
  const out = tfl.layers.dense({ units: 1, activation: 'sigmoid' }).apply(tfl.layers.concatenate().apply([gmf, h]));
  const m = tfl.model({ inputs: [u, i], outputs: out });
  m.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
  return m;
}

function tfjsMf(k) {
  return () => {
    const u = tfl.input({ shape: [1], dtype: 'int32' }),
      i = tfl.input({ shape: [1], dtype: 'int32' });
    const emb = (x, rows, dim) => tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: rows, outputDim: dim }).apply(x));
    const dot = tfl.layers.dot({ axes: 1 }).apply([emb(u, ml.numUsers, k), emb(i, ml.numItems, k)]);
    const out = tfl.layers.add().apply([dot, emb(u, ml.numUsers, 1), emb(i, ml.numItems, 1)]);
    const m = tfl.model({ inputs: [u, i], outputs: out });
    m.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
    return m;
  };
}

function tfjsNeuMF() {
  const u = tfl.input({ shape: [1], dtype: 'int32' }),
    i = tfl.input({ shape: [1], dtype: 'int32' });
  const emb = (x, rows, dim) => tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: rows, outputDim: dim }).apply(x));
  const gmf = tfl.layers.multiply().apply([emb(u, ml.numUsers, 16), emb(i, ml.numItems, 16)]);
  let h = tfl.layers.concatenate().apply([emb(u, ml.numUsers, 32), emb(i, ml.numItems, 32)]);
  for (const units of [32, 16]) h = tfl.layers.dense({ units, activation: 'relu' }).apply(h);
  const out = tfl.layers.dense({ units: 1, activation: 'sigmoid' }).apply(tfl.layers.concatenate().apply([gmf, h]));
  const m = tfl.model({ inputs: [u, i], outputs: out });
  m.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
  return m;
}

// ---- Biased MF --------------------------------------------------------------
const k = 100;
const tfWasmMf = await tfjsFit('wasm', tfjsMf(k), [train.users, train.items], train.ratings, 256, 20);
const tfCpuMf = await tfjsFit('cpu', tfjsMf(k), [train.users, train.items], train.ratings, 256, 1, false);
const tfOneHotMf = await tfjsOneHotFit(tfjsMfOneHot(k), [train.users, train.items], [ml.numUsers, ml.numItems], train.ratings, 256, 20);
for (const threads of threadCounts) {
  await setThreads(threads);
  const m = matrixFactorization({ numUsers: ml.numUsers, numItems: ml.numItems, factors: k, seed: 1 });
  const t0 = performance.now();
  const times = await epochTimes((epochs, cb) => m.fit(train, { epochs, callbacks: { onEpochEnd: cb } }), 21);
  const total = performance.now() - t0;
  m.dispose();
  const ms = median(times);
  const perS = (msPerSample) => (typeof msPerSample === 'number' ? round(1000 / msPerSample, 0) : msPerSample);
  const tfMs = typeof tfOneHotMf === 'number' ? tfOneHotMf * n : undefined;
  report(`biased MF epoch (${n} ratings, ${k} factors) threads=${threads}`, ms, tfMs, {
    ratings_per_s: round((n / ms) * 1000, 0),
    fit_21_epochs_ms: round(total, 0),
    tfjs_ratings_per_s: perS(tfOneHotMf),
    tfjs_model: 'one-hot dense layers on wasm (batch 256)',
    tfjs_embedding_wasm: typeof tfWasmMf === 'number' ? { ratings_per_s: perS(tfWasmMf) } : { error: tfWasmMf },
    tfjs_embedding_cpu: { ratings_per_s: perS(tfCpuMf) },
    ours_batch: 1,
    variant: backendInfo().variant,
  });
}

// ---- NeuMF -------------------------------------------------------------------
// A 20,000-interaction slice keeps the run short: 100,000 samples per epoch with 4 negatives.
const slice = { users: train.users.subarray(0, 20000), items: train.items.subarray(0, 20000) };
const samples = slice.users.length * 5;
const negU = new Int32Array(samples),
  negI = new Int32Array(samples),
  negY = new Float32Array(samples);
for (let r = 0, w = 0; r < slice.users.length; r++) {
  for (let c = 0; c < 5; c++, w++) {
    negU[w] = slice.users[r];
    negI[w] = c === 0 ? slice.items[r] : (slice.items[r] * 7919 + c * 104729) % ml.numItems;
    negY[w] = c === 0 ? 1 : 0;
  }
}
const tfWasmNcf = await tfjsFit('wasm', tfjsNeuMF, [negU, negI], negY, 256, 20);
const tfCpuNcf = await tfjsFit('cpu', tfjsNeuMF, [negU, negI], negY, 256, 1, false);
const tfOneHotNcf = await tfjsOneHotFit(tfjsNeuMFOneHot, [negU, negI], [ml.numUsers, ml.numItems], negY, 256, 20);
for (const threads of threadCounts) {
  await setThreads(threads);
  const m = neuMF({ numUsers: ml.numUsers, numItems: ml.numItems, seed: 1 });
  const times = await epochTimes((epochs, cb) => m.fit(slice, { epochs, batchSize: 256, callbacks: { onEpochEnd: cb } }), 3);
  m.dispose();
  const ms = median(times);
  const perS = (msPerSample) => (typeof msPerSample === 'number' ? round(1000 / msPerSample, 0) : msPerSample);
  const tfMs = typeof tfOneHotNcf === 'number' ? tfOneHotNcf * samples : undefined;
  report(`NeuMF epoch (${samples} samples, batch 256) threads=${threads}`, ms, tfMs, {
    samples_per_s: round((samples / ms) * 1000, 0),
    tfjs_samples_per_s: perS(tfOneHotNcf),
    tfjs_model: 'one-hot dense layers on wasm (batch 256)',
    tfjs_embedding_wasm: typeof tfWasmNcf === 'number' ? { samples_per_s: perS(tfWasmNcf) } : { error: tfWasmNcf },
    tfjs_embedding_cpu: { samples_per_s: perS(tfCpuNcf) },
    variant: backendInfo().variant,
  });
}
