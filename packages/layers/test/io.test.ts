// Save and load in the TensorFlow.js layers format: our models round-trip
// exactly through every handler; models saved by tfjs-layers load and predict
// as tfjs does (and ours load in tfjs); optimizer state carries training on;
// damaged or mixed files fail with errors that name the file.
import 'fake-indexeddb/auto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveObjectURL } from 'node:buffer';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '@wasmml/test-utils/tfjs';
import * as tfl from '@tensorflow/tfjs-layers';
import * as wm from '@wasmml/tensor';
import { adagrad, adam, exponentialDecay, momentum, rmsprop } from '@wasmml/optimizers';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import {
  input,
  io,
  layers,
  loadLayersModel,
  losses,
  model,
  sequential,
  type LayersModel,
  type ModelArtifacts,
  type ModelJSON,
} from '@wasmml/layers';
import { platform as webRuntime } from '@wasmml/platform/web';
import { filesFor } from '../src/io/files.js';

const webPlatform = filesFor(webRuntime);

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wasmml-io-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Data = { shape: number[]; values: Float32Array };
const floats = (shape: number[], seed: number, lo = -1, hi = 1): Data => ({
  shape,
  values: randomFloats(
    shape.reduce((a, b) => a * b, 1),
    seed,
    lo,
    hi,
  ),
});
/** Integer ids in [0, n), with trailing zeros (padding) on every other row. */
function ids(rows: number, len: number, n: number, seed: number): Data {
  const r = randomFloats(rows * len, seed, 0, 1);
  const v = new Float32Array(rows * len);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < len; j++) v[i * len + j] = i % 2 === 1 && j >= len - 2 ? 0 : 1 + Math.floor(r[i * len + j]! * (n - 1));
  }
  return { shape: [rows, len], values: v };
}

const ours = (d: Data) => wm.tensor(d.values, d.shape);
const theirs = (d: Data) => tf.tensor(d.values, d.shape);

function predictOurs(m: LayersModel, xs: Data[]): Float32Array {
  return wm.tidy(() => {
    const out = m.predict(xs.length === 1 ? ours(xs[0]!) : xs.map(ours));
    return (Array.isArray(out) ? out[0]! : out).dataSync() as Float32Array;
  });
}
function predictTfjs(m: tfl.LayersModel, xs: Data[]): Float32Array {
  return tf.tidy(() => {
    const out = m.predict(xs.length === 1 ? theirs(xs[0]!) : xs.map(theirs)) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out[0]! : out).dataSync() as Float32Array;
  });
}

/** Gives every tfjs weight seeded values (moving variances positive) so no layer is at its initial state. */
function randomizeTfjs(m: tfl.LayersModel, seed: number): void {
  m.setWeights(
    m.weights.map((w, i) => {
      const shape = w.shape as number[];
      const d = randomFloats(
        shape.reduce((a, b) => a * b, 1),
        seed + i,
        -0.8,
        0.8,
      );
      if (w.originalName.endsWith('moving_variance')) for (let k = 0; k < d.length; k++) d[k] = Math.abs(d[k]!) + 0.3;
      return tf.tensor(d, shape);
    }),
  );
}

/** A tfjs save handler writing model.json plus shards of at most shardBytes, as tensorflowjs writes them. */
function tfjsDirHandler(dir: string, shardBytes: number) {
  return tf.io.withSaveHandler(async (a) => {
    const parts = Array.isArray(a.weightData) ? a.weightData : [a.weightData!];
    const data = new Uint8Array(tf.io.concatenateArrayBuffers(parts));
    const n = Math.max(1, Math.ceil(data.byteLength / shardBytes));
    const paths = Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);
    paths.forEach((p, i) => writeFileSync(join(dir, p), data.subarray(i * shardBytes, (i + 1) * shardBytes)));
    const json = {
      modelTopology: a.modelTopology,
      format: a.format,
      generatedBy: a.generatedBy,
      convertedBy: a.convertedBy,
      weightsManifest: [{ paths, weights: a.weightSpecs }],
      ...(a.trainingConfig ? { trainingConfig: a.trainingConfig } : {}),
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  });
}

