// Where a training step of the seed MNIST CNN (Conv32-Pool-Dense128-Dense10,
// Adam, batch 32) spends its time, from profile(): per step, the wall time and
// its kernel / overhead split, then each scope (layer forward and backward, the
// loss, the optimizer step, the metrics) and the kernels that take longest.
// One JSON line each. Env: N (samples per profiled epoch, default 1024), THREADS.
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import * as wm from '@wasmml/tensor';
import { mnist, seedModel } from './api/seed-models.mjs';
import { round } from './harness.mjs';

await (process.env.THREADS ? wm.init({ threads: Number(process.env.THREADS) }) : wm.ready());
const N = Number(process.env.N ?? 1024),
  B = 32,
  steps = N / B;
const { xs, ys } = await mnist(N);
const model = seedModel('cnn', { sequential, layers }, adam);
const x = wm.tensor(xs, [N, 28, 28, 1]),
  y = wm.tensor(ys, [N], 'int32');
await model.fit(x, y, { epochs: 1, batchSize: B, verbose: 0 }); // warm-up: slots, tier-up
const info = await wm.profile(() => model.fit(x, y, { epochs: 1, batchSize: B, verbose: 0 }));
const per = (ms) => round(ms / steps);
const { threads, variant } = wm.backendInfo();
console.log(
  JSON.stringify({
    case: 'seed CNN training step, batch 32',
    samples_per_s: round((N / info.wallMs) * 1000, 0),
    step_ms: per(info.wallMs),
    kernel_ms: per(info.kernelMs),
    overhead_ms: per(info.overheadMs),
    kernel_calls: round(info.kernels.length / steps, 1),
    new_tensors: info.newTensors,
    peak_bytes: info.peakBytes,
    threads,
    variant,
  }),
);
for (const s of info.byScope) {
  console.log(
    JSON.stringify({
      scope: s.name,
      forward_ms: per(s.forwardMs),
      backward_ms: per(s.backwardMs),
      kernel_ms: per(s.forwardKernelMs + s.backwardKernelMs),
      overhead_ms: per(s.overheadMs),
    }),
  );
}
const byCall = new Map();
for (const k of info.kernels) {
  const key = `${k.scope} ${k.phase} ${k.name}`;
  const e = byCall.get(key) ?? { scope: k.scope, phase: k.phase, kernel: k.name, items: k.items, threads: k.threads, calls: 0, ms: 0 };
  e.calls++;
  e.ms += k.kernelTimeMs;
  byCall.set(key, e);
}
for (const e of [...byCall.values()].sort((a, b) => b.ms - a.ms).slice(0, 12)) {
  console.log(JSON.stringify({ ...e, calls: e.calls / steps, ms: per(e.ms), share: round(e.ms / info.kernelMs, 3) }));
}
process.exit(0);
