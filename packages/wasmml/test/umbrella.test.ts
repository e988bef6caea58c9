// The umbrella re-exports the packages' own objects (no copies, no wrappers) and
// the README's example trains.
import { describe, expect, it } from 'vitest';
import * as wm from 'wasmml';
import * as tensor from '@wasmml/tensor';
import * as layers from '@wasmml/layers';
import * as optimizers from '@wasmml/optimizers';
import * as datasets from '@wasmml/datasets';
import * as tuner from '@wasmml/tuner';

describe('wasmml umbrella', () => {
  it('re-exports every runtime name of tensor and layers at the top level, as the same objects', () => {
    for (const [name, value] of [...Object.entries(tensor), ...Object.entries(layers)]) {
      expect((wm as Record<string, unknown>)[name], name).toBe(value);
    }
  });

  it('groups optimizers under train/optimizers and datasets under data', () => {
    expect(wm.train).toBe(optimizers.train);
    expect(wm.train.adam).toBe(optimizers.adam);
    expect(wm.Optimizer).toBe(optimizers.Optimizer);
    expect(Object.keys(wm.optimizers).sort()).toEqual(Object.keys(optimizers).sort());
    expect(Object.keys(wm.data).sort()).toEqual(Object.keys(datasets).sort());
    expect(wm.data.loadMnist).toBe(datasets.loadMnist);
    // The one name both tensor and datasets export stays tfjs's at the top level.
    expect(wm.oneHot).toBe(tensor.oneHot);
  });

  it('groups @wasmml/tuner under tuner', () => {
    expect(Object.keys(wm.tuner).sort()).toEqual(Object.keys(tuner).sort());
    expect(wm.tuner.RandomSearch).toBe(tuner.RandomSearch);
  });

  it('the README example learns its task', async () => {
    await wm.ready();
    wm.setSeed(3);
    const model = wm.sequential({
      layers: [wm.layers.dense({ units: 32, activation: 'relu', inputShape: [4] }), wm.layers.dense({ units: 3, activation: 'softmax' })],
    });
    model.compile({ optimizer: wm.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const xs = wm.randomNormal([256, 4], 0, 1, 'float32', 1);
    const ys = wm.argMax(xs.slice([0, 0], [-1, 3]), 1).cast('float32');
    const history = await model.fit(xs, ys, { epochs: 20, verbose: 0 });
    const acc = history.history.acc!;
    expect(acc.at(-1)!).toBeGreaterThan(0.9);
    expect(acc.at(-1)!).toBeGreaterThan(acc[0]!);
    wm.dispose([xs, ys]);
    model.dispose();
  });
});
