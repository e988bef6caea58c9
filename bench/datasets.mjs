// Input pipeline throughput: the 10,000 embedded MNIST digits, shuffled, with
// random crop (2-pixel padding) + horizontal flip, batched by 32 into tensors;
// against the same pipeline in tf.data on tfjs-core's cpu backend.
import { augment, loadMnist } from '@wasmml/datasets';
import * as tfdata from '@tensorflow/tfjs-data';
import { report, round, tfjs } from './harness.mjs';

const EPOCHS = 5;
const set = await loadMnist({ source: 'embedded' });

async function epochOurs(ds) {
  let n = 0;
  for await (const b of ds) {
    n += b.xs.shape[0];
    b.xs.dispose();
    b.ys.dispose();
  }
  return n;
}

const ours = set
  .dataset()
  .shuffle(10_000, { seed: 1 })
  .map(augment({ seed: 2, cropPadding: 2, flip: true }))
  .batch(32);
await epochOurs(ours); // warm-up: JIT and arena growth
// The machine is shared: CPU time of this process is reported beside wall time,
// as the rate one core sustains when nothing else competes for it.
let t0 = performance.now();
const cpu0 = process.cpuUsage();
let samples = 0;
for (let e = 0; e < EPOCHS; e++) samples += await epochOurs(ours);
const cpu = process.cpuUsage(cpu0);
const oursMs = (performance.now() - t0) / EPOCHS;
const oursRate = samples / ((performance.now() - t0) / 1000);
const oursCpuRate = samples / ((cpu.user + cpu.system) / 1e6);

// tf.data: the same steps with tfjs ops per element (pad, random slice, maybe reverse).
const tf = await tfjs('cpu');
const images = [];
for (let i = 0; i < set.count; i++) images.push({ xs: set.image(i).data, ys: set.labels[i] });
let s = 7;
const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
const theirs = tfdata
  .array(images)
  .shuffle(10_000, '1')
  .map(({ xs, ys }) =>
    tf.tidy(() => {
      const img = tf.tensor3d(xs, [28, 28, 1]);
      const padded = tf.pad(img, [
        [2, 2],
        [2, 2],
        [0, 0],
      ]);
      const crop = tf.slice(padded, [Math.floor(rand() * 5), Math.floor(rand() * 5), 0], [28, 28, 1]);
      return { xs: rand() < 0.5 ? tf.reverse(crop, 1) : crop, ys };
    }),
  )
  .batch(32);
async function epochTheirs() {
  let n = 0;
  await theirs.forEachAsync((b) => {
    n += b.xs.shape[0];
    tf.dispose(b);
  });
  return n;
}
await epochTheirs();
t0 = performance.now();
let theirSamples = 0;
for (let e = 0; e < 2; e++) theirSamples += await epochTheirs();
const theirMs = (performance.now() - t0) / 2;

report('pipeline mnist-embedded shuffle+crop+flip+batch32 (epoch)', oursMs, theirMs, {
  samples_per_s: Math.round(oursRate),
  samples_per_cpu_s: Math.round(oursCpuRate),
  tfjs_samples_per_s: Math.round(theirSamples / ((theirMs * 2) / 1000)),
  tfjs: 'tf.data on tfjs-core cpu',
  epochs: EPOCHS,
  ms_per_batch: round(oursMs / Math.ceil(set.count / 32)),
});
process.exit(0);
