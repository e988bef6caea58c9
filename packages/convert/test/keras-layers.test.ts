// The layers whose Keras 3 meaning needed mapping, against the real Keras:
// MultiHeadAttention (self- and cross-attention, the key passed by keyword),
// Keras 3's default GRU (reset_after=True, two bias rows) and its hard_sigmoid
// (relu6(x + 3) / 6, not tfjs's clip(0.2 x + 0.5, 0, 1)). Keras builds, trains
// and saves both models; we must predict what Keras predicted, train further,
// and then Keras must load our .keras and onnxruntime-node our ONNX export
// with our predictions.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportOnnx, kerasBytes, loadKerasModel, saveKerasModel } from '@wasmml/convert';
import { getActivation, type GRU, input, layers, type LayersModel, model, sequential } from '@wasmml/layers';
// Registers MultiHeadAttention (the umbrella package does this for users).
import { nlpLayers } from '@wasmml/nlp';
import { setSeed, tensor, type Tensor } from '@wasmml/tensor';
import { randomFloats } from '@wasmml/test-utils';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Arr {
  shape: number[];
  dtype?: string;
  values: number[];
}
interface Case {
  inputs: Arr[];
  train_inputs: Arr[];
  train_y: Arr;
  loss: string;
  pred: Arr;
}
const LOSS: Record<string, string> = { sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy', mse: 'meanSquaredError' };
const NAMES = ['attention', 'recurrent'] as const;

const python = referencePython();
const script = readFileSync(new URL('./python/make_keras_layers.py', import.meta.url), 'utf8');

const toTensor = (a: Arr) => tensor(a.values, a.shape, a.dtype === 'int32' ? 'int32' : 'float32');

function predict(m: LayersModel, inputs: Arr[]): Float32Array {
  const xs = inputs.map(toTensor);
  const y = m.predict(xs.length === 1 ? xs[0]! : xs) as Tensor;
  const v = Float32Array.from(y.dataSync());
  for (const t of [...xs, y]) t.dispose();
  return v;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('hard_sigmoid: Keras 3 and tfjs differ, and each name keeps its meaning', () => {
  it("'hardSigmoidRelu6' is Keras 3's relu6(x + 3) / 6 and 'hardSigmoid' tfjs's clip(0.2 x + 0.5, 0, 1)", () => {
    const xs = [-4, -2.5, -1, 0, 1, 2.5, 4];
    const x = tensor(xs);
    const keras3 = getActivation('hardSigmoidRelu6')(x),
      tfjs = getActivation('hardSigmoid')(x);
    expect(Array.from(keras3.dataSync())).toEqual(xs.map((v) => Math.min(6, Math.max(0, v + 3)) / 6).map(Math.fround));
    expect(
      maxDiff(
        tfjs.dataSync(),
        xs.map((v) => Math.min(1, Math.max(0, 0.2 * v + 0.5))),
      ),
    ).toBeLessThan(1e-7);
    // They differ between the knees (x = 1: 2/3 against 0.7).
    expect(Math.abs(keras3.dataSync()[4]! - tfjs.dataSync()[4]!)).toBeGreaterThan(0.03);
    for (const t of [x, keras3, tfjs]) t.dispose();
  });

  it("a model with tfjs's hardSigmoid is refused for Keras 3, naming every such layer, and nothing is written", async () => {
    const m = sequential({
      layers: [
        layers.lstm({ units: 3, inputShape: [4, 2] }), // tfjs's default gate activation: hardSigmoid
        layers.dense({ units: 2, activation: 'hardSigmoid' }),
      ],
    });
    const err = (await kerasBytes(m).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/cannot be saved for Keras 3/);
    expect(err.message).toMatch(/layer 'lstm\w*' \(LSTM\): recurrent_activation='hardSigmoid'/);
    expect(err.message).toMatch(/layer 'dense\w*' \(Dense\): activation='hardSigmoid'/);
    const dir = mkdtempSync(join(tmpdir(), 'wasmml-hard-'));
    await expect(saveKerasModel(m, join(dir, 'm.keras'))).rejects.toThrow(/hardSigmoid/);
    m.dispose();
  });
});

describe.skipIf(!python)('Keras 3 MultiHeadAttention, GRU reset_after and hard_sigmoid, both ways', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmml-convert-layers-'));
  let cases: Record<string, Case>;
  const models = new Map<string, LayersModel>();
  const ours = new Map<string, Float32Array>();

  beforeAll(() => {
    runPython(script, { args: [dir] });
    cases = JSON.parse(readFileSync(join(dir, 'layers.json'), 'utf8')) as Record<string, Case>;
  }, 300_000);
  afterAll(() => {
    for (const m of models.values()) m.dispose();
  });

  it.each(NAMES)('Keras 3 -> wasmml: %s predicts what Keras predicted (within 1e-4)', async (name) => {
    const m = await loadKerasModel(join(dir, `${name}.keras`));
    models.set(name, m);
    expect(maxDiff(predict(m, cases[name]!.inputs), cases[name]!.pred.values)).toBeLessThan(1e-4);
  });

  it('the recurrent model maps reset_after and hard_sigmoid onto ours, and its outputs sit where the two hard sigmoids differ', () => {
    const m = models.get('recurrent')!;
    const grus = m.layers.filter((l) => l.getClassName() === 'GRU') as GRU[];
    expect(grus.map((g) => [g.resetAfter, g.weights[2]!.shape])).toEqual([[true, [2, 21]]]);
    expect(m.layers.find((l) => l.getClassName() === 'LSTM')!.getConfig().recurrentActivation).toBe('hardSigmoidRelu6');
    expect(m.layers.at(-1)!.getConfig().activation).toBe('hardSigmoidRelu6');
    // Strictly inside (0, 1): tfjs's hard sigmoid would give other numbers there, so the check above is a real one.
    const p = cases.recurrent!.pred.values;
    expect(p.filter((v) => v > 0.01 && v < 0.99).length).toBe(p.length);
  });

  it.each(NAMES)('%s: trains further here; onnxruntime-node runs our ONNX export with our predictions (within 1e-4)', async (name) => {
    const m = models.get(name)!;
    const c = cases[name]!;
    m.compile({ optimizer: 'adam', loss: LOSS[c.loss]! });
    const xs = c.train_inputs.map(toTensor),
      y = toTensor(c.train_y);
    await m.fit(xs.length === 1 ? xs[0]! : xs, y, { epochs: 2, batchSize: 16, verbose: 0 });
    for (const t of [...xs, y]) t.dispose();
    const p = predict(m, c.inputs);
    expect(maxDiff(p, c.pred.values), 'training moved the weights').toBeGreaterThan(1e-4);
    ours.set(name, p);
    await saveKerasModel(m, join(dir, `${name}.ours.keras`));
    const onnxPath = join(dir, `${name}.onnx`);
    await exportOnnx(m, onnxPath);
    const session = await ort.InferenceSession.create(onnxPath);
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((n, i) => {
      const a = c.inputs[i]!;
      feeds[n] =
        a.dtype === 'int32'
          ? new ort.Tensor('int32', Int32Array.from(a.values), a.shape)
          : new ort.Tensor('float32', Float32Array.from(a.values), a.shape);
    });
    const out = await session.run(feeds);
    expect(maxDiff(out[session.outputNames[0]!]!.data as Float32Array, p)).toBeLessThan(1e-4);
  });

  it('a self-attention model built here saves as .keras (Keras calls it with query and value)', async () => {
    setSeed(9);
    const x = input({ shape: [4, 6] });
    const att = nlpLayers.multiHeadAttention({ numHeads: 2, keyDim: 3 }).apply(x);
    const h = layers.globalAveragePooling1d({}).apply(layers.add({}).apply([x, att] as never));
    const m = model({ name: 'built_here', inputs: x, outputs: layers.dense({ units: 2, activation: 'hardSigmoidRelu6' }).apply(h) });
    for (const l of m.layers) l.setWeights(l.getWeights().map((w, i) => tensor(randomFloats(w.size, 40 + i, -0.5, 0.5), w.shape)));
    const probe: Arr = { shape: [3, 4, 6], dtype: 'float32', values: Array.from(randomFloats(3 * 4 * 6, 7)) };
    ours.set('built_here', predict(m, [probe]));
    await saveKerasModel(m, join(dir, 'built_here.ours.keras'));
    writeFileSync(join(dir, 'built_here.json'), JSON.stringify({ built_here: { inputs: [probe] } }));
    m.dispose();
  });

  it('Keras 3 loads our .keras files with our predictions (within 1e-4)', () => {
    const back = JSON.parse(
      runPython(script, { args: [dir, 'check'] })
        .trim()
        .split('\n')
        .pop()!,
    ) as Record<string, { pred: number[]; classes: string[] }>;
    for (const name of [...NAMES, 'built_here']) expect(maxDiff(back[name]!.pred, ours.get(name)!), name).toBeLessThan(1e-4);
    expect(back.attention!.classes.filter((c) => c === 'MultiHeadAttention')).toHaveLength(2);
    expect(back.built_here!.classes).toContain('MultiHeadAttention');
  }, 300_000);
});
