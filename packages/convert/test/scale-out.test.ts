// docs/scale-out.md, run on one machine: define a model here, export .keras,
// train it with Keras 3 DataParallel (JAX) over 2 CPU devices, load it back,
// fine-tune it here. The loss must come back lower than it left.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKerasModel, saveKerasModel } from '@wasmml/convert';
import { layers, type LayersModel, sequential } from '@wasmml/layers';
import { tensor, type Tensor } from '@wasmml/tensor';
import { rng } from '@wasmml/test-utils';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import { describe, expect, it } from 'vitest';

const python = referencePython();

/** 1024 points in 8-D, labelled by which of three fixed directions they lie closest to. */
function data(): { x: Float32Array; y: Int32Array } {
  const r = rng(11);
  const n = 1024,
    x = new Float32Array(n * 8),
    y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 8; j++) x[i * 8 + j] = r() * 2 - 1;
    const s = [x[i * 8]! + x[i * 8 + 1]!, x[i * 8 + 2]! - x[i * 8 + 3]!, x[i * 8 + 4]! * 2];
    y[i] = s.indexOf(Math.max(...s));
  }
  return { x, y };
}

function loss(m: LayersModel, x: Tensor, y: Tensor): number {
  const l = m.evaluate(x, y, { batchSize: 64 }) as Tensor;
  const v = l.dataSync()[0]!;
  l.dispose();
  return v;
}

describe.skipIf(!python)('scale-out guide: wasmml -> Keras 3 DataParallel (JAX, 2 CPU devices) -> wasmml', () => {
  it('trains over 2 devices and comes back with a lower loss; fine-tuning here continues from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmml-scale-out-'));
    const { x, y } = data();
    writeFileSync(join(dir, 'x.f32'), x);
    writeFileSync(join(dir, 'y.i32'), y);
    writeFileSync(join(dir, 'data.json'), JSON.stringify({ x_shape: [1024, 8] }));
    const xt = tensor(x, [1024, 8]),
      yt = tensor(Float32Array.from(y), [1024]);

    const model = sequential({ name: 'scale_out' });
    model.add(layers.dense({ units: 32, activation: 'relu', inputShape: [8] }));
    model.add(layers.dense({ units: 3, activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const start = loss(model, xt, yt);
    await saveKerasModel(model, join(dir, 'model.keras'));

    const out = JSON.parse(
      runPython(readFileSync(new URL('./python/scale_out.py', import.meta.url), 'utf8'), { args: [dir] })
        .trim()
        .split('\n')
        .pop()!,
    ) as {
      devices: number;
      before: number;
      after: number;
    };
    expect(out.devices).toBe(2);
    // Keras computes the same loss on the model we exported.
    expect(Math.abs(out.before - start)).toBeLessThan(1e-4);
    expect(out.after).toBeLessThan(start * 0.7);

    const back = await loadKerasModel(join(dir, 'trained.keras'));
    back.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const returned = loss(back, xt, yt);
    expect(Math.abs(returned - out.after)).toBeLessThan(1e-4);
    await back.fit(xt, yt, { epochs: 3, batchSize: 64, verbose: 0 });
    expect(loss(back, xt, yt)).toBeLessThan(returned);
    [xt, yt, model, back].forEach((t) => t.dispose());
  }, 600_000);
});
