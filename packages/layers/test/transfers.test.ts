// No hidden copies around the kernels: per training step, fit uploads the batch
// (or, when the data is already in the arena, the batch's row numbers) and reads
// back the loss and one number per metric, whatever the batch size or the depth
// of the model. predict and evaluate read back only what they return.
import { describe, expect, it } from 'vitest';
import { callbacks, layers, sequential, type LayersModel } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { randomFloats } from '@wasmml/test-utils';
import * as wm from '@wasmml/tensor';

await wm.ready();
const CLASSES = 3;

/** A small seed-style CNN (conv, pool, dense..., softmax); `hidden` dense layers in the middle. */
function cnn(hidden: number): LayersModel {
  const model = sequential({
    layers: [
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      ...Array.from({ length: hidden }, () => layers.dense({ units: 16, activation: 'relu' })),
      layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

interface Step {
  up: number;
  down: number;
  uploads: number;
  readbacks: number;
}

/** Bytes copied host <-> arena in each step after the first (measured between onBatchEnd calls). */
function stepRecorder(): { steps: Step[]; callback: { onBatchEnd: () => void } } {
  const steps: Step[] = [];
  let last: wm.TransferStats | undefined;
  return {
    steps,
    callback: {
      onBatchEnd: () => {
        const now = wm.transferStats();
        if (last) {
          steps.push({
            up: now.bytesUploaded - last.bytesUploaded,
            down: now.bytesReadBack - last.bytesReadBack,
            uploads: now.uploads - last.uploads,
            readbacks: now.readbacks - last.readbacks,
          });
        }
        last = now;
      },
    },
  };
}

const labels = (n: number) => Int32Array.from({ length: n }, (_, i) => (i * 7) % CLASSES);

describe('host transfers per training step', () => {
  it('fitDataset: each step uploads its batch and a constant, reads back the loss and the accuracy', async () => {
    const perStep = new Map<string, Step[]>();
    for (const batch of [8, 16]) {
      for (const hidden of [1, 3]) {
        const model = cnn(hidden);
        const rec = stepRecorder();
        const dataset = {
          async *[Symbol.asyncIterator]() {
            for (let i = 0; i < 5; i++) {
              yield {
                xs: wm.tensor(randomFloats(batch * 64, 10 + i), [batch, 8, 8, 1]),
                ys: wm.tensor(labels(batch), [batch], 'int32'),
              };
            }
          },
        };
        await model.fitDataset(dataset, {
          epochs: 1,
          verbose: 0,
          callbacks: [rec.callback, callbacks.earlyStopping({ monitor: 'loss', patience: 100 })],
        });
        expect(rec.steps).toHaveLength(4);
        perStep.set(`${batch}/${hidden}`, rec.steps);
        model.dispose();
      }
    }
    for (const [key, steps] of perStep) {
      const batch = Number(key.split('/')[0]);
      const batchBytes = batch * 64 * 4 + batch * 4;
      for (const s of steps) {
        // The batch, plus a few bytes that do not grow with it (the class numbers the loss one-hots against).
        expect(s.up - batchBytes, key).toBeGreaterThanOrEqual(0);
        expect(s.up - batchBytes, key).toBeLessThanOrEqual(32);
        // The loss and the accuracy: two float32 scalars, not a readback per layer.
        expect([s.down, s.readbacks], key).toEqual([8, 2]);
      }
    }
    // The constant is the same for every batch size and depth: nothing scales with either.
    const extras = [...perStep].map(([key, steps]) => steps[0]!.up - Number(key.split('/')[0]) * 260);
    expect(new Set(extras).size).toBe(1);
  });

  it('fit on data already in the arena uploads only the row numbers of each batch', async () => {
    const n = 64,
      batch = 16;
    const x = wm.tensor(randomFloats(n * 64, 3), [n, 8, 8, 1]),
      y = wm.tensor(labels(n), [n], 'int32');
    const model = cnn(2);
    const rec = stepRecorder();
    await model.fit(x, y, { epochs: 2, batchSize: batch, verbose: 0, callbacks: rec.callback });
    expect(rec.steps.length).toBe(2 * (n / batch) - 1);
    for (const s of rec.steps) {
      expect(s.up - 4 * batch).toBeGreaterThanOrEqual(0);
      expect(s.up - 4 * batch).toBeLessThanOrEqual(32);
      expect([s.down, s.readbacks]).toEqual([8, 2]);
    }
    // classWeight weighs the samples inside the arena: still no label readback.
    const weighted = stepRecorder();
    await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0, classWeight: { 0: 1, 1: 2, 2: 0.5 }, callbacks: weighted.callback });
    for (const s of weighted.steps) expect([s.down, s.readbacks]).toEqual([8, 2]);
    model.dispose();
    wm.dispose([x, y]);
  });

  it('predict reads back only its output, evaluate only its figures', () => {
    const n = 40;
    const x = wm.tensor(randomFloats(n * 64, 4), [n, 8, 8, 1]),
      y = wm.tensor(labels(n), [n], 'int32');
    const model = cnn(2);
    const before = wm.transferStats();
    const p = model.predict(x, { batchSize: n }) as wm.Tensor;
    const mid = wm.transferStats();
    expect(mid.bytesReadBack - before.bytesReadBack).toBe(0);
    expect(mid.bytesUploaded - before.bytesUploaded).toBeLessThanOrEqual(32);
    p.dataSync();
    expect(wm.transferStats().bytesReadBack - mid.bytesReadBack).toBe(n * CLASSES * 4);
    p.dispose();
    const e0 = wm.transferStats();
    const r = model.evaluate(x, y, { batchSize: 10 }) as wm.Tensor[];
    const e1 = wm.transferStats();
    // 4 batches x (loss + accuracy), as float32 scalars.
    expect(e1.bytesReadBack - e0.bytesReadBack).toBe(4 * 8);
    // The row numbers of each batch, the class numbers, and the two result scalars.
    expect(e1.bytesUploaded - e0.bytesUploaded).toBeLessThanOrEqual(4 * (4 * 10 + 64) + 8);
    wm.dispose(r);
    model.dispose();
    wm.dispose([x, y]);
  });
});
