// model.save writes the compile configuration of a compiled model (loss,
// metrics, optimizer settings) and loadLayersModel compiles it again, as Keras
// does; the optimizer's state only with includeOptimizer. quantizationBytes /
// quantizationDtype store float32 weights as tfjs's converter does (uint8,
// uint16 affine, float16), and both our loader and tfjs read them back.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '@wasmml/test-utils/tfjs';
import * as tfl from '@tensorflow/tfjs-layers';
import * as wm from '@wasmml/tensor';
import { adam, sgd } from '@wasmml/optimizers';
import { layers, loadLayersModel, sequential, type LayersModel, type ModelJSON } from '@wasmml/layers';
import { floatToHalf } from '../src/io/quantize.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wasmml-savecq-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function mlp(): LayersModel {
  return sequential({
    layers: [
      layers.dense({ units: 64, activation: 'relu', inputShape: [32], biasInitializer: 'ones' }),
      layers.dense({ units: 4, activation: 'softmax' }),
    ],
  });
}
const x = () => wm.randomNormal([16, 32], 0, 1, 'float32', 11);
const y = () =>
  wm
    .oneHot(
      wm.tensor(
        Int32Array.from({ length: 16 }, (_, i) => i % 4),
        [16],
        'int32',
      ),
      4,
    )
    .cast('float32');
const json = (dir: string) => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJSON;

describe('compile configuration restored on load', () => {
  it('a compiled model saved without includeOptimizer loads compiled: same loss, metrics and optimizer settings, fresh state', async () => {
    const m = mlp();
    m.compile({ optimizer: adam(0.003, 0.8), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const [xs, ys] = [x(), y()];
    await m.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0 });
    const dir = tempDir();
    await m.save(`file://${dir}`);
    const j = json(dir);
    expect(j.trainingConfig?.loss).toBe('categorical_crossentropy');
    expect(j.weightsManifest[0]!.weights.some((w) => w.group === 'optimizer')).toBe(false);
    const back = await loadLayersModel(`file://${dir}`);
    const c = back.compiled!;
    expect(c).toBeDefined();
    expect(c.losses[0]!.name).toBe('categoricalCrossentropy');
    expect(c.metrics[0]!.map((mt) => mt.name)).toEqual(['acc']);
    expect(c.optimizer.getConfig()).toEqual(m.compiled!.optimizer.getConfig());
    expect(c.optimizer.iterations).toBe(0);
    // Usable without compile(): evaluate gives the same loss and accuracy as the original.
    const [l1, a1] = m.evaluate(xs, ys) as wm.Tensor[];
    const [l2, a2] = back.evaluate(xs, ys) as wm.Tensor[];
    expect(l2!.dataSync()[0]).toBeCloseTo(l1!.dataSync()[0]!, 6);
    expect(a2!.dataSync()[0]).toBe(a1!.dataSync()[0]);
    const h = await back.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(h.history.acc).toHaveLength(1);
    // compile: false leaves it uncompiled, as Keras's load_model(compile=False).
    const raw = await loadLayersModel(`file://${dir}`, { compile: false });
    expect(raw.compiled).toBeUndefined();
    wm.dispose([xs, ys, l1!, a1!, l2!, a2!]);
    for (const d of [m, back, raw]) d.dispose();
  });

  it('a model compiled with a custom loss saves (with a warning) and loads uncompiled', async () => {
    const m = mlp();
    m.compile({ optimizer: sgd(0.1), loss: (a: wm.Tensor, b: wm.Tensor) => wm.mean(wm.abs(wm.sub(a, b))) });
    const dir = tempDir();
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => {
      warnings.push(a.join(' '));
    };
    try {
      await m.save(`file://${dir}`);
    } finally {
      console.warn = warn;
    }
    expect(warnings.join('\n')).toMatch(/custom loss .*loads uncompiled/);
    expect(json(dir).trainingConfig).toBeUndefined();
    const back = await loadLayersModel(`file://${dir}`);
    expect(back.compiled).toBeUndefined();
    m.dispose();
    back.dispose();
  });
});

