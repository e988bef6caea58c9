// Bad input: truncated archives, weights files missing a dataset, configs naming
// layers or settings wasmml does not have, and ONNX export of layers ONNX has no
// form for. Each must fail with an error that names the problem (all of them at
// once), and nothing may be written or half-written.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportOnnx, kerasBytes, loadKerasModel, loadSafetensorsWeights, safetensorsBytes, saveKerasModel } from '@wasmml/convert';
import { layers, type LayersModel, sequential } from '@wasmml/layers';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';

function mlp(units: number[]): LayersModel {
  const m = sequential({ name: 'mlp' });
  units.forEach((u, i) => m.add(layers.dense({ units: u, activation: 'relu', ...(i === 0 ? { inputShape: [4] } : {}) })));
  return m;
}

describe('bad files and unsupported models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmml-convert-bad-'));
  const made: LayersModel[] = [];
  afterAll(() => made.forEach((m) => m.dispose()));

  it('a truncated .keras zip is rejected as truncated', async () => {
    const m = mlp([3, 2]);
    made.push(m);
    const bytes = await kerasBytes(m);
    await expect(loadKerasModel(bytes.slice(0, Math.floor(bytes.byteLength / 2)))).rejects.toThrow(
      /not a complete \.keras zip archive.*truncated/,
    );
  });

  it('an HDF5 weights file missing a dataset names the dataset', async () => {
    const big = mlp([3, 2, 2]),
      small = mlp([3, 2]);
    made.push(big, small);
    const files = unzipSync(await kerasBytes(big));
    // The three-layer config with the two-layer model's weights: layers/dense_2 is absent.
    files['model.weights.h5'] = unzipSync(await kerasBytes(small))['model.weights.h5']!;
    await expect(loadKerasModel(zipSync(files))).rejects.toThrow(/has no dataset 'layers\/dense_2\/vars\/0'/);
  });

  it('a config naming an unknown layer and an unsupported setting lists both in one error', async () => {
    const m = mlp([3, 2]);
    made.push(m);
    const files = unzipSync(await kerasBytes(m));
    const config = JSON.parse(strFromU8(files['config.json']!));
    config.config.layers[1].class_name = 'FancyDense';
    config.config.layers[2].config.lora_rank = 4;
    files['config.json'] = strToU8(JSON.stringify(config));
    const err = await loadKerasModel(zipSync(files)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/wasmml has no layer class 'FancyDense'/);
    expect((err as Error).message).toMatch(/lora_rank=4/);
  });

  it('a file that is neither zip nor HDF5 says so', async () => {
    await expect(loadKerasModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).rejects.toThrow(/neither a \.keras zip nor an HDF5/);
  });

  it('ONNX export of unsupported layers lists every one and leaves an existing file untouched', async () => {
    const m = sequential({ name: 'unsupported' });
    m.add(layers.depthwiseConv2d({ kernelSize: 3, inputShape: [8, 8, 2] }));
    m.add(layers.flatten());
    m.add(layers.dense({ units: 2, activation: 'mish' }));
    made.push(m);
    const path = join(dir, 'model.onnx');
    writeFileSync(path, 'previous export');
    const err = await exportOnnx(m, path).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/DepthwiseConv2D/);
    expect((err as Error).message).toMatch(/activation='mish'/);
    expect(readFileSync(path, 'utf8')).toBe('previous export');
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  });

  it('a save that fails part-way leaves no file and no temporary file behind', async () => {
    const m = mlp([3]);
    made.push(m);
    const missingDir = join(dir, 'no-such-dir', 'model.keras');
    await expect(saveKerasModel(m, missingDir)).rejects.toThrow();
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('safetensors of another model: every missing name is listed and no weight changes', async () => {
    const a = mlp([3, 2]),
      b = mlp([3, 3, 2]);
    made.push(a, b);
    const before = b.layers.map((l) =>
      l.getWeights().map((t) => {
        const v = Array.from(t.dataSync());
        t.dispose();
        return v;
      }),
    );
    await expect(loadSafetensorsWeights(b, await safetensorsBytes(a))).rejects.toThrow(/has no tensor\(s\) .*dense/);
    const after = b.layers.map((l) =>
      l.getWeights().map((t) => {
        const v = Array.from(t.dataSync());
        t.dispose();
        return v;
      }),
    );
    expect(after).toEqual(before);
  });
});
