// Saving and loading a layers model: ours (TensorFlow.js format plus SHA-256
// integrity record; file:// writes are atomic and flushed to disk) against
// tfjs-layers in the same process. In memory: model.save to a handler that
// keeps the artifacts, and loadLayersModel from them. On disk: ours file://
// against a tfjs handler writing the same model.json + weights.bin with plain
// writeFile (tfjs-node's file handler is not installed; it neither renames
// nor fsyncs). Model: MLP 784-1024-1024-10 (1.86M weights, 7.5 MB).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { io, layers, loadLayersModel, sequential } from '@wasmml/layers';
import { report, tfjs } from './harness.mjs';

const tf = await tfjs('wasm');

/** Median ms of an async fn. */
async function timeAsync(fn, { reps = 7, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const s = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    s.push(performance.now() - t0);
  }
  s.sort((a, b) => a - b);
  return s[s.length >> 1];
}

const units = [1024, 1024, 10];
const ours = sequential({
  layers: units.map((u, i) => layers.dense({ units: u, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })),
});
const theirs = tfl.sequential({
  layers: units.map((u, i) => tfl.layers.dense({ units: u, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })),
});
const params = ours.countParams();
const info = { params, mb: Math.round((params * 4) / 1e5) / 10 };
const done = { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };

let oursArtifacts, tfjsArtifacts;
const oursSave = await timeAsync(() =>
  ours.save(
    io.withSaveHandler(async (a) => {
      oursArtifacts = a;
      return done;
    }),
  ),
);
const tfjsSave = await timeAsync(() =>
  theirs.save(
    tf.io.withSaveHandler(async (a) => {
      tfjsArtifacts = a;
      return done;
    }),
  ),
);
report('save to memory (ours: + SHA-256)', oursSave, tfjsSave, info);

const oursLoad = await timeAsync(async () => (await loadLayersModel(io.fromMemory(oursArtifacts))).dispose());
const tfjsLoad = await timeAsync(async () => (await tfl.loadLayersModel(tf.io.fromMemory(tfjsArtifacts))).dispose());
report('load from memory (ours: + SHA-256 check)', oursLoad, tfjsLoad, info);

const dir = mkdtempSync(join(tmpdir(), 'wasmml-bench-io-'));
try {
  const oursDir = join(dir, 'ours'),
    tfjsDir = join(dir, 'tfjs');
  const tfjsFiles = tf.io.withSaveHandler(async (a) => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(tfjsDir, { recursive: true });
    writeFileSync(join(tfjsDir, 'weights.bin'), new Uint8Array(a.weightData));
    writeFileSync(
      join(tfjsDir, 'model.json'),
      JSON.stringify({
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      }),
    );
    return done;
  });
  const tfjsRead = {
    load: async () => {
      const j = JSON.parse(readFileSync(join(tfjsDir, 'model.json'), 'utf8'));
      const w = readFileSync(join(tfjsDir, 'weights.bin'));
      return {
        modelTopology: j.modelTopology,
        weightSpecs: j.weightsManifest[0].weights,
        weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength),
      };
    },
  };
  report(
    'save file:// (ours: atomic + fsync)',
    await timeAsync(() => ours.save(`file://${oursDir}`)),
    await timeAsync(() => theirs.save(tfjsFiles)),
    info,
  );
  report(
    'load file://',
    await timeAsync(async () => (await loadLayersModel(`file://${oursDir}`)).dispose()),
    await timeAsync(async () => (await tfl.loadLayersModel(tfjsRead)).dispose()),
    info,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
