// Training throughput under CPU contention: the seed MNIST CNN (Conv32-Pool-
// Dense128-Dense10, Adam, batch 32) alone, then with a busy-loop process beside
// it, alternating so drifting machine load hits both alike. The pool must wait
// in Atomics.wait, not spin against the OS: with T threads and one busy
// process on C cores, a fair share is about min(1, C / (T + 1)) of the alone
// rate. Prints one JSON line: both rates, their ratio and that fair share.
// BUSY=n runs n busy processes; BENCH_QUICK=1 trains fewer samples.
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import * as wm from '@wasmml/tensor';
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { loadMnist } from '@wasmml/datasets';
import { round } from './harness.mjs';

// THREADS=n sets the pool size (default: one per core).
const info = process.env.THREADS ? await wm.init({ threads: Number(process.env.THREADS) }) : await wm.ready();
const quick = process.env.BENCH_QUICK === '1';
const busyCount = Number(process.env.BUSY ?? 1);
const N = quick ? 512 : 1024;
const mnist = await loadMnist({ source: 'embedded' });
const xs = new Float32Array(N * 784),
  ys = new Int32Array(N);
for (let i = 0; i < N; i++) {
  const img = mnist.image(i);
  for (let j = 0; j < 784; j++) xs[i * 784 + j] = img.data[j]; // image() is already scaled to [0, 1]
  ys[i] = mnist.labels[i];
}
const model = sequential({
  layers: [
    layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: adam(0.001), loss: 'sparseCategoricalCrossentropy' });
const ox = wm.tensor(xs, [N, 28, 28, 1]),
  oy = wm.tensor(ys, [N], 'int32');

async function rate() {
  const t0 = performance.now();
  await model.fit(ox, oy, { epochs: 1, batchSize: 32, verbose: 0, shuffle: false });
  return N / ((performance.now() - t0) / 1000);
}

function startBusy() {
  return Array.from({ length: busyCount }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

await rate(); // warm-up
const alone = [],
  busy = [];
for (let r = 0; r < (quick ? 2 : 3); r++) {
  alone.push(await rate());
  const procs = startBusy();
  await new Promise((res) => setTimeout(res, 300)); // let the busy loops get going
  try {
    busy.push(await rate());
  } finally {
    for (const p of procs) p.kill('SIGKILL');
  }
}
const threads = info.threads,
  cores = availableParallelism();
const a = median(alone),
  b = median(busy);
console.log(
  JSON.stringify({
    case: `seed MNIST CNN training, batch 32, alone vs beside ${busyCount} busy-loop process(es) (samples/s)`,
    alone_samples_per_s: round(a, 0),
    busy_samples_per_s: round(b, 0),
    ratio: round(b / a),
    fair_share: round(Math.min(1, cores / (threads + busyCount))),
    threads,
    cores,
    alone_runs: alone.map((v) => round(v, 0)),
    busy_runs: busy.map((v) => round(v, 0)),
    loadavg_1min: round(loadavg()[0], 1),
  }),
);
