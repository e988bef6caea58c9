// Issue 14 on real data: the seed MNIST CNN trained on 8,000 of the 10,000 real
// MNIST test digits (seeded, class-stratified), scored on the other 2,000.
// One float model is trained once; int8 PTQ, float16, QAT, pruning and
// distillation all start from it or compare with it. Figures are printed as
// JSON lines (the compression figures in the package README come from them).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layers, sequential, type Callback, type LayersModel } from '@wasmml/layers';
import * as wm from '@wasmml/tensor';
import {
  decodeModel,
  distill,
  encodeModel,
  loadCompressed,
  modelSparsity,
  polynomialDecay,
  pruneChannels,
  pruneLowMagnitude,
  quantizeAwareTraining,
  quantizeModel,
  QuantizedModel,
  saveCompressed,
  stripPruning,
} from '@wasmml/compression';
import { accuracy, loadDigits, seedCnn, split, tensors } from './real-data.js';

let train: { x: wm.Tensor; y: wm.Tensor };
let test: { x: wm.Tensor; y: wm.Tensor };
let float: LayersModel;
let floatAcc: number;
let tunedAcc: number | undefined;

/** The float model fine-tuned 2 more epochs without pruning: the dense baseline of the same training length. */
// Fine-tuning length of the pruning runs and of the dense run they are compared with.
const TUNE_EPOCHS = 3;

async function denseTunedAcc(): Promise<number> {
  if (tunedAcc === undefined) {
    // Seeded here, so the figure does not depend on which tests ran before.
    wm.setSeed(11);
    const m = compiled(copyOfFloat());
    await fit(m, TUNE_EPOCHS);
    tunedAcc = acc(m);
    m.dispose();
  }
  return tunedAcc;
}
let dir: string;
const EPOCHS = 3;

function compiled(m: LayersModel): LayersModel {
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return m;
}

async function fit(m: LayersModel, epochs: number, callbacks: Callback[] = []) {
  return m.fit(train.x, train.y, { epochs, batchSize: 32, verbose: 0, callbacks });
}

function acc(m: { predict(x: wm.Tensor, a?: { batchSize?: number }): unknown }): number {
  const p = m.predict(test.x, { batchSize: 256 }) as wm.Tensor;
  const a = accuracy(p, test.y);
  p.dispose();
  return a;
}

/** A copy of the float model (same weights), for the experiments that change weights. */
function copyOfFloat(): LayersModel {
  const m = seedCnn();
  m.setWeights(float.getWeights());
  return m;
}

