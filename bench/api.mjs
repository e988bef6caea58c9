// What a user times, through the public APIs, against tfjs-backend-wasm and
// jax-js (wasm) in the same process, on the same data:
//   ops       matMul and conv2d with readback, against our raw kernel on the same sizes
//   predict   the seed MLP, CNN and text LSTM at batch 1 and 256, readback included
//   fit       one epoch (batch 32, Adam) of the MLP, CNN and LSTM, and the LSTM through
//             @wasmml/nlp's TextClassificationPipeline (texts in)
//   evaluate  the MLP and CNN over 2,048 samples
// One JSON line per case: times in ms (best of a few medians: the machine is
// shared), `vs_tfjs` / `vs_jax` = their time / ours (> 1: we are faster).
// Compare ratios from one run, never absolute times across runs.
//
// Env: API_CASES=ops,predict,fit,evaluate (a subset), BENCH_QUICK=1 (fewer samples),
// LSTM_SEQ (default 200), THREADS (our pool size; default one per core).
import { numpy as jnp, init as jaxInit, jit, lax } from '@jax-js/jax';
import * as tfl from '@tensorflow/tfjs-layers';
import * as wk from '@wasmml/kernels';
import { layers, sequential } from '@wasmml/layers';
import { TextClassificationPipeline } from '@wasmml/nlp';
import { adam } from '@wasmml/optimizers';
import * as wm from '@wasmml/tensor';
import { jaxArray, jaxInts, jaxModel } from './api/jax-models.mjs';
import { mnist, seedModel, text } from './api/seed-models.mjs';
import { round, tfjs } from './harness.mjs';

const tf = await tfjs('wasm');
await (process.env.THREADS ? wm.init({ threads: Number(process.env.THREADS) }) : wm.ready());
await jaxInit('wasm');
const cases = new Set((process.env.API_CASES ?? 'ops,predict,fit,evaluate').split(','));
const quick = process.env.BENCH_QUICK === '1';
const SEQ = Number(process.env.LSTM_SEQ ?? 200);
const ours = { sequential, layers };
const theirs = { sequential: tfl.sequential, layers: tfl.layers };
const info = wm.backendInfo();
const common = {
  threads: info.threads,
  variant: info.variant,
  tfjs_threads: 1, // tfjs-backend-wasm runs no threads in Node
  jax_threads: typeof globalThis.Worker === 'function' ? 'workers' : 1, // jax-js needs a global Worker
};

/** Best of `rounds` medians of `reps` calls (after a warm-up call). */
function time(fn, { reps = 5, rounds = 3 } = {}) {
  fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const s = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      fn();
      s.push(performance.now() - t0);
    }
    s.sort((a, b) => a - b);
    best = Math.min(best, s[s.length >> 1]);
  }
  return best;
}

/** The same for async work (fit): best of `runs` after a warm-up. */
async function timeAsync(fn, runs = 3) {
  await fn();
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Reads a tfjs result back and frees it (not through tf.tidy: it walks a returned typed array element by element). */
function tfRead(t) {
  t.dataSync();
  t.dispose();
}

/** Runs a peer's case; its error (a missing kernel) becomes the reason in the output instead of a time. */
function peer(fn) {
  try {
    return { ms: fn() };
  } catch (e) {
    return {
      error: String(e?.message ?? e)
        .split('\n')[0]
        .slice(0, 140),
    };
  }
}
async function peerAsync(fn) {
  try {
    return { ms: await fn() };
  } catch (e) {
    return {
      error: String(e?.message ?? e)
        .split('\n')[0]
        .slice(0, 140),
    };
  }
}

function line(name, oursMs, { tfjs: t, jax: j, ...extra } = {}) {
  const out = { case: name, ours_ms: round(oursMs) };
  for (const [key, p] of [
    ['tfjs', t],
    ['jax', j],
  ]) {
    if (!p) continue;
    if (p.ms !== undefined) {
      out[`${key}_ms`] = round(p.ms);
      out[`vs_${key}`] = round(p.ms / oursMs, 2);
    } else out[`${key}_error`] = p.error;
  }
  console.log(JSON.stringify({ ...out, ...extra, ...common }));
}

const lcg = (n, seed) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
};

