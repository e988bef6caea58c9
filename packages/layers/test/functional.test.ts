// Functional models against tfjs-layers: merge layers, several inputs, shared
// layers, several outputs (per-output losses, lossWeights, per-output metrics)
// and models used as layers inside other models.
import { describe, expect, it } from 'vitest';
import type { LayersModel } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import {
  classes,
  close,
  copyWeights,
  data,
  expectSameTraining,
  expectSameWeights,
  OURS,
  tf,
  TFJS,
  tfl,
  twin,
  type wm,
  type Lib,
} from './helpers.js';

describe('merge layers and several inputs', () => {
  it('add, multiply, average and concatenate of two branches train like tfjs', async () => {
    const { ours, theirs } = twin((L: Lib) => {
      const x1 = L.input({ shape: [4], name: 'x1' }),
        x2 = L.input({ shape: [4], name: 'x2' });
      const a = L.layers.dense({ units: 3, activation: 'tanh', name: 'a' }).apply(x1);
      const b = L.layers.dense({ units: 3, activation: 'sigmoid', name: 'b' }).apply(x2);
      const merged = [L.layers.add({}), L.layers.multiply({}), L.layers.average({}), L.layers.concatenate({})].map((m) => m.apply([a, b]));
      const all = L.layers.concatenate({ axis: -1 }).apply(merged);
      return L.model({ inputs: [x1, x2], outputs: L.layers.dense({ units: 2, name: 'out' }).apply(all) });
    });
    await expectSameTraining(ours, theirs, [data([8, 4], 1), data([8, 4], 2)], data([8, 2], 3));
  });

  it('three-way add and concatenate on axis 1 of rank-3 tensors', async () => {
    const { ours, theirs } = twin((L: Lib) => {
      const x = L.input({ shape: [3, 2] });
      const p = L.layers.dense({ units: 2, name: 'p' }).apply(x);
      const q = L.layers.dense({ units: 2, name: 'q' }).apply(x);
      const s = L.layers.add({}).apply([p, q, x]);
      const c = L.layers.concatenate({ axis: 1 }).apply([s, q]);
      return L.model({ inputs: x, outputs: L.layers.flatten({}).apply(c) });
    });
    await expectSameTraining(ours, theirs, data([6, 3, 2], 4), data([6, 12], 5));
  });

  it('a shared layer applied to two inputs gets the sum of both gradients', async () => {
    const { ours, theirs } = twin((L: Lib) => {
      const x1 = L.input({ shape: [5] }),
        x2 = L.input({ shape: [5] });
      const shared = L.layers.dense({ units: 4, activation: 'relu', name: 'shared' });
      const joined = L.layers.concatenate({}).apply([shared.apply(x1), shared.apply(x2)]);
      return L.model({ inputs: [x1, x2], outputs: L.layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }).apply(joined) });
    });
    expect(ours.layers.filter((l) => l.weights.length > 0).length).toBe(2);
    await expectSameTraining(ours, theirs, [data([10, 5], 6), data([10, 5], 7)], data([10, 1], 8, 0, 1), { loss: 'binaryCrossentropy' });
  });
});

