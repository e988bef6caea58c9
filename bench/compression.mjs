// int8 against float32 inference of the seed MNIST CNN (Conv32-Pool-Dense128-
// Dense10), side by side in one process on the same build: QuantizedModel.predict
// (int8 conv2d and GEMM kernels, u7 activations between them) vs
// LayersModel.predict, at batch 1 and 256. Both see the same inputs; the int8
// model is calibrated on 256 of them. The two are timed alternately, call after
// call, so that load from other processes falls on both alike; the ratio of the
// minima and of the medians is reported.
// BENCH_RELAXED=1 runs both on the relaxed-SIMD build (Node 20: behind its V8 flag).
// BENCH_LAYERS=1 also prints where the int8 model's time goes, step by step.
// The "tfjs_ms" column of the shared report format holds the float32 time here.
import { init, backendInfo } from '@wasmml/kernels';
import { layers, sequential } from '@wasmml/layers';
import * as wm from '@wasmml/tensor';
import { quantizeModel } from '@wasmml/compression';
import { report, round } from './harness.mjs';

await init({ relaxedSimd: process.env.BENCH_RELAXED === '1' });
wm.setSeed(1);
const model = sequential({
  layers: [
    layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
const x = wm.randomUniform([256, 28, 28, 1], 0, 1, 'float32', 2);
const q = await quantizeModel(model, { calibrationData: x });
const budgetMs = Number(process.env.BENCH_MS ?? 3000);

const run = (m, input) => () => {
  const y = m.predict(input, { batchSize: 256 });
  y.dataSync();
  y.dispose();
};
const stats = (a) => {
  a.sort((u, v) => u - v);
  return { min: a[0], median: a[a.length >> 1] };
};
/** Times a and b alternately for budgetMs (after a warm-up); min and median of each. */
function sideBySide(a, b) {
  for (let i = 0; i < 3; i++) {
    a();
    b();
  }
  const ta = [],
    tb = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end || ta.length < 10) {
    let s = performance.now();
    a();
    ta.push(performance.now() - s);
    s = performance.now();
    b();
    tb.push(performance.now() - s);
  }
  return { a: stats(ta), b: stats(tb), n: ta.length };
}

for (const batch of [1, 256]) {
  const input = wm.slice(x, 0, batch);
  const { a: int8, b: float, n } = sideBySide(run(q, input), run(model, input));
  report(`seed CNN predict batch=${batch} int8 vs float32`, int8.min, float.min, {
    median_ratio: round(float.median / int8.median),
    int8_median_ms: round(int8.median),
    float32_median_ms: round(float.median),
    int8_samples_per_s: round((batch * 1000) / int8.min, 0),
    float32_samples_per_s: round((batch * 1000) / float.min, 0),
    calls: n,
    variant: backendInfo().variant,
    threads: backendInfo().threads,
  });
  input.dispose();
}

if (process.env.BENCH_LAYERS === '1') {
  // The int8 model's steps as it runs them (q.layers[i].runs), each timed alone at batch 256 (min of 40).
  const best = (fn) => {
    for (let i = 0; i < 3; i++) fn();
    let m = Infinity;
    for (let i = 0; i < 40; i++) {
      const s = performance.now();
      fn();
      m = Math.min(m, performance.now() - s);
    }
    return m;
  };
  const [conv, , , d1, d2] = q.steps;
  const qx = wm.quantizeActivations(x, conv.input);
  const pooled = wm.int8Conv2d(qx, conv.weights, [3, 3], conv.input, { activation: 'relu', output: d1.input, maxPool2x2: true });
  const flat = pooled.reshape([256, 13 * 13 * 32]);
  const h = wm.int8MatMul(flat, d1.weights, d1.input, 'relu', d2.input);
  const steps = {
    'quantize the input (f32 -> u7)': () => wm.quantizeActivations(x, conv.input).dispose(),
    'conv2d + relu + 2x2 max pool -> u7': () =>
      wm.int8Conv2d(qx, conv.weights, [3, 3], conv.input, { activation: 'relu', output: d1.input, maxPool2x2: true }).dispose(),
    'dense 5408x128 + relu -> u7': () => wm.int8MatMul(flat, d1.weights, d1.input, 'relu', d2.input).dispose(),
    'dense 128x10 -> f32': () => wm.int8MatMul(h, d2.weights, d2.input, 'linear').dispose(),
    'whole int8 predict': () => q.predict(x).dispose(),
  };
  for (const [step, fn] of Object.entries(steps)) {
    console.log(JSON.stringify({ case: 'int8 step, batch 256', step, ms: round(best(fn)), variant: backendInfo().variant }));
  }
  // The float model's layers, each alone on its float input.
  let t = x;
  for (const l of model.layers) {
    const input = t;
    console.log(
      JSON.stringify({
        case: 'float32 layer, batch 256',
        step: l.name,
        ms: round(best(() => l.apply(input, { training: false }).dispose())),
        variant: backendInfo().variant,
      }),
    );
    t = l.apply(input, { training: false });
  }
}