/**
 * What a readback of n floats at ptr costs: into a fresh array, as dataSync makes (`readback`), and into one made
 * beforehand (`copy`). The difference is the fresh allocation: first-touch page faults and GC of large buffers.
 */
function readbackTimes(ptr, n) {
  const out = new Float32Array(n);
  return {
    readback: time(() => new Float32Array(n).set(wk.f32View(ptr, n))),
    copy: time(() => out.set(wk.f32View(ptr, n))),
  };
}

if (cases.has('ops')) {
  // matMul: API (+ readback) vs the raw GEMM on preallocated buffers vs the peers.
  for (const n of [256, 1024]) {
    const av = lcg(n * n, 1),
      bv = lcg(n * n, 2);
    const a = wm.tensor(av, [n, n]),
      b = wm.tensor(bv, [n, n]);
    const api = time(() => {
      const c = wm.matMul(a, b);
      c.dataSync();
      c.dispose();
    });
    const pc = wk.alloc(n * n * 4);
    const kernel = time(() => wk.gemm(a.ptr, b.ptr, pc, n, n, n));
    const { readback, copy } = readbackTimes(pc, n * n);
    wk.free(pc);
    const ta = tf.tensor(av, [n, n]),
      tb = tf.tensor(bv, [n, n]);
    const tfjsMs = peer(() => time(() => tfRead(tf.matMul(ta, tb))));
    const ja = jaxArray(av, [n, n]),
      jb = jaxArray(bv, [n, n]);
    const mm = jit((x, y) => jnp.matmul(x, y));
    const jaxMs = peer(() => time(() => mm(ja.ref, jb.ref).dataSync(), { reps: n > 256 ? 3 : 5 }));
    line(`matMul ${n}x${n}x${n} + dataSync`, api, {
      tfjs: tfjsMs,
      jax: jaxMs,
      kernel_ms: round(kernel),
      readback_ms: round(readback),
      copy_ms: round(copy),
      api_over_kernel: round(api / kernel, 3),
      gflops: round((2 * n ** 3) / api / 1e6, 1),
    });
    wm.dispose([a, b]);
    tf.dispose([ta, tb]);
    ja.dispose();
    jb.dispose();
  }
  // conv2d at the three seed shapes (batch 32, 3x3, valid); jax-js convolves NCHW only, so it gets NCHW inputs.
  for (const [h, w, cin, cout] of [
    [28, 28, 1, 32],
    [13, 13, 32, 64],
    [32, 32, 3, 32],
  ]) {
    const B = 32,
      xShape = [B, h, w, cin],
      fShape = [3, 3, cin, cout];
    const xv = lcg(B * h * w * cin, 3),
      fv = lcg(9 * cin * cout, 4);
    const x = wm.tensor(xv, xShape),
      f = wm.tensor(fv, fShape);
    const api = time(() => {
      const y = wm.conv2d(x, f, 1, 'valid');
      y.dataSync();
      y.dispose();
    });
    const yLen = B * (h - 2) * (w - 2) * cout;
    const py = wk.alloc(yLen * 4);
    const kernel = time(() => wk.conv2d(x.ptr, f.ptr, py, xShape, fShape));
    const { readback, copy } = readbackTimes(py, yLen);
    wk.free(py);
    const tx = tf.tensor(xv, xShape),
      tfl4 = tf.tensor(fv, fShape);
    const tfjsMs = peer(() => time(() => tfRead(tf.conv2d(tx, tfl4, 1, 'valid'))));
    const jx = jnp.transpose(jaxArray(xv, xShape), [0, 3, 1, 2]),
      jf = jnp.transpose(jaxArray(fv, fShape), [3, 2, 0, 1]);
    const cv = jit((p, q) => lax.conv(p, q, [1, 1], 'VALID'));
    const jaxMs = peer(() => time(() => cv(jx.ref, jf.ref).dataSync(), { reps: 3, rounds: 2 }));
    line(`conv2d ${B}x${h}x${w}x${cin} -> ${cout} 3x3 + dataSync`, api, {
      tfjs: tfjsMs,
      jax: jaxMs,
      kernel_ms: round(kernel),
      readback_ms: round(readback),
      copy_ms: round(copy),
      api_over_kernel: round(api / kernel, 3),
      gflops: round((2 * yLen * 9 * cin) / api / 1e6, 1),
    });
    wm.dispose([x, f]);
    tf.dispose([tx, tfl4]);
    jx.dispose();
    jf.dispose();
  }
}