describe('several outputs', () => {
  function build(L: Lib) {
    const x = L.input({ shape: [5] });
    const h = L.layers.dense({ units: 6, activation: 'relu', name: 'h' }).apply(x);
    const reg = L.layers.dense({ units: 2, name: 'reg' }).apply(h);
    const cls = L.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(h);
    return L.model({ inputs: x, outputs: [reg, cls] });
  }

  it('per-output losses with lossWeights, per-output metrics: history, evaluate and weights like tfjs', async () => {
    const ours = build(OURS) as LayersModel;
    const theirs = build(TFJS) as tfl.LayersModel;
    copyWeights(ours, theirs);
    const w = [0.3, 1.5];
    ours.compile({
      optimizer: adam(0.02),
      loss: ['meanSquaredError', 'categoricalCrossentropy'],
      lossWeights: w,
      metrics: { reg: ['mse'], cls: ['accuracy'] },
    });
    // tfjs has no lossWeights: the reference weights the loss functions themselves.
    theirs.compile({
      optimizer: tf.train.adam(0.02),
      loss: [
        (a: tf.Tensor, b: tf.Tensor) => tf.mul(tfl.metrics.meanSquaredError(a, b), w[0]!),
        (a: tf.Tensor, b: tf.Tensor) => tf.mul(tfl.metrics.categoricalCrossentropy(a, b), w[1]!),
      ],
      metrics: { reg: ['mse'], cls: ['accuracy'] } as never, // tfjs types one metric per output but takes lists
    });
    const x = data([12, 5], 9),
      yr = data([12, 2], 10),
      yc = classes(12, 3);
    const h = await ours.fit(x.ours, [yr.ours, yc.ours], { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const th = await theirs.fit(x.theirs, [yr.theirs, yc.theirs], { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(Object.keys(th.history).sort());
    const hist = (k: string) => th.history[k] as number[];
    close(h.history.loss!, hist('loss'), 'loss');
    close(
      h.history.reg_loss!.map((v) => v * w[0]!),
      hist('reg_loss'),
      'reg_loss',
    );
    close(
      h.history.cls_loss!.map((v) => v * w[1]!),
      hist('cls_loss'),
      'cls_loss',
    );
    close(h.history.reg_mse!, hist('reg_mse'), 'reg_mse');
    close(h.history.cls_acc!, hist('cls_acc'), 'cls_acc');
    expectSameWeights(ours, theirs, 'after fit');
    const ev = (ours.evaluate(x.ours, [yr.ours, yc.ours], { batchSize: 5 }) as wm.Tensor[]).map((t) => t.dataSync()[0]!);
    // tfjs's evaluate() mixes up the values of multi-output models; the reference is computed from its predictions.
    const [pr, pc] = theirs.predict(x.theirs) as tf.Tensor[];
    const mse = tf.mean(tfl.metrics.meanSquaredError(yr.theirs, pr!)).dataSync()[0]!;
    const cce = tf.mean(tfl.metrics.categoricalCrossentropy(yc.theirs, pc!)).dataSync()[0]!;
    const acc = tf.mean(tfl.metrics.categoricalAccuracy(yc.theirs, pc!)).dataSync()[0]!;
    close(ev, [w[0]! * mse + w[1]! * cce, mse, cce, mse, acc], 'evaluate [loss, reg_loss, cls_loss, reg_mse, cls_acc]');
  });

  it('losses, lossWeights and targets by output name', async () => {
    const m = build(OURS) as LayersModel;
    m.compile({ optimizer: 'sgd', loss: { reg: 'mse', cls: 'categoricalCrossentropy' }, lossWeights: { reg: 2, cls: 0 } });
    const x = data([6, 5], 11),
      yr = data([6, 2], 12),
      yc = classes(6, 3);
    const [total, reg, cls] = (m.evaluate(x.ours, { reg: yr.ours, cls: yc.ours }) as wm.Tensor[]).map((t) => t.dataSync()[0]!);
    expect(total).toBeCloseTo(2 * reg!, 5);
    expect(cls).toBeGreaterThan(0);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: [1] })).toThrow(/1 lossWeights for 2 outputs/);
  });
});

describe('models used as layers', () => {
  it('a Sequential inside a Sequential trains like tfjs', async () => {
    const { ours, theirs } = twin((L: Lib) => {
      const inner = L.sequential({
        layers: [L.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), L.layers.dense({ units: 3 })],
      });
      return L.sequential({ layers: [inner, L.layers.dense({ units: 2, activation: 'tanh' })] });
    });
    await expectSameTraining(ours, theirs, data([8, 3], 13), data([8, 2], 14));
  });

  it('a functional model applied twice inside another (shared sub-model) trains like tfjs', async () => {
    const { ours, theirs } = twin((L: Lib) => {
      const a = L.input({ shape: [4] });
      const encoder = L.model({
        inputs: a,
        outputs: L.layers.dense({ units: 3, activation: 'tanh', name: 'enc' }).apply(a),
        name: 'encoder',
      });
      const x1 = L.input({ shape: [4] }),
        x2 = L.input({ shape: [4] });
      const both = L.layers.multiply({}).apply([encoder.apply(x1), encoder.apply(x2)]);
      return L.model({ inputs: [x1, x2], outputs: L.layers.dense({ units: 1, name: 'score' }).apply(both) });
    });
    await expectSameTraining(ours, theirs, [data([8, 4], 15), data([8, 4], 16)], data([8, 1], 17));
  });

  it('freezing a nested model freezes all its layers; its weights move to the end of getWeights like tfjs', () => {
    const { ours, theirs } = twin((L: Lib) => {
      const inner = L.sequential({ layers: [L.layers.dense({ units: 4, inputShape: [3] })] });
      return L.sequential({ layers: [inner, L.layers.dense({ units: 2 })] });
    });
    (ours.layers[0] as LayersModel).trainable = false;
    theirs.layers[0]!.trainable = false;
    expect(ours.trainableWeights.map((w) => w.shape)).toEqual([[4, 2], [2]]);
    expect(ours.getWeights().map((w) => w.shape)).toEqual(theirs.getWeights().map((w) => w.shape));
    expect((ours.layers[0] as LayersModel).layers.every((l) => !l.trainable)).toBe(true);
  });
});