/** A tfjs-layers model from our saved directory (model.json + shards), read as tfjs reads files. */
async function tfjsLoad(dir: string): Promise<tfl.LayersModel> {
  const j = json(dir);
  const data = Buffer.concat(j.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: j.modelTopology,
      weightSpecs: j.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }),
  );
}

describe('save with quantization', () => {
  it.each([
    ['quantizationBytes: 1', { quantizationBytes: 1 as const }, 'uint8', 1, 1 / 200],
    ['quantizationBytes: 2', { quantizationBytes: 2 as const }, 'uint16', 2, 1 / 50_000],
    ['quantizationDtype: float16', { quantizationDtype: 'float16' as const }, 'float16', 2, 1e-3],
  ])('%s: smaller weights, read back by our loader and by tfjs with the same values', async (_n, config, dtype, bytes, tol) => {
    const m = mlp();
    const plain = tempDir(),
      small = tempDir();
    await m.save(`file://${plain}`);
    await m.save(`file://${small}`, config);
    const floats = 64 * 32 + 64 + 4 * 64 + 4;
    const size = (d: string) => json(d).weightsManifest[0]!.paths.reduce((n, p) => n + statSync(join(d, p)).size, 0);
    expect(size(plain)).toBe(floats * 4);
    expect(size(small)).toBe(floats * bytes);
    const specs = json(small).weightsManifest[0]!.weights;
    for (const s of specs) {
      expect(s.quantization?.dtype, s.name).toBe(dtype);
      if (dtype !== 'float16') expect(s.quantization?.scale, s.name).toBeGreaterThan(0);
    }
    const back = await loadLayersModel(`file://${small}`);
    const theirs = await tfjsLoad(small);
    const orig = m.getWeights().map((w) => w.dataSync());
    const ours = back.getWeights().map((w) => w.dataSync());
    const tfjs = theirs.getWeights().map((w) => w.dataSync());
    orig.forEach((o, i) => {
      const range = Math.max(...o.map(Math.abs)) * 2 || 1;
      for (let k = 0; k < o.length; k++) {
        expect(Math.abs(ours[i]![k]! - o[k]!), `weight ${i}[${k}]`).toBeLessThanOrEqual(range * tol);
        expect(ours[i]![k], `tfjs weight ${i}[${k}]`).toBeCloseTo(tfjs[i]![k]!, 6);
      }
    });
    // Zeros stay exactly zero (the converter's nudged zero point): the second dense's bias is all zeros.
    expect(Array.from(ours[3]!)).toEqual([0, 0, 0, 0]);
    // The ones of the first bias too, for the affine formats (1 is the range's maximum).
    if (dtype !== 'uint16') expect(Math.abs(ours[1]![0]! - 1)).toBeLessThan(1e-6);
    const xs = x();
    const p1 = (m.predict(xs) as wm.Tensor).dataSync(),
      p2 = (back.predict(xs) as wm.Tensor).dataSync();
    for (let k = 0; k < p1.length; k++) expect(Math.abs(p1[k]! - p2[k]!)).toBeLessThan(0.05);
    xs.dispose();
    theirs.dispose();
    back.dispose();
    m.dispose();
  });

  it('float16 rounding matches IEEE half (round to nearest even, subnormals, overflow)', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to the even mantissa
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToHalf(2 ** -26)).toBe(0x0000);
    expect(floatToHalf(0.1)).toBe(0x2e66);
    expect(floatToHalf(NaN) & 0x7c00).toBe(0x7c00);
  });

  it('bad quantization options are errors naming the option', async () => {
    const m = mlp();
    const dir = tempDir();
    await expect(m.save(`file://${dir}`, { quantizationBytes: 3 as never })).rejects.toThrow(
      /quantizationBytes must be 1 \(uint8\) or 2 \(uint16\), got 3/,
    );
    await expect(m.save(`file://${dir}`, { quantizationBytes: 1, quantizationDtype: 'float16' })).rejects.toThrow(/contradicts/);
    await expect(m.save(`file://${dir}`, { quantization_bytes: 1 } as never)).rejects.toThrow(
      /unknown option 'quantization_bytes'; did you mean 'quantizationBytes'\?/,
    );
    m.dispose();
  });
});
