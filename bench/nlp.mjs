// Text-classifier training throughput: Embedding(10000, 256) -> LSTM(128) ->
// Dense(2, softmax), Adam 1e-3, batch 32, sequence length 200, against
// tfjs-layers in the same process. tfjs-backend-wasm cannot train it (no
// UnsortedSegmentSum kernel for the embedding gradient): the bench prints its
// error, compares with tfjs-backend-wasm on the same model with the embedding
// frozen, and with tfjs's cpu backend on shorter sequences. Also times our LSTM composed
// from per-step tensor ops (the path before the fused cell) for the before/after.
//
// Env: NLP_BENCH_TFJS_BATCHES (default 1; a tfjs cpu batch takes minutes, 0 skips it),
// NLP_BENCH_CPU_SEQ (default 20), NLP_BENCH_BATCHES (default 5), NLP_BENCH_SEQ (default 200).
import * as tfl from '@tensorflow/tfjs-layers';
import * as wm from '@wasmml/tensor';
import { layers, sequential, LSTM, RNNBase } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { report, tfjs } from './harness.mjs';

const VOCAB = 10000,
  EMB = 256,
  UNITS = 128,
  BATCH = 32;
const SEQ = Number(process.env.NLP_BENCH_SEQ ?? 200);
const OUR_BATCHES = Number(process.env.NLP_BENCH_BATCHES ?? 5);
const TF_BATCHES = Number(process.env.NLP_BENCH_TFJS_BATCHES ?? 1);

function data(seed, seq = SEQ) {
  let s = seed;
  const ids = Int32Array.from({ length: BATCH * seq }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return 1 + (s % (VOCAB - 1));
  });
  const y = Float32Array.from({ length: BATCH * 2 }, (_, i) => ((i >> 1) % 2 === i % 2 ? 1 : 0));
  return { ids, y };
}

function ourModel(frozenEmbedding = false, seq = SEQ) {
  const m = sequential({
    layers: [
      layers.embedding({ inputDim: VOCAB, outputDim: EMB, inputLength: seq, trainable: !frozenEmbedding }),
      layers.lstm({ units: UNITS }),
      layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: adam(1e-3), loss: 'categoricalCrossentropy' });
  return m;
}

/** Median ms per training batch (after one warm-up batch). */
async function timeBatches(step, n) {
  await step();
  const ts = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await step();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

async function ours({ composed = false, frozenEmbedding = false, seq = SEQ } = {}) {
  const saved = LSTM.prototype.call;
  if (composed) LSTM.prototype.call = RNNBase.prototype.call;
  try {
    const m = ourModel(frozenEmbedding, seq);
    const { ids, y } = data(1, seq);
    const x = wm.tensor(ids, [BATCH, seq], 'int32'),
      yt = wm.tensor(y, [BATCH, 2]);
    const ms = await timeBatches(() => m.trainOnBatch(x, yt), composed ? Math.min(2, OUR_BATCHES) : OUR_BATCHES);
    const live = wm.memory().numTensors;
    await m.trainOnBatch(x, yt);
    if (wm.memory().numTensors !== live) throw new Error(`memory grows: ${live} -> ${wm.memory().numTensors} tensors per batch`);
    m.dispose();
    wm.dispose([x, yt]);
    return ms;
  } finally {
    LSTM.prototype.call = saved;
  }
}

async function theirs(backend, { frozenEmbedding = false, batches = 1, warmup = false, seq = SEQ } = {}) {
  const tf = await tfjs(backend);
  const m = tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: EMB, inputLength: seq, trainable: !frozenEmbedding }),
      // Not the orthogonal default: in Node's tfjs-core bundle it needs chained ops
      // that are not registered; the initial values do not change the timing.
      tfl.layers.lstm({ units: UNITS, recurrentInitializer: 'glorotUniform' }),
      tfl.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const { ids, y } = data(1, seq);
  const x = tf.tensor(ids, [BATCH, seq], 'int32'),
    yt = tf.tensor(y, [BATCH, 2]);
  try {
    if (warmup) await m.trainOnBatch(x, yt);
    const ts = [];
    for (let i = 0; i < batches; i++) {
      const t0 = performance.now();
      await m.trainOnBatch(x, yt);
      ts.push(performance.now() - t0);
    }
    ts.sort((a, b) => a - b);
    return ts[ts.length >> 1];
  } finally {
    m.dispose();
    tf.dispose([x, yt]);
  }
}

await wm.ready();
const info = wm.backendInfo();
const common = { seq_len: SEQ, batch: BATCH, threads: info.threads, variant: info.variant };
const rate = (ms) => (ms === undefined ? null : Math.round((BATCH / ms) * 1000 * 100) / 100);

// 1. The full model on tfjs-backend-wasm: expected to fail (no UnsortedSegmentSum).
let wasmError = null;
try {
  await theirs('wasm');
} catch (e) {
  wasmError = String(e?.message ?? e).split('\n')[0];
  console.error(`tfjs-backend-wasm cannot train this model: ${wasmError}`);
}
// 2. What tfjs-backend-wasm can train: the same model with the embedding frozen.
const tfFrozen = await theirs('wasm', { frozenEmbedding: true, batches: 3, warmup: true });
const oursFrozen = await ours({ frozenEmbedding: true });
report('embedding(frozen)+lstm(128)+dense train batch vs tfjs wasm', oursFrozen, tfFrozen, {
  ...common,
  ours_seq_per_s: rate(oursFrozen),
  tfjs_seq_per_s: rate(tfFrozen),
  tfjs_backend: 'wasm',
});
// 3. The full model. tfjs-backend-cpu needs more than 30 minutes and 18 GB for one batch at 200 steps (its
// UnsortedSegmentSum builds a mask per vocabulary row), so it is compared at NLP_BENCH_CPU_SEQ steps (default 20).
const fused = await ours();
report('embedding+lstm(128)+dense train batch, fused LSTM', fused, undefined, {
  ...common,
  ours_seq_per_s: rate(fused),
  ...(wasmError ? { tfjs_wasm_error: wasmError } : {}),
});
if (TF_BATCHES > 0) {
  const cpuSeq = Number(process.env.NLP_BENCH_CPU_SEQ ?? 20);
  const oursShort = await ours({ seq: cpuSeq });
  const tfCpu = await theirs(wasmError ? 'cpu' : 'wasm', { batches: TF_BATCHES, seq: cpuSeq });
  report(`embedding+lstm(128)+dense train batch at ${cpuSeq} steps vs tfjs ${wasmError ? 'cpu' : 'wasm'}`, oursShort, tfCpu, {
    ...common,
    seq_len: cpuSeq,
    ours_seq_per_s: rate(oursShort),
    tfjs_seq_per_s: rate(tfCpu),
    tfjs_backend: wasmError ? 'cpu' : 'wasm',
  });
}
// 4. Before/after: our LSTM composed from per-step tensor ops.
const composed = await ours({ composed: true });
report('embedding+lstm(128)+dense train batch, LSTM composed per step (before)', composed, undefined, {
  ...common,
  ours_seq_per_s: rate(composed),
  fused_speedup: Math.round((composed / fused) * 100) / 100,
});
