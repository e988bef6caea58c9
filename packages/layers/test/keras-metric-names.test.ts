// Keras 3 metric names beside the tfjs ones: compile accepts either spelling,
// logs keep the tfjs key ('acc', 'val_acc'), and every reader by name
// (earlyStopping / modelCheckpoint / reduceLROnPlateau monitors, History,
// callback logs) finds the value under the Keras 3 name too.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { sgd } from '@wasmml/optimizers';
import { callbacks, layers, sequential, type Logs } from '@wasmml/layers';

/** Two separable blobs: label 1 where x0 + x1 > 0. */
function blobs(n: number, seed: number) {
  const x = wm.randomNormal([n, 2], 0, 1, 'float32', seed);
  const y = wm.cast(wm.greater(wm.sum(x, 1, true), 0), 'float32');
  return { x, y };
}

function classifier(units: number, activation: 'sigmoid' | 'softmax') {
  return sequential({ layers: [layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), layers.dense({ units, activation })] });
}

describe('Keras 3 metric names', () => {
  it('earlyStopping monitors val_accuracy (logged as val_acc) and stops', async () => {
    const { x, y } = blobs(128, 1);
    const m = classifier(1, 'sigmoid');
    m.compile({ optimizer: sgd(0.1), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    // After the first epoch none improves by minDelta 10: with patience 1 training stops after the 2nd epoch.
    const stop = callbacks.earlyStopping({ monitor: 'val_accuracy', minDelta: 10, patience: 1 });
    const h = await m.fit(x, y, { epochs: 10, batchSize: 32, validationSplit: 0.25, verbose: 0, callbacks: [stop] });
    expect(h.epoch).toEqual([0, 1]);
    expect(Object.keys(h.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    expect(h.history.val_accuracy).toBe(h.history.val_acc);
    expect(h.history.accuracy).toEqual(h.history.acc);
    wm.dispose([x, y]);
  });

  it('a tfjs monitor name reads a Keras-named metric, and callback logs answer to both names', async () => {
    const { x, y: col } = blobs(96, 2);
    const y = wm.oneHot(wm.cast(wm.reshape(col, [96]), 'int32'), 2).cast('float32');
    col.dispose();
    const m = classifier(2, 'softmax');
    m.compile({ optimizer: sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['categorical_accuracy', 'mse'] });
    const seen: Logs[] = [];
    const record = {
      onEpochEnd: (_e: number, logs?: Logs) => {
        seen.push({ a: logs!.categoricalAccuracy!, b: logs!.val_categorical_accuracy!, c: logs!.val_mean_squared_error! });
      },
    };
    const stop = callbacks.earlyStopping({ monitor: 'val_categorical_accuracy', minDelta: 10, patience: 1 });
    const h = await m.fit(x, y, { epochs: 5, batchSize: 32, validationSplit: 0.25, verbose: 0, callbacks: [record, stop] });
    expect(h.epoch).toEqual([0, 1]);
    expect(Object.keys(h.history).sort()).toEqual(['categoricalAccuracy', 'loss', 'mse', 'val_categoricalAccuracy', 'val_loss', 'val_mse']);
    // Logged under the tfjs key; the Keras 3 spelling reads the same list.
    expect(h.history.categorical_accuracy).toBe(h.history.categoricalAccuracy);
    expect(seen[0]!.a).toBe(h.history.categoricalAccuracy![0]);
    expect(seen[0]!.b).toBe(h.history.val_categorical_accuracy![0]);
    expect(seen[0]!.c).toBe(h.history.val_mse![0]);
    expect(seen[0]!.b).toBeGreaterThanOrEqual(0);
    wm.dispose([x, y]);
  });

  it('reduceLROnPlateau and modelCheckpoint-style monitors resolve Keras names (no "not in the logs" warning)', async () => {
    const { x, y } = blobs(64, 3);
    const m = classifier(1, 'sigmoid');
    const opt = sgd(0.1);
    m.compile({ optimizer: opt, loss: 'binaryCrossentropy', metrics: ['binary_accuracy'] });
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => {
      warnings.push(a.join(' '));
    };
    try {
      const reduce = callbacks.reduceLROnPlateau({ monitor: 'binaryAccuracy', mode: 'max', factor: 0.5, patience: 0, minDelta: 10 });
      await m.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, callbacks: [reduce] });
    } finally {
      console.warn = warn;
    }
    expect(warnings.filter((w) => /not in the epoch logs/.test(w))).toEqual([]);
    // minDelta 10: no epoch improves, so with patience 0 the rate is cut.
    expect(opt.getConfig().learningRate).toBeLessThan(0.1);
    wm.dispose([x, y]);
  });
});
