// Keras 3 <-> wasmml <-> ONNX Runtime / PyTorch with the real libraries: Keras
// builds, trains and saves three models; we load them and must predict what
// Keras predicted, train them further, save .keras / .h5 / safetensors / ONNX,
// and Keras, PyTorch and onnxruntime-node must read back what we hold.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportOnnx, loadKerasModel, saveKerasModel, saveSafetensors } from '@wasmml/convert';
import type { LayersModel } from '@wasmml/layers';
import { tensor, type Tensor } from '@wasmml/tensor';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Arr { shape: number[]; dtype?: string; values: number[] }
interface Case { inputs: Arr[]; train_inputs: Arr[]; train_y: Arr; loss: string; pred: Arr }

const python = referencePython();
const script = (f: string) => readFileSync(new URL(`./python/${f}`, import.meta.url), 'utf8');
const LOSS: Record<string, string> = { sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy', binary_crossentropy: 'binaryCrossentropy', mse: 'meanSquaredError' };
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
    const xs = c.train_inputs.map(toTensor), y = toTensor(c.train_y);
    await m.fit(xs.length === 1 ? xs[0]! : xs, y, { epochs: 2, batchSize: 16, verbose: 0 });
    [...xs, y].forEach((t) => t.dispose());
    const p = predict(m, c.inputs);
    // Training moved the weights: the checks below are not Keras's own numbers coming back.
    expect(maxDiff(p, c.pred.values)).toBeGreaterThan(1e-4);
    ours.set(name, p);
    await saveKerasModel(m, join(dir, `${name}.ours.keras`));
    if (name === 'two_input') await saveKerasModel(m, join(dir, `${name}.ours.h5`));
    await saveSafetensors(m, join(dir, `${name}.safetensors`));
    const onnxPath = join(dir, `${name}.onnx`);
    await exportOnnx(m, onnxPath);
    const session = await ort.InferenceSession.create(onnxPath);
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((n, i) => {
      const a = c.inputs[i]!;
      feeds[n] = a.dtype === 'int32' ? new ort.Tensor('int32', Int32Array.from(a.values), a.shape) : new ort.Tensor('float32', Float32Array.from(a.values), a.shape);
    });
    const out = await session.run(feeds);
    expect(maxDiff(out[session.outputNames[0]!]!.data as Float32Array, p)).toBeLessThan(1e-4);
  });

  it('Keras 3 loads our .keras and .h5 with our predictions; PyTorch reads our safetensors with our values', () => {
    const back = JSON.parse(runPython(script('check_saved.py'), { args: [dir] }).trim().split('\n').pop()!) as Record<string, { keras: number[]; h5?: number[]; safetensors: Record<string, Arr> }>;
    for (const name of NAMES) {
      expect(maxDiff(back[name]!.keras, ours.get(name)!), `${name} .keras`).toBeLessThan(1e-4);
      const m = models.get(name)!;
      const st = back[name]!.safetensors;
      let count = 0;
      for (const layer of m.layers) {
        for (const w of layer.namedWeights) {
          const saved = Object.entries(st).find(([k]) => k === w.originalName || k.endsWith(`/${w.originalName}`));
          if (!saved) continue;
          count++;
          expect(saved[1].shape).toEqual([...w.variable.shape]);
          expect(maxDiff(saved[1].values, w.variable.dataSync() as Float32Array)).toBe(0);
        }
      }
      expect(count, `${name}: weights found in the safetensors file`).toBe(Object.keys(st).length);
    }
    expect(maxDiff(back.two_input!.h5!, ours.get('two_input')!)).toBeLessThan(1e-4);
  }, 600_000);

  it('writes into the temp dir only what it meant to (no leftover temporary files)', () => {
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