async function saveTfjs(m: tfl.LayersModel, shardBytes: number, includeOptimizer = false): Promise<string> {
  const dir = tempDir();
  await m.save(tfjsDirHandler(dir, shardBytes), { includeOptimizer });
  return dir;
}

function readModelJSON(dir: string): ModelJSON {
  return JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJSON;
}

describe('models saved by tfjs-layers load and predict as tfjs does', () => {
  it('Sequential MLP (3 shards)', async () => {
    const t = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [6] }),
        tfl.layers.dropout({ rate: 0.4 }),
        tfl.layers.dense({ units: 8, activation: 'tanh' }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    randomizeTfjs(t, 10);
    const dir = await saveTfjs(t, 200);
    expect(readModelJSON(dir).weightsManifest[0]!.paths.length).toBeGreaterThan(2);
    const m = await loadLayersModel(`file://${dir}`);
    expect(m.getClassName()).toBe('Sequential');
    expect(m.layers.map((l) => l.name)).toEqual(t.layers.map((l) => l.name));
    const x = floats([9, 6], 3);
    expectClose(predictOurs(m, [x]), predictTfjs(t, [x]), 1e-5, 1e-6, 'MLP predictions');
    m.dispose();
  });

  it('CNN: conv2d, maxPooling2d, batchNormalization, flatten, dense (2 shards)', async () => {
    const t = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [8, 8, 2] }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.batchNormalization(),
        tfl.layers.conv2d({ filters: 3, kernelSize: [2, 3], strides: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 5, activation: 'softmax' }),
      ],
    });
    randomizeTfjs(t, 20);
    const dir = await saveTfjs(t, 400);
    const m = await loadLayersModel(`file://${dir}/model.json`);
    const x = floats([4, 8, 8, 2], 5);
    expectClose(predictOurs(m, [x]), predictTfjs(t, [x]), 1e-5, 1e-6, 'CNN predictions');
    m.dispose();
  });

  it('functional model with two inputs and a concatenate', async () => {
    const a = tfl.input({ shape: [3], name: 'num_a' });
    const b = tfl.input({ shape: [4] });
    const h = tfl.layers.concatenate().apply([tfl.layers.dense({ units: 6, activation: 'relu' }).apply(a) as tfl.SymbolicTensor, b]);
    const out = tfl.layers.dense({ units: 2 }).apply(tfl.layers.dense({ units: 5, activation: 'tanh' }).apply(h));
    const t = tfl.model({ inputs: [a, b], outputs: out as tfl.SymbolicTensor });
    randomizeTfjs(t, 30);
    const dir = await saveTfjs(t, 64);
    const m = await loadLayersModel(`file://${dir}`);
    expect(m.getClassName()).toBe('Model');
    expect(m.inputs.map((i) => i.sourceLayer!.name)).toEqual(t.inputs.map((i) => i.sourceLayer.name));
    const xs = [floats([7, 3], 6), floats([7, 4], 7)];
    expectClose(predictOurs(m, xs), predictTfjs(t, xs), 1e-5, 1e-6, 'two-input predictions');
    m.dispose();
  });

  it('embedding (maskZero) + LSTM, and a bidirectional GRU', async () => {
    const t = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 15, outputDim: 4, inputLength: 7, maskZero: true }),
        tfl.layers.lstm({ units: 6, recurrentInitializer: 'glorotNormal' }),
        tfl.layers.dense({ units: 2, activation: 'sigmoid' }),
      ],
    });
    randomizeTfjs(t, 40);
    const dir = await saveTfjs(t, 300);
    const m = await loadLayersModel(`file://${dir}`);
    const x = ids(6, 7, 15, 8);
    expectClose(predictOurs(m, [x]), predictTfjs(t, [x]), 1e-5, 1e-6, 'embedding+lstm predictions');
    m.dispose();

    const tb = tfl.sequential({
      layers: [
        tfl.layers.bidirectional({
          layer: tfl.layers.gru({ units: 3, recurrentInitializer: 'glorotNormal' }) as tfl.RNN,
          inputShape: [5, 2],
        }),
      ],
    });
    randomizeTfjs(tb, 50);
    const mb = await loadLayersModel(`file://${await saveTfjs(tb, 1 << 20)}`);
    const xb = floats([3, 5, 2], 9);
    expectClose(predictOurs(mb, [xb]), predictTfjs(tb, [xb]), 1e-5, 1e-6, 'bidirectional GRU predictions');
    mb.dispose();
  });

  it('includeOptimizer: compiled with the saved loss and Adam state; the next epoch matches tfjs', async () => {
    const t = tfl.sequential({
      layers: [tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [5] }), tfl.layers.dense({ units: 3, activation: 'softmax' })],
    });
    randomizeTfjs(t, 60);
    const x = floats([24, 5], 11);
    const y = { shape: [24, 3], values: Float32Array.from({ length: 72 }, (_, i) => (Math.floor(i / 3) % 3 === i % 3 ? 1 : 0)) };
    t.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await t.fit(theirs(x), theirs(y), { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    const dir = await saveTfjs(t, 1 << 20, true);
    const m = await loadLayersModel(`file://${dir}`);
    expect(m.compiled?.optimizer.getClassName()).toBe('Adam');
    expect(m.compiled?.optimizer.iterations).toBe(6);
    expect(m.compiled?.losses[0]?.name).toBe('categoricalCrossentropy');
    const h = await m.fit(ours(x), ours(y), { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    const th = await t.fit(theirs(x), theirs(y), { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    expectClose(h.history.loss!, th.history.loss as number[], 1e-4, 1e-6, 'loss of the next epoch');
    expect(h.history.acc).toEqual(th.history.acc);
    const tw = t.getWeights();
    m.getWeights().forEach((w, i) => expectClose(w.dataSync(), tw[i]!.dataSync(), 2e-4, 2e-5, `weight ${i} after the next epoch`));
    m.dispose();
  });
});

/** A functional model with every kind of weight: embedding, LSTM, batch norm (non-trainable), dense. */
function richModel(): LayersModel {
  const num = input({ shape: [4], name: 'num' });
  const tokens = input({ shape: [6], name: 'tokens' });
  const seq = layers.lstm({ units: 5 }).apply(layers.embedding({ inputDim: 20, outputDim: 4, maskZero: true }).apply(tokens));
  const h = layers.concatenate().apply([layers.batchNormalization().apply(num), seq] as never);
  const out = layers.dense({ units: 3, activation: 'softmax' }).apply(layers.dense({ units: 8, activation: 'relu' }).apply(h));
  return model({ inputs: [num, tokens], outputs: out as never, name: 'rich' });
}
const richX = [floats([10, 4], 21), ids(10, 6, 20, 22)];
const richY = { shape: [10, 3], values: Float32Array.from({ length: 30 }, (_, i) => (Math.floor(i / 3) % 3 === i % 3 ? 1 : 0)) };

function mlp(withDropout = true): LayersModel {
  return sequential({
    layers: [
      layers.dense({ units: 8, activation: 'relu', inputShape: [5] }),
      ...(withDropout ? [layers.dropout({ rate: 0.3 })] : []),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}
const mlpX = floats([12, 5], 31);

describe('our models round-trip', () => {
  it('file://: tfjs model.json (snake_case topology, manifest, integrity record), identical predictions, no temporary files', async () => {
    const m = mlp();
    const dir = tempDir();
    const res = await m.save(`file://${dir}`);
    expect(res.modelArtifactsInfo.weightDataBytes).toBe((5 * 8 + 8 + 8 * 3 + 3) * 4);
    // Weight files carry their content hash in the name, so a new save never overwrites a file the live model.json names.
    const [weightsFile] = readdirSync(dir).filter((f) => f !== 'model.json');
    expect(readdirSync(dir).sort()).toEqual(['model.json', weightsFile]);
    expect(weightsFile).toMatch(/^weights\.[0-9a-f]{16}\.bin$/);
    const j = readModelJSON(dir);
    expect(j.format).toBe('layers-model');
    const topo = j.modelTopology as {
      class_name: string;
      config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> };
    };
    expect(topo.class_name).toBe('Sequential');
    expect(topo.config.layers.map((l) => l.class_name)).toEqual(['Dense', 'Dropout', 'Dense']);
    expect(topo.config.layers[0]!.config.batch_input_shape).toEqual([null, 5]);
    expect(topo.config.layers[0]!.config.use_bias).toBe(true);
    const names = m.layers.map((l) => l.name);
    expect(j.weightsManifest[0]!.weights.map((w) => w.name)).toEqual([
      `${names[0]}/kernel`,
      `${names[0]}/bias`,
      `${names[2]}/kernel`,
      `${names[2]}/bias`,
    ]);
    expect(j.wasmml?.byteLength).toBe(statSync(join(dir, weightsFile!)).size);
    expect(j.wasmml?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const back = await loadLayersModel(`file://${dir}`);
    expect(back.layers.map((l) => l.name)).toEqual(names);
    expect(predictOurs(back, [mlpX])).toEqual(predictOurs(m, [mlpX]));
    back.dispose();
    m.dispose();
  });

  it('file://: a functional model with embedding, LSTM and batch norm over several shards; fewer shards later clean up', async () => {
    const m = richModel();
    m.compile({ optimizer: adam(0.01), loss: 'categoricalCrossentropy' });
    await m.fit(richX.map(ours), ours(richY), { epochs: 1, batchSize: 5, verbose: 0 }); // moves the batch-norm statistics
    const dir = tempDir();
    await m.save(io.fileSystem(dir, { shardSizeBytes: 256 }));
    const shards = readModelJSON(dir).weightsManifest[0]!.paths;
    expect(shards.length).toBeGreaterThan(3);
    expect(shards[0]).toMatch(new RegExp(`^weights-shard1of${shards.length}\\.[0-9a-f]{16}\\.bin$`));
    const back = await loadLayersModel(`file://${dir}`);
    expect(back.getClassName()).toBe('Model');
    expect(back.inputs.map((i) => i.sourceLayer!.name)).toEqual(['num', 'tokens']);
    expect(predictOurs(back, richX)).toEqual(predictOurs(m, richX));
    back.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(m.getWeights()[i]!.dataSync()));
    await m.save(`file://${dir}`);
    expect(readdirSync(dir).sort()).toEqual(['model.json', readModelJSON(dir).weightsManifest[0]!.paths[0]]);
    back.dispose();
    m.dispose();
  });

  it('includeOptimizer: the reloaded model trains on exactly as the original; a fresh optimizer would not', async () => {
    const x = ours(mlpX),
      y = ours({ shape: [12, 3], values: Float32Array.from({ length: 36 }, (_, i) => (i % 4 === 0 ? 1 : 0)) });
    const m = mlp(false); // no dropout: training must be deterministic to compare runs
    m.compile({ optimizer: adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await m.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const dir = tempDir();
    await m.save(`file://${dir}`, { includeOptimizer: true });
    const j = readModelJSON(dir);
    expect(j.trainingConfig?.loss).toBe('categorical_crossentropy');
    expect(j.trainingConfig?.optimizer_config.class_name).toBe('Adam');
    expect(j.weightsManifest[0]!.weights.filter((w) => w.group === 'optimizer').map((w) => w.name)).toContain(
      `${m.layers[0]!.name}/kernel/m`,
    );
    const back = await loadLayersModel(`file://${dir}`);
    const fresh = await loadLayersModel(`file://${dir}`);
    fresh.compile({ optimizer: adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    expect(back.compiled?.optimizer.iterations).toBe(9);
    const ho = await m.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const hb = await back.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const hf = await fresh.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    expect(hb.history).toEqual(ho.history);
    expect(hf.history.loss).not.toEqual(ho.history.loss);
    back.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(m.getWeights()[i]!.dataSync()));
    for (const d of [m, back, fresh]) d.dispose();
  });

  it('training settings round-trip: several optimizers and schedules, fromLogits, two outputs with loss weights', async () => {
    const opts = [
      () => rmsprop(0.01, 0.8, 0.5, 1e-6, true),
      () => momentum(0.05, 0.9, true),
      () => adagrad(0.1, 0.2),
      () => adam(exponentialDecay({ initialLearningRate: 0.02, decaySteps: 3, decayRate: 0.5 })),
    ];
    const x = ours(floats([16, 4], 51)),
      y1 = ours(floats([16, 2], 52)),
      y2 = ours(floats([16, 3], 53));
    for (const make of opts) {
      const inp = input({ shape: [4] });
      const h = layers.dense({ units: 6, activation: 'tanh' }).apply(inp);
      const a = layers.dense({ units: 2, name: `reg_${Math.random().toString(36).slice(2, 7)}` }).apply(h);
      const b = layers.dense({ units: 3, name: `cls_${Math.random().toString(36).slice(2, 7)}` }).apply(h);
      const m = model({ inputs: inp, outputs: [a, b] as never });
      const nb = m.outputs[1]!.sourceLayer!.name;
      m.compile({
        optimizer: make(),
        loss: ['meanSquaredError', losses.categoricalCrossentropy({ fromLogits: true })],
        metrics: { [nb!]: ['accuracy'] },
        lossWeights: [0.3, 2],
      });
      await m.fit(x, [y1, y2], { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
      const dir = tempDir();
      await m.save(`file://${dir}`, { includeOptimizer: true });
      const back = await loadLayersModel(`file://${dir}`);
      const c = back.compiled!;
      expect(c.optimizer.getConfig()).toEqual(m.compiled!.optimizer.getConfig());
      expect(c.losses.map((l) => [l.name, !!l.fromLogits])).toEqual([
        ['meanSquaredError', false],
        ['categoricalCrossentropy', true],
      ]);
      expect(c.lossWeights).toEqual([0.3, 2]);
      expect(c.metrics.map((ms) => ms.map((mm) => mm.name))).toEqual([[], [`${nb}_acc`]]);
      const ho = await m.fit(x, [y1, y2], { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      const hb = await back.fit(x, [y1, y2], { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      expect(hb.history).toEqual(ho.history);
      m.dispose();
      back.dispose();
    }
  });

  it('ours load in tfjs over http (and in ours, with a query string on the URL)', async () => {
    const t = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const m = sequential({
      layers: [
        layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const rich = richModel();
    const dirs = { cnn: tempDir(), rich: tempDir() };
    await m.save(io.fileSystem(dirs.cnn, { shardSizeBytes: 100 }));
    await rich.save(`file://${dirs.rich}`);
    const server: Server = createServer((req, res) => {
      const [, which, file] = /^\/(\w+)\/([\w.-]+)/.exec(req.url ?? '') ?? [];
      try {
        res.end(readFileSync(join(dirs[which as 'cnn'], file!)));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const x = floats([3, 6, 6, 1], 41);
      const tm = await tfl.loadLayersModel(`${base}/cnn/model.json`);
      expectClose(predictTfjs(tm, [x]), predictOurs(m, [x]), 1e-5, 1e-6, 'tfjs predictions of our CNN');
      const trich = await tfl.loadLayersModel(`${base}/rich/model.json`);
      expectClose(predictTfjs(trich, richX), predictOurs(rich, richX), 1e-5, 1e-6, 'tfjs predictions of our functional model');
      const progress: number[] = [];
      const back = await loadLayersModel(`${base}/cnn/model.json?v=1`, { onProgress: (f) => progress.push(f) });
      expect(predictOurs(back, [x])).toEqual(predictOurs(m, [x]));
      expect(progress.at(-1)).toBe(1);
      await expect(loadLayersModel(`${base}/nothing/model.json`)).rejects.toThrow(/HTTP 404/);
      back.dispose();
    } finally {
      server.close();
      m.dispose();
      rich.dispose();
      t.dispose();
    }
  });

  it('repeated save + load + dispose (with optimizer state) keeps tensor memory flat', async () => {
    const m = mlp(false);
    m.compile({ optimizer: adam(0.01), loss: 'categoricalCrossentropy' });
    await m.fit(ours(mlpX), ours({ shape: [12, 3], values: new Float32Array(36).fill(1 / 3) }), { epochs: 1, verbose: 0 });
    const dir = tempDir();
    const cycle = async () => {
      await m.save(`file://${dir}`, { includeOptimizer: true });
      (await loadLayersModel(`file://${dir}`)).dispose();
    };
    await cycle();
    const before = wm.memory();
    for (let i = 0; i < 3; i++) await cycle();
    const after = wm.memory();
    expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
    m.dispose();
  });

  it("indexeddb:// in tfjs's database layout", async () => {
    const m = mlp();
    await m.save('indexeddb://mlp-1');
    const back = await loadLayersModel('indexeddb://mlp-1');
    expect(predictOurs(back, [mlpX])).toEqual(predictOurs(m, [mlpX]));
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('tensorflowjs', 1);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    expect([...db.objectStoreNames].sort()).toEqual(['model_info_store', 'models_store']);
    const info = await new Promise<{ modelArtifactsInfo: { weightDataBytes: number } }>((res) => {
      const r = db.transaction('model_info_store').objectStore('model_info_store').get('mlp-1');
      r.onsuccess = () => res(r.result);
    });
    db.close();
    expect(info.modelArtifactsInfo.weightDataBytes).toBe(75 * 4);
    await expect(loadLayersModel('indexeddb://no-such-model')).rejects.toThrow(/no model named 'no-such-model'/);
    back.dispose();
    m.dispose();
  });

  it('downloads:// gives two files that browserFiles loads back; http save POSTs the same two parts', async () => {
    const m = mlp();
    const anchors: Array<{ href: string; download: string; clicked: boolean }> = [];
    const g = globalThis as { document?: unknown };
    g.document = {
      createElement: () => {
        const a = {
          href: '',
          download: '',
          clicked: false,
          click() {
            this.clicked = true;
          },
        };
        anchors.push(a);
        return a;
      },
    };
    try {
      await m.save('downloads://my-mlp');
    } finally {
      delete g.document;
    }
    expect(anchors.map((a) => [a.download, a.clicked])).toEqual([
      ['my-mlp.weights.bin', true],
      ['my-mlp.json', true],
    ]);
    const files = await Promise.all(anchors.map(async (a) => new File([await resolveObjectURL(a.href)!.arrayBuffer()], a.download)));
    const back = await loadLayersModel(io.browserFiles(files));
    expect(predictOurs(back, [mlpX])).toEqual(predictOurs(m, [mlpX]));
    back.dispose();

    let form: FormData | undefined;
    const fetchFunc = (async (_url: string, init?: RequestInit) => {
      form = init!.body as FormData;
      return new Response('ok');
    }) as typeof fetch;
    await m.save(io.http('https://example.invalid/upload', { fetchFunc }));
    const parts = ['model.json', 'model.weights.bin'].map((k) => form!.get(k) as File);
    expect(parts.map((p) => p.name)).toEqual(['model.json', 'model.weights.bin']);
    const back2 = await loadLayersModel(io.browserFiles(parts));
    expect(predictOurs(back2, [mlpX])).toEqual(predictOurs(m, [mlpX]));
    back2.dispose();
    m.dispose();
  });
});

describe('damaged files and bad input fail clearly and leave nothing behind', () => {
  const live = () => wm.registeredVariables().size;
  async function capture(m: LayersModel): Promise<ModelArtifacts> {
    let got: ModelArtifacts | undefined;
    await m.save(
      io.withSaveHandler(async (a) => {
        got = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    return got!;
  }

  it('a truncated shard, an altered byte, a missing shard and a truncated model.json', async () => {
    const m = mlp();
    const dir = tempDir();
    const url = `file://${dir}`;
    const save = () => m.save(io.fileSystem(dir, { shardSizeBytes: 200 }));
    await save();
    const before = live();
    const [name1, name2] = readModelJSON(dir).weightsManifest[0]!.paths as [string, string];
    expect(name2).toMatch(/^weights-shard2of2\.[0-9a-f]{16}\.bin$/);
    const shard = join(dir, name2);
    const size = statSync(shard).size;
    truncateSync(shard, size - 8);
    await expect(loadLayersModel(url)).rejects.toThrow(
      new RegExp(`weight file '${name2}' \\(of .*model.json\\) is ${size - 8} bytes but model.json records ${size} \\(truncated`),
    );
    await save();
    const bytes = readFileSync(shard);
    bytes[3] ^= 0x40;
    writeFileSync(shard, bytes);
    await expect(loadLayersModel(url)).rejects.toThrow(
      new RegExp(`weight file '${name2}' .* has SHA-256 [0-9a-f]{64} but model.json records [0-9a-f]{64}`),
    );
    await save();
    rmSync(join(dir, name1));
    await expect(loadLayersModel(url)).rejects.toThrow(new RegExp(`cannot read weight file '${name1}' listed in .*model.json`));
    await save();
    truncateSync(join(dir, 'model.json'), 100);
    await expect(loadLayersModel(url)).rejects.toThrow(/model.json is not valid JSON .*truncated/);
    expect(live()).toBe(before);
    m.dispose();
  });

  it('a shard from another save: model.json refuses it', async () => {
    const [a, b] = [mlp(), mlp()];
    const [dirA, dirB] = [tempDir(), tempDir()];
    await a.save(`file://${dirA}`);
    await b.save(`file://${dirB}`);
    // A shard swapped for another save's (content-addressed names keep a crash from doing this; a hand copy can).
    const [shardA] = readModelJSON(dirA).weightsManifest[0]!.paths as [string];
    copyFileSync(join(dirB, readModelJSON(dirB).weightsManifest[0]!.paths[0]!), join(dirA, shardA));
    await expect(loadLayersModel(`file://${dirA}`)).rejects.toThrow(
      new RegExp(`weight file '${shardA}' .* has SHA-256 .* but model.json records`),
    );
    a.dispose();
    b.dispose();
  });

  it('wrong shapes, missing weights, unknown layers, other formats and bad URLs', async () => {
    const m = mlp(false);
    const good = await capture(m);
    const edit = (
      f: (
        a: ModelArtifacts & { modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } } },
      ) => void,
    ) => {
      const a = structuredClone(good) as Parameters<typeof f>[0];
      f(a);
      return io.fromMemory(a);
    };
    const before = live();
    const last = m.layers[1]!.name;
    await expect(
      loadLayersModel(
        edit((a) => {
          a.modelTopology.config.layers[1]!.config.units = 4;
        }),
      ),
    ).rejects.toThrow(new RegExp(`weight '${last}/kernel' is saved with shape \\[8,3\\] but the model's weight has shape \\[8,4\\]`));
    const noBias = (a: ModelArtifacts) => {
      a.weightSpecs = a.weightSpecs!.slice(0, -1);
      a.weightData = (a.weightData as ArrayBuffer).slice(0, -12);
      delete a.wasmml;
    };
    await expect(loadLayersModel(edit(noBias))).rejects.toThrow(new RegExp(`no values for weight\\(s\\) ${last}/bias`));
    const lenient = await loadLayersModel(edit(noBias), { strict: false });
    expect(lenient.getWeights()[0]!.dataSync()).toEqual(m.getWeights()[0]!.dataSync());
    lenient.dispose();
    await expect(
      loadLayersModel(
        edit((a) => {
          a.modelTopology.config.layers[0]!.class_name = 'Dense3000';
        }),
      ),
    ).rejects.toThrow(/class 'Dense3000', which wasmml does not have/);
    await expect(
      loadLayersModel(
        edit((a) => {
          a.format = 'graph-model';
        }),
      ),
    ).rejects.toThrow(/'graph-model', not a layers model/);
    await expect(
      loadLayersModel(
        edit((a) => {
          (a.weightData as ArrayBuffer) = (a.weightData as ArrayBuffer).slice(0, -4);
          delete a.wasmml;
        }),
      ),
    ).rejects.toThrow(/the weights manifest describes 300 bytes but the weight data has 296/);
    await expect(
      loadLayersModel(
        edit((a) => {
          new Uint8Array(a.weightData as ArrayBuffer)[0] ^= 1;
        }),
      ),
    ).rejects.toThrow(/the weight data of the IOHandler has SHA-256 .* but model.json records/);
    expect(live()).toBe(before);
    await expect(m.save('./relative/dir')).rejects.toThrow(
      /unsupported URL '.\/relative\/dir' \(a file path\? write 'file:\/\/.\/relative\/dir'\)/,
    );
    await expect(loadLayersModel('downloads://x')).rejects.toThrow(/'downloads:\/\/' URLs cannot be used to load models/);
    await expect(webPlatform.writeFileAtomic('/tmp/x', new Uint8Array(1))).rejects.toThrow(
      /file:\/\/ paths need a file system .* 'indexeddb:\/\/<name>'/,
    );
    const unbuilt = sequential({ layers: [layers.dense({ units: 2 })] });
    await expect(unbuilt.save(`file://${tempDir()}`)).rejects.toThrow(/has no graph yet; give the first layer an inputShape/);
    m.dispose();
  });

  it('quantized weights (uint8 affine, float16) as tensorflowjs_converter writes them are dequantized', async () => {
    const m = mlp(false);
    const a = await capture(m);
    const [kernel] = m.getWeights();
    const k = kernel!.dataSync() as Float32Array;
    let lo = Infinity,
      hi = -Infinity;
    for (const v of k) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const scale = (hi - lo) / 255;
    const q = Uint8Array.from(k, (v) => Math.round((v - lo) / scale));
    // float16 of values exactly representable in half precision.
    const bias = [0.5, -0.25, 1.5, 0, 2, -3, 0.125, 0.75];
    const half = (v: number) => {
      if (v === 0) return 0;
      const e = Math.floor(Math.log2(Math.abs(v)));
      return (v < 0 ? 0x8000 : 0) | ((e + 15) << 10) | Math.round((Math.abs(v) / 2 ** e - 1) * 1024);
    };
    const h = Uint16Array.from(bias, half);
    const rest = new Uint8Array(a.weightData as ArrayBuffer).subarray((40 + 8) * 4);
    const data = new Uint8Array(q.byteLength + h.byteLength + rest.byteLength);
    data.set(q, 0);
    data.set(new Uint8Array(h.buffer), q.byteLength);
    data.set(rest, q.byteLength + h.byteLength);
    const specs = a.weightSpecs!.map((s, i) =>
      i === 0
        ? { ...s, quantization: { dtype: 'uint8' as const, scale, min: lo } }
        : i === 1
          ? { ...s, quantization: { dtype: 'float16' as const } }
          : s,
    );
    const back = await loadLayersModel(io.fromMemory({ modelTopology: a.modelTopology!, weightSpecs: specs, weightData: data.buffer }));
    const [bk, bb] = back.getWeights();
    expectClose(
      bk!.dataSync(),
      Float32Array.from(q, (v) => v * scale + lo),
      1e-6,
      1e-7,
      'dequantized kernel',
    );
    expect(Array.from(bb!.dataSync())).toEqual(bias);
    expectClose(bk!.dataSync(), k, 0, scale / 2 + 1e-6, 'kernel within half a quantization step');
    back.dispose();
    m.dispose();
  });
});