const N = quick ? 512 : 2048;
const digits = cases.has('predict') || cases.has('fit') || cases.has('evaluate') ? await mnist(N) : undefined;
const nchw = (xs, n) => jnp.transpose(jaxArray(xs.subarray(0, n * 784), [n, 28, 28, 1]), [0, 3, 1, 2]);

if (cases.has('predict')) {
  const seqs = text(256, SEQ);
  for (const kind of ['mlp', 'cnn', 'lstm']) {
    const om = seedModel(kind, ours, adam, SEQ),
      tm = seedModel(kind, theirs, tf.train.adam, SEQ);
    const jm = kind === 'lstm' ? undefined : jaxModel(kind);
    for (const batch of [1, 256]) {
      const shape = kind === 'lstm' ? [batch, SEQ] : [batch, 28, 28, 1];
      const values = kind === 'lstm' ? seqs.ids.subarray(0, batch * SEQ) : digits.xs.subarray(0, batch * 784);
      const dtype = kind === 'lstm' ? 'int32' : 'float32';
      const ox = wm.tensor(values, shape, dtype),
        tx = tf.tensor(values, shape, dtype);
      const slow = kind === 'lstm' && batch > 1 ? { reps: 1, rounds: 2 } : undefined;
      const oursMs = time(() => {
        const p = om.predict(ox, { batchSize: batch });
        p.dataSync();
        p.dispose();
      }, slow);
      const tfjsMs = peer(() => time(() => tfRead(tm.predict(tx, { batchSize: batch })), slow));
      let jaxMs;
      if (jm) {
        const jx = kind === 'mlp' ? jaxArray(values, [batch, 784]) : nchw(digits.xs, batch);
        jaxMs = peer(() => time(() => jm.predict(jx.ref).dataSync()));
        jx.dispose();
      } else jaxMs = { error: 'not written for jax-js (no LSTM layer; a scan by hand)' };
      line(`predict ${kind} batch ${batch} + dataSync`, oursMs, { tfjs: tfjsMs, jax: jaxMs });
      wm.dispose(ox);
      tx.dispose();
    }
    om.dispose();
    tm.dispose();
    jm?.dispose();
  }
}