beforeAll(async () => {
  wm.setSeed(1);
  const { set, source } = await loadDigits();
  const [trainIds, testIds] = split(set, 8000, 2000);
  train = tensors(set, trainIds);
  test = tensors(set, testIds);
  float = compiled(seedCnn());
  await fit(float, EPOCHS);
  floatAcc = acc(float);
  dir = mkdtempSync(join(tmpdir(), 'wasmml-compression-'));
  console.log(JSON.stringify({ case: 'float32', source, split: '8000/2000 stratified seed 1', epochs: EPOCHS, testAcc: floatAcc }));
}, 900_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('int8 post-training quantisation', () => {
  it('is >= 3.5x smaller on disk, within 0.3 points of float32, and saves, loads and predicts the same', async () => {
    const calib = wm.slice(train.x, 0, 500);
    const q = await quantizeModel(float, { calibrationData: calib });
    calib.dispose();
    const qAcc = acc(q);
    const floatBytes = await saveCompressed(float, join(dir, 'float.wmlc'));
    const int8Bytes = await saveCompressed(q, join(dir, 'int8.wmlc'));
    await float.save(`file://${join(dir, 'tfjs')}`);
    // Weight shards are named by content (weights.<hash>.bin): sum every file of the saved model.
    const tfjsBytes = readdirSync(join(dir, 'tfjs')).reduce((n, f) => n + statSync(join(dir, 'tfjs', f)).size, 0);
    const loaded = await loadCompressed(join(dir, 'int8.wmlc'));
    expect(loaded).toBeInstanceOf(QuantizedModel);
    const a = q.predict(wm.slice(test.x, 0, 300)).dataSync(),
      b = (loaded as QuantizedModel).predict(wm.slice(test.x, 0, 300)).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    console.log(
      JSON.stringify({
        case: 'int8-ptq',
        floatAcc,
        int8Acc: qAcc,
        floatBytes,
        int8Bytes,
        tfjsBytes,
        ratio: +(floatBytes / int8Bytes).toFixed(2),
        layers: q.layers,
      }),
    );
    expect(floatBytes / int8Bytes).toBeGreaterThanOrEqual(3.5);
    expect(tfjsBytes / int8Bytes).toBeGreaterThanOrEqual(3.5);
    expect(Math.abs(qAcc - floatAcc)).toBeLessThanOrEqual(0.003);
    q.dispose();
    (loaded as QuantizedModel).dispose();
  });

  it('float16 weights: half the file, the same accuracy to 0.1 points', async () => {
    const bytes = await encodeModel(float, { weights: 'float16' });
    const full = await encodeModel(float);
    const m = (await decodeModel(bytes)) as LayersModel;
    const a = acc(m);
    console.log(JSON.stringify({ case: 'float16', bytes: bytes.length, float32Bytes: full.length, acc: a, floatAcc }));
    expect(bytes.length / full.length).toBeLessThan(0.51);
    expect(Math.abs(a - floatAcc)).toBeLessThanOrEqual(0.001);
    m.dispose();
  });
});

describe('quantisation-aware training', () => {
  it('one epoch through the int8 rounding of weights and activations: the int8 model is within 0.2 points of float32', async () => {
    const m = compiled(copyOfFloat());
    const qat = quantizeAwareTraining(m);
    await fit(m, 1, [qat]);
    // The input ranges training settled on (moving averages) replace a calibration pass.
    const ranges = qat.activationRanges();
    expect(Object.keys(ranges)).toEqual(m.layers.filter((l) => l.weights.length > 0).map((l) => l.name));
    const q = await quantizeModel(m, { activationRanges: ranges });
    const calib = wm.slice(train.x, 0, 500);
    const qc = await quantizeModel(m, { calibrationData: calib });
    calib.dispose();
    const qatAcc = acc(q),
      calibratedAcc = acc(qc),
      qatFloatAcc = acc(m);
    console.log(JSON.stringify({ case: 'qat', floatAcc, qatFloatAcc, qatInt8Acc: qatAcc, qatInt8CalibratedAcc: calibratedAcc, ranges }));
    expect(floatAcc - qatAcc).toBeLessThanOrEqual(0.002);
    q.dispose();
    qc.dispose();
    m.dispose();
  });
});

describe('structured pruning', () => {
  it('half the filters and units removed: a smaller model and file, within 1 point of dense after the same fine-tuning', async () => {
    const denseAcc = await denseTunedAcc();
    const { model: small, kept, paramsBefore, paramsAfter } = await pruneChannels(float, { sparsity: 0.5 });
    const oneShotAcc = acc(small);
    wm.setSeed(11);
    compiled(small);
    await fit(small, TUNE_EPOCHS);
    const a = acc(small);
    const floatBytes = (await encodeModel(float)).length,
      smallBytes = (await encodeModel(small)).length;
    const shapes = Object.fromEntries(Object.entries(kept).map(([k, v]) => [k, v.length]));
    console.log(
      JSON.stringify({
        case: 'prune-channels-0.5',
        floatAcc,
        denseTunedAcc: denseAcc,
        oneShotAcc,
        prunedAcc: a,
        kept: shapes,
        paramsBefore,
        paramsAfter,
        floatBytes,
        smallBytes,
      }),
    );
    expect(shapes).toEqual({ [float.layers[0]!.name]: 16, [float.layers[3]!.name]: 64 });
    expect(paramsAfter / paramsBefore).toBeLessThan(0.26);
    expect(smallBytes / floatBytes).toBeLessThan(0.26);
    expect(denseAcc - a).toBeLessThanOrEqual(0.01);
    small.dispose();
  });
});

describe('magnitude pruning', () => {
  for (const target of [0.8, 0.9]) {
    it(`polynomial decay to ${target * 100} % sparsity over ${TUNE_EPOCHS} epochs of fine-tuning, vs dense fine-tuned as long`, async () => {
      const denseAcc = await denseTunedAcc();
      wm.setSeed(11);
      const m = compiled(copyOfFloat());
      const steps = TUNE_EPOCHS * Math.ceil(8000 / 32);
      const pruning = pruneLowMagnitude(m, {
        schedule: polynomialDecay({ finalSparsity: target, beginStep: 0, endStep: Math.floor(steps * 0.5), frequency: 25 }),
      });
      await fit(m, TUNE_EPOCHS, [pruning.callback()]);
      stripPruning(m);
      const sparsity = modelSparsity(m);
      const a = acc(m);
      const sparseBytes = (await encodeModel(m, { weights: 'sparse' })).length;
      const denseBytes = (await encodeModel(m)).length;
      console.log(
        JSON.stringify({
          case: `prune-${target}`,
          floatAcc,
          denseTunedAcc: denseAcc,
          prunedAcc: a,
          sparsity,
          sparseBytes,
          denseBytes,
          ratio: +(denseBytes / sparseBytes).toFixed(2),
        }),
      );
      expect(sparsity).toBeGreaterThanOrEqual(target - 0.005);
      expect(denseBytes / sparseBytes).toBeGreaterThan(target === 0.9 ? 5 : 3);
      // 0.5 points at 80 % (the bar); 90 % is reported (the issue asks no bar), held to 3.
      expect(denseAcc - a).toBeLessThanOrEqual(target === 0.8 ? 0.005 : 0.03);
      const round = (await decodeModel(await encodeModel(m, { weights: 'sparse' }))) as LayersModel;
      expect(acc(round)).toBe(a);
      round.dispose();
      m.dispose();
    }, 600_000);
  }
});

describe('distillation', () => {
  // T = 1, alpha = 0.5: on this teacher (trained on the same 8,000 digits, so confident on them) higher
  // temperatures measured worse than training alone at 3 and 8 epochs (see the package README).
  it('a Dense-32 student distilled from the CNN beats the same student trained alone', async () => {
    const student = () =>
      sequential({
        layers: [
          layers.flatten({ inputShape: [28, 28, 1] }),
          layers.dense({ units: 32, activation: 'relu' }),
          layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
    wm.setSeed(7);
    const alone = compiled(student());
    await fit(alone, EPOCHS);
    const aloneAcc = acc(alone);
    wm.setSeed(7);
    const distilled = student();
    await distill(train.x, train.y, {
      teacher: float,
      student: distilled,
      temperature: 1,
      alpha: 0.5,
      epochs: EPOCHS,
      batchSize: 32,
      verbose: 0,
    });
    const distilledAcc = acc(distilled);
    console.log(
      JSON.stringify({
        case: 'distill',
        teacherAcc: floatAcc,
        aloneAcc,
        distilledAcc,
        temperature: 1,
        alpha: 0.5,
        epochs: EPOCHS,
        seed: 7,
      }),
    );
    expect(distilledAcc).toBeGreaterThan(aloneAcc);
    alone.dispose();
    distilled.dispose();
  });
});
