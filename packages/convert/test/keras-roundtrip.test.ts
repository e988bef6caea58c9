// Keras 3 <-> wasmml <-> ONNX Runtime / PyTorch with the real libraries: Keras
// builds, trains and saves three models; we load them and must predict what
// Keras predicted, train them further, save .keras / .h5 / safetensors / ONNX,
// and Keras, PyTorch and onnxruntime-node must read back what we hold.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportOnnx, loadKerasModel, saveKerasModel, saveSafetensors } from '@wasmml/convert';
import { type LayersModel, modelArtifacts } from '@wasmml/layers';
import { tensor, type Tensor } from '@wasmml/tensor';
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

const python = referencePython();
const script = (f: string) => readFileSync(new URL(`./python/${f}`, import.meta.url), 'utf8');
const LOSS: Record<string, string> = {
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  mse: 'meanSquaredError',
};
const NAMES = ['cnn', 'lstm', 'two_input'] as const;

function toTensor(a: Arr): Tensor {
  return tensor(a.values, a.shape, a.dtype === 'int32' ? 'int32' : 'float32');
}

function predict(m: LayersModel, inputs: Arr[]): Float32Array {
  const xs = inputs.map(toTensor);
  const y = m.predict(xs.length === 1 ? xs[0]! : xs) as Tensor;
  const v = y.dataSync() as Float32Array;
  [...xs, y].forEach((t) => t.dispose());
  return Float32Array.from(v);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe.skipIf(!python)('Keras 3 / ONNX Runtime / PyTorch round trips', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmml-convert-'));
  let cases: Record<string, Case>;
  const models = new Map<string, LayersModel>();
  const ours = new Map<string, Float32Array>();
  const stepped = new Map<string, Float32Array>();
  const iterations = new Map<string, number>();
  const saved = new Map<string, Awaited<ReturnType<typeof modelArtifacts>>>();

  beforeAll(() => {
    runPython(script('make_keras_models.py'), { args: [dir] });
    cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Record<string, Case>;
  }, 600_000);
  afterAll(() => models.forEach((m) => m.dispose()));

  it.each(NAMES)('Keras 3 -> wasmml: %s predicts what Keras predicted (within 1e-4)', async (name) => {
    const m = await loadKerasModel(join(dir, `${name}.keras`));
    models.set(name, m);
    expect(maxDiff(predict(m, cases[name]!.inputs), cases[name]!.pred.values)).toBeLessThan(1e-4);
  });

  it('Keras .h5 full-model file (two_input) -> wasmml predicts the same', async () => {
    const m = await loadKerasModel(readFileSync(join(dir, 'two_input.h5')));
    try {
      expect(maxDiff(predict(m, cases.two_input!.inputs), cases.two_input!.pred.values)).toBeLessThan(1e-4);
    } finally {
      m.dispose();
    }
  });

  it.each(NAMES)('%s: trains further here, then exports; onnxruntime-node predicts what we predict (within 1e-4)', async (name) => {
    const m = models.get(name)!;
    const c = cases[name]!;
    m.compile({ optimizer: 'adam', loss: LOSS[c.loss]! });
    const xs = c.train_inputs.map(toTensor),
      y = toTensor(c.train_y);
    await m.fit(xs.length === 1 ? xs[0]! : xs, y, { epochs: 2, batchSize: 16, verbose: 0 });
    [...xs, y].forEach((t) => t.dispose());
    const p = predict(m, c.inputs);
    // Training moved the weights: the checks below are not Keras's own numbers coming back.
    expect(maxDiff(p, c.pred.values)).toBeGreaterThan(1e-4);
    ours.set(name, p);
    await saveKerasModel(m, join(dir, `${name}.ours.keras`));
    if (name === 'two_input') await saveKerasModel(m, join(dir, `${name}.ours.h5`));
    await saveSafetensors(m, join(dir, `${name}.safetensors`));
    iterations.set(name, m.compiled!.optimizer.iterations);
    const again = await loadKerasModel(join(dir, `${name}.ours.keras`));
    expect(again.compiled?.optimizer.iterations, 'loading restores compile settings and Adam state').toBe(iterations.get(name));
    again.dispose();
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

    // One more step here, from the in-memory Adam state; Keras takes the same step from the state in our file.
    saved.set(name, await modelArtifacts(m));
    const rows = (a: Arr): Arr => ({
      ...a,
      shape: [16, ...a.shape.slice(1)],
      values: a.values.slice(0, (16 * a.values.length) / a.shape[0]!),
    });
    const bx = c.train_inputs.map((a) => toTensor(rows(a))),
      by = toTensor(rows(c.train_y));
    await m.fit(bx.length === 1 ? bx[0]! : bx, by, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    stepped.set(name, predict(m, c.inputs));
    [...bx, by].forEach((t) => t.dispose());
  });

  it('Keras 3 loads our .keras and .h5 with our predictions and Adam state; PyTorch reads our safetensors with our values', () => {
    const back = JSON.parse(
      runPython(script('check_saved.py'), { args: [dir] })
        .trim()
        .split('\n')
        .pop()!,
    ) as Record<
      string,
      {
        keras: number[];
        h5?: number[];
        safetensors: Record<string, Arr>;
        iterations: number;
        stepped: number[];
      }
    >;
    for (const name of NAMES) {
      expect(maxDiff(back[name]!.keras, ours.get(name)!), `${name} .keras`).toBeLessThan(1e-4);
      // Adam's state came across: Keras's next step lands where ours did (the CNN's dropout draws differ, so not for it).
      expect(back[name]!.iterations).toBe(iterations.get(name));
      if (name !== 'cnn') expect(maxDiff(back[name]!.stepped, stepped.get(name)!), `${name} step after load`).toBeLessThan(1e-4);
      // The reference is the model's own weights as model.save names and stores them.
      const a = saved.get(name)!;
      const data = new Float32Array(a.weightData as ArrayBuffer);
      const st = back[name]!.safetensors;
      let at = 0;
      for (const spec of a.weightSpecs!) {
        const n = spec.shape.reduce((x, y) => x * y, 1);
        const saved = st[spec.name];
        expect(saved, `${name}: ${spec.name} in the safetensors file`).toBeDefined();
        expect(saved!.shape).toEqual(spec.shape);
        expect(maxDiff(saved!.values, data.subarray(at, at + n)), `${name}: ${spec.name}`).toBe(0);
        at += n;
      }
      expect(Object.keys(st).length).toBe(a.weightSpecs!.length);
    }
    expect(maxDiff(back.two_input!.h5!, ours.get('two_input')!)).toBeLessThan(1e-4);
  }, 600_000);

  it('writes into the temp dir only what it meant to (no leftover temporary files)', () => {
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
