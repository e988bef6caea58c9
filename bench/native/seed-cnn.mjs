// The seed MNIST CNN (Conv32-Pool-Dense128-Dense10, Adam 1e-3, batch 32) trained
// by wasmml, then Keras 3 on TensorFlow CPU and PyTorch CPU on the same digits,
// back to back (ROUNDS times, alternating, so drifting machine load hits all
// alike). Optional and never in CI: it needs the Python environment of
// scripts/python-env.mjs (tensorflow-cpu, keras, torch); without it, it says so.
//
//   N=4096 EPOCHS=3 ROUNDS=2 THREADS=2 node bench/native/seed-cnn.mjs   (the defaults; THREADS for all three)
//
// Prints one JSON line per run and a summary: best samples/s of each and
// wasmml's ratio to each (> 1: wasmml is faster).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import * as wm from '@wasmml/tensor';
import { mnist, seedModel } from '../api/seed-models.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.N ?? 4096),
  EPOCHS = Number(process.env.EPOCHS ?? 3),
  ROUNDS = Number(process.env.ROUNDS ?? 2),
  THREADS = Number(process.env.THREADS ?? 2);

let python;
try {
  python = execFileSync(process.execPath, [join(here, '..', '..', 'scripts', 'python-env.mjs'), '--check'], { encoding: 'utf8' }).trim();
} catch {
  console.error('bench/native: no Python environment; `node scripts/python-env.mjs` makes it (tensorflow-cpu, keras, torch)');
  process.exit(0);
}

await wm.init({ threads: THREADS });
const { xs, ys } = await mnist(N);
const dir = mkdtempSync(join(tmpdir(), 'wasmml-native-'));
const file = join(dir, 'digits.bin');
const bytes = new Uint8Array(xs.byteLength + ys.byteLength);
bytes.set(new Uint8Array(xs.buffer, xs.byteOffset, xs.byteLength));
bytes.set(new Uint8Array(ys.buffer, ys.byteOffset, ys.byteLength), xs.byteLength);
writeFileSync(file, bytes);

async function wasmml() {
  const model = seedModel('cnn', { sequential, layers }, adam);
  const x = wm.tensor(xs, [N, 28, 28, 1]),
    y = wm.tensor(ys, [N], 'int32');
  const rates = [];
  let acc = 0;
  for (let e = 0; e <= EPOCHS; e++) {
    const t0 = performance.now();
    const h = await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
    if (e > 0) rates.push(N / ((performance.now() - t0) / 1000));
    acc = h.history.acc.at(-1);
  }
  model.dispose();
  wm.dispose([x, y]);
  const info = wm.backendInfo();
  return {
    framework: 'wasmml',
    version: `${info.variant}, ${info.threads} threads`,
    threads: info.threads,
    samples_per_s: Math.round(Math.max(...rates)),
    epochs_samples_per_s: rates.map(Math.round),
    last_epoch_accuracy: Math.round(acc * 1e4) / 1e4,
  };
}

const python_ = (framework) =>
  JSON.parse(
    execFileSync(python, [join(here, 'seed_cnn.py'), framework, file, String(N), String(EPOCHS), String(THREADS)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n')
      .at(-1),
  );

const best = {};
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const run of [wasmml, () => python_('keras'), () => python_('torch')]) {
      const res = await run();
      console.log(JSON.stringify({ round: r, samples: N, ...res }));
      best[res.framework] = Math.max(best[res.framework] ?? 0, res.samples_per_s);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    case: `seed CNN training, batch 32, ${N} samples, best epoch of ${ROUNDS} x ${EPOCHS}`,
    wasmml_samples_per_s: best.wasmml,
    keras_samples_per_s: best.keras,
    torch_samples_per_s: best.torch,
    vs_keras: Math.round((best.wasmml / best.keras) * 100) / 100,
    vs_torch: Math.round((best.wasmml / best.torch) * 100) / 100,
  }),
);
process.exit(0);