if (cases.has('fit')) {
  const B = 32;
  for (const kind of ['mlp', 'cnn', 'lstm']) {
    const n = kind === 'lstm' ? (quick ? 64 : 256) : N;
    const seqs = kind === 'lstm' ? text(n, SEQ) : undefined;
    const shape = kind === 'lstm' ? [n, SEQ] : [n, 28, 28, 1];
    const values = seqs ? seqs.ids : digits.xs;
    const labels = seqs ? seqs.ys : digits.ys;
    const dtype = seqs ? 'int32' : 'float32';
    const om = seedModel(kind, ours, adam, SEQ),
      tm = seedModel(kind, theirs, tf.train.adam, SEQ);
    const ox = wm.tensor(values, shape, dtype),
      oy = wm.tensor(labels, [n], 'int32');
    const runs = kind === 'lstm' ? 1 : 2;
    const oursMs = await timeAsync(() => om.fit(ox, oy, { epochs: 1, batchSize: B, verbose: 0 }), runs);
    // tfjs-backend-wasm lacks the CNN's Conv2DBackpropFilter and the embedding's UnsortedSegmentSum: its error is reported.
    // tfjs-layers' sparse cross-entropy floors its labels, which must then be float32.
    const tx = tf.tensor(values, shape, dtype),
      ty = tf.tensor(Float32Array.from(labels), [n]);
    const tfjsMs = await peerAsync(() => timeAsync(() => tm.fit(tx, ty, { epochs: 1, batchSize: B, verbose: 0 }), 1));
    let jaxMs;
    if (kind !== 'lstm') {
      // jax-js gets its batches premade (no shuffle) and reads each step's loss back, as fit does.
      const jm = jaxModel(kind);
      const batches = [];
      for (let s = 0; s + B <= n; s += B) {
        batches.push([
          kind === 'mlp' ? jaxArray(digits.xs.subarray(s * 784, (s + B) * 784), [B, 784]) : nchw(digits.xs.subarray(s * 784), B),
          jaxInts(digits.ys.subarray(s, s + B), [B]),
        ]);
      }
      jaxMs = await peerAsync(() =>
        timeAsync(async () => {
          for (const [bx, by] of batches) jm.step(bx.ref, by.ref).dataSync();
        }, 1),
      );
      for (const [bx, by] of batches) {
        bx.dispose();
        by.dispose();
      }
      jm.dispose();
    } else jaxMs = { error: 'not written for jax-js (no LSTM layer; a scan by hand)' };
    const rate = (ms) => round((n / ms) * 1000, 0);
    line(`fit ${kind} 1 epoch of ${n}, batch ${B} (samples/s)`, oursMs, {
      tfjs: tfjsMs,
      jax: jaxMs,
      ours_samples_per_s: rate(oursMs),
      ...(tfjsMs.ms ? { tfjs_samples_per_s: rate(tfjsMs.ms) } : {}),
      ...(jaxMs.ms ? { jax_samples_per_s: rate(jaxMs.ms) } : {}),
    });
    if (kind === 'lstm') {
      // The same model and data through the pipeline: texts in (one word per token id), vectorised by fit.
      const texts = Array.from({ length: n }, (_, i) => Array.from(seqs.ids.subarray(i * SEQ, (i + 1) * SEQ), (t) => `w${t}`).join(' '));
      const pipe = new TextClassificationPipeline({
        vectorizer: { maxTokens: 10000, outputSequenceLength: SEQ },
        classifier: { encoder: 'lstm', embeddingDim: 256, units: 128, numClasses: 2 },
      });
      const pipeMs = await timeAsync(() => pipe.fit(texts, Array.from(labels), { epochs: 1, batchSize: B, verbose: 0 }), runs);
      // Its model on the ids it vectorised: the pipeline's own cost is the difference.
      const ids = pipe.vectorize(texts),
        hot = wm.oneHot(wm.tensor(labels, [n], 'int32'), 2, 1, 0, 'float32');
      const innerMs = await timeAsync(() => pipe.model.fit(ids, hot, { epochs: 1, batchSize: B, verbose: 0 }), runs);
      wm.dispose([ids, hot]);
      console.log(
        JSON.stringify({
          case: `fit lstm TextClassificationPipeline 1 epoch of ${n} texts, batch ${B}`,
          pipeline_ms: round(pipeMs),
          pipeline_model_on_ids_ms: round(innerMs),
          seed_model_ms: round(oursMs),
          pipeline_samples_per_s: rate(pipeMs),
          pipeline_model_samples_per_s: rate(innerMs),
          seed_model_samples_per_s: rate(oursMs),
          pipeline_over_its_model: round(pipeMs / innerMs, 3),
          pipeline_over_seed_model: round(pipeMs / oursMs, 3),
          vocabulary: pipe.vectorizer.vocabularySize(),
          ...common,
        }),
      );
      pipe.model.dispose();
    }
    om.dispose();
    tm.dispose();
    wm.dispose([ox, oy]);
    tf.dispose([tx, ty]);
  }
}

if (cases.has('evaluate')) {
  for (const kind of ['mlp', 'cnn']) {
    const om = seedModel(kind, ours, adam),
      tm = seedModel(kind, theirs, tf.train.adam);
    const ox = wm.tensor(digits.xs, [N, 28, 28, 1]),
      oy = wm.tensor(digits.ys, [N], 'int32');
    const tx = tf.tensor(digits.xs, [N, 28, 28, 1]),
      ty = tf.tensor(Float32Array.from(digits.ys), [N]);
    const slow = { reps: 3, rounds: 2 };
    const oursMs = time(() => {
      const r = om.evaluate(ox, oy, { batchSize: 256 });
      for (const t of r) t.dataSync();
      wm.dispose(r);
    }, slow);
    const tfjsMs = peer(() =>
      time(() => {
        const r = tm.evaluate(tx, ty, { batchSize: 256 });
        for (const t of r) t.dataSync();
        tf.dispose(r);
      }, slow),
    );
    line(`evaluate ${kind} ${N} samples, batch 256`, oursMs, { tfjs: tfjsMs });
    om.dispose();
    tm.dispose();
    wm.dispose([ox, oy]);
    tf.dispose([tx, ty]);
  }
}
process.exit(0);
