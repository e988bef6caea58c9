// int8 against float32 inference of the seed MNIST CNN (Conv32-Pool-Dense128-
// Dense10), side by side in one process on the same build: QuantizedModel.predict
// (int8 conv2d and GEMM kernels) vs LayersModel.predict, at batch 1 and 256.
// Both see the same inputs; the int8 model is calibrated on 256 of them.
// BENCH_RELAXED=1 runs both on the relaxed-SIMD build (Node 20: behind its V8 flag).
// The "tfjs_ms" column of the shared report format holds the float32 time here.
import { init, backendInfo } from '@wasmml/kernels';
import { layers, sequential } from '@wasmml/layers';
import * as wm from '@wasmml/tensor';
import { quantizeModel } from '@wasmml/compression';
import { report, time as median, round } from './harness.mjs';

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

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const time = (fn) => {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) best = Math.min(best, median(fn));
  return best;
};
const run = (m, input) => () => {
  const y = m.predict(input, { batchSize: 256 });
  y.dataSync();
  y.dispose();
};

for (const batch of [1, 256]) {
  const input = wm.slice(x, 0, batch);
  const floatMs = time(run(model, input));
  const int8Ms = time(run(q, input));
  report(`seed CNN predict batch=${batch} int8 vs float32`, int8Ms, floatMs, {
    int8_samples_per_s: round((batch * 1000) / int8Ms, 0),
    float32_samples_per_s: round((batch * 1000) / floatMs, 0),
    variant: backendInfo().variant,
    threads: backendInfo().threads,
  });
  input.dispose();
}
