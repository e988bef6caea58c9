// The training loop's options against tfjs-layers or direct checks: classWeight,
// validationSplit, frozen layers, fitDataset on a @wasmml/datasets Dataset,
// trainOnBatch, batched evaluate/predict and summary().
import { describe, expect, it } from 'vitest';
import { fromArrays, shaped } from '@wasmml/datasets';
import { layers, sequential, type LayersModel } from '@wasmml/layers';
import { adam, sgd } from '@wasmml/optimizers';
import { classes, close, copyWeights, data, expectSameWeights, OURS, tf, TFJS, twin, wm, type Lib } from './helpers.js';

const mlp = (L: Lib, units = 3, activation = 'softmax') =>
  L.sequential({
    layers: [
      L.layers.dense({ units: 6, activation: 'relu', inputShape: [4], name: 'hidden' }),
      L.layers.dense({ units, activation, name: 'head' }),
    ],
  });

describe('fit options against tfjs-layers', () => {
  it('classWeight (one-hot targets) weights each sample loss by its class', async () => {
    const { ours, theirs } = twin((L: Lib) => mlp(L));
    copyWeights(ours, theirs);
    ours.compile({ optimizer: sgd(0.2), loss: 'categoricalCrossentropy' });
    theirs.compile({ optimizer: tf.train.sgd(0.2), loss: 'categoricalCrossentropy' });
    const x = data([15, 4], 1),
      y = classes(15, 3);
    const classWeight = { 0: 0.2, 1: 3, 2: 1.5 };
    const h = await ours.fit(x.ours, y.ours, { epochs: 2, batchSize: 5, shuffle: false, verbose: 0, classWeight });
    const th = await theirs.fit(x.theirs, y.theirs, { epochs: 2, batchSize: 5, shuffle: false, verbose: 0, classWeight });
    close(h.history.loss!, th.history.loss as number[], 'loss');
    expectSameWeights(ours, theirs, 'after classWeight fit');
  });

  it('classWeight with sparse [n, 1] targets and a binary head; multi-output models need one per output', async () => {
    const { ours, theirs } = twin((L: Lib) => mlp(L, 1, 'sigmoid'));
    copyWeights(ours, theirs);
    ours.compile({ optimizer: sgd(0.2), loss: 'binaryCrossentropy' });
    theirs.compile({ optimizer: tf.train.sgd(0.2), loss: 'binaryCrossentropy' });
    const x = data([12, 4], 2),
      y = classes(12, 2, true);
    const y2 = { ours: wm.reshape(y.ours, [12, 1]), theirs: tf.reshape(y.theirs, [12, 1]) };
    await ours.fit(x.ours, y2.ours, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0, classWeight: { 0: 1, 1: 4 } });
    await theirs.fit(x.theirs, y2.theirs, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0, classWeight: { 0: 1, 1: 4 } });
    expectSameWeights(ours, theirs, 'after binary classWeight fit');
    const inp = OURS.input({ shape: [4] });
    const two = OURS.model({
      inputs: inp,
      outputs: [OURS.layers.dense({ units: 2, name: 'o1' }).apply(inp), OURS.layers.dense({ units: 2, name: 'o2' }).apply(inp)],
    }) as LayersModel;
    two.compile({ optimizer: 'sgd', loss: 'mse' });
    const t = [wm.zeros([3, 2]), wm.zeros([3, 2])];
    await expect(two.fit(wm.zeros([3, 4]), t, { classWeight: { 0: 2 }, verbose: 0 })).rejects.toThrow(/2 outputs.*o1, o2/);
    await two.fit(wm.zeros([3, 4]), t, { classWeight: { o2: { 0: 2 } }, verbose: 0 });
  });

  it('validationSplit holds out the last fraction (before shuffling) and reports val_ figures', async () => {
    const { ours, theirs } = twin((L: Lib) => mlp(L));
    copyWeights(ours, theirs);
    ours.compile({ optimizer: adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    theirs.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = data([20, 4], 3),
      y = classes(20, 3);
    const h = await ours.fit(x.ours, y.ours, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0, validationSplit: 0.25 });
    const th = await theirs.fit(x.theirs, y.theirs, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0, validationSplit: 0.25 });
    for (const k of ['loss', 'acc', 'val_loss', 'val_acc']) close(h.history[k]!, th.history[k] as number[], k);
    // With shuffling on the split is the same: the validation figures still come from the last 5 samples.
    const m = mlp(OURS) as LayersModel;
    m.compile({ optimizer: sgd(0), loss: 'categoricalCrossentropy' });
    const hs = await m.fit(x.ours, y.ours, { epochs: 1, batchSize: 4, verbose: 0, validationSplit: 0.25 });
    const last = (m.evaluate(wm.slice(x.ours, [15, 0], [5, 4]), wm.slice(y.ours, [15, 0], [5, 3])) as wm.Tensor).dataSync()[0]!;
    expect(hs.history.val_loss![0]).toBeCloseTo(last, 5);
  });

  it('trainOnBatch: one step, [loss, ...metrics], like tfjs', async () => {
    const { ours, theirs } = twin((L: Lib) => mlp(L));
    copyWeights(ours, theirs);
    ours.compile({ optimizer: sgd(0.3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    theirs.compile({ optimizer: tf.train.sgd(0.3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = data([9, 4], 4),
      y = classes(9, 3);
    for (let i = 0; i < 3; i++) {
      const r = (await ours.trainOnBatch(x.ours, y.ours)) as number[];
      const tr = (await theirs.trainOnBatch(x.theirs, y.theirs)) as number[];
      close(r, tr, `step ${i}`);
    }
    expectSameWeights(ours, theirs, 'after trainOnBatch');
  });

  it('evaluate and predict in batches give the figures of one big batch, and tfjs evaluate', () => {
    const { ours, theirs } = twin((L: Lib) => mlp(L));
    copyWeights(ours, theirs);
    ours.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    theirs.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = data([23, 4], 5),
      y = classes(23, 3);
    const whole = (ours.predict(x.ours, { batchSize: 100 }) as wm.Tensor).dataSync();
    close((ours.predict(x.ours, { batchSize: 5 }) as wm.Tensor).dataSync(), whole, 'predict in batches of 5');
    close((ours.predictOnBatch(x.ours) as wm.Tensor).dataSync(), whole, 'predictOnBatch');
    const ev = (b: number) => (ours.evaluate(x.ours, y.ours, { batchSize: b }) as wm.Tensor[]).map((t) => t.dataSync()[0]!);
    close(ev(6), ev(100), 'evaluate in batches of 6');
    close(
      ev(6),
      (theirs.evaluate(x.theirs, y.theirs, { batchSize: 6 }) as tf.Scalar[]).map((t) => t.dataSync()[0]!),
      'evaluate vs tfjs',
    );
  });
});

describe('frozen layers', () => {
  it('freeze a base, train a head: base unchanged, head changed; unfreeze and the base trains too', async () => {
    const base = layers.dense({ units: 5, activation: 'relu', inputShape: [4] });
    const head = layers.dense({ units: 2 });
    const m = sequential({ layers: [base, head] });
    m.compile({ optimizer: adam(0.05), loss: 'meanSquaredError' });
    const x = data([16, 4], 6),
      y = data([16, 2], 7);
    const snap = (l: typeof base) => l.getWeights().map((w) => Array.from(w.dataSync()));
    base.trainable = false;
    expect(m.trainableWeights.length).toBe(2);
    const b0 = snap(base),
      h0 = snap(head);
    await m.fit(x.ours, y.ours, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(snap(base)).toEqual(b0);
    expect(snap(head)).not.toEqual(h0);
    base.trainable = true;
    expect(m.trainableWeights.length).toBe(4);
    await m.fit(x.ours, y.ours, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(snap(base)).not.toEqual(b0);
    m.trainable = false;
    await expect(m.fit(x.ours, y.ours, { epochs: 1, verbose: 0 })).rejects.toThrow(/no trainable weights/);
  });

  it('training with a frozen layer matches tfjs (frozen weights listed last)', async () => {
    const { ours, theirs } = twin((L: Lib) => mlp(L));
    ours.getLayer('hidden').trainable = false;
    theirs.getLayer('hidden').trainable = false;
    copyWeights(ours, theirs);
    ours.compile({ optimizer: sgd(0.5), loss: 'categoricalCrossentropy' });
    theirs.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const x = data([8, 4], 8),
      y = classes(8, 3);
    await ours.fit(x.ours, y.ours, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    await theirs.fit(x.theirs, y.theirs, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    expectSameWeights(ours, theirs, 'frozen hidden layer');
  });
});

describe('fitDataset', () => {
  it('training on a Dataset of {xs, ys} batches equals fit() on the same batches; validation on a Dataset', async () => {
    const x = data([24, 4], 9),
      y = classes(24, 3);
    const dataset = fromArrays({ xs: shaped(x.values, [24, 4]), ys: shaped(y.values, [24, 3]) }).batch(6);
    const a = mlp(OURS) as LayersModel,
      b = mlp(OURS) as LayersModel;
    b.setWeights(a.getWeights());
    a.compile({ optimizer: adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    b.compile({ optimizer: adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const ha = await a.fitDataset(dataset, { epochs: 3, verbose: 0, validationData: dataset });
    const hb = await b.fit(x.ours, y.ours, { epochs: 3, batchSize: 6, shuffle: false, verbose: 0, validationData: [x.ours, y.ours] });
    for (const k of ['loss', 'acc', 'val_loss', 'val_acc']) close(ha.history[k]!, hb.history[k]!, k, 1e-5, 1e-6);
    a.getWeights().forEach((w, i) => close(w.dataSync(), b.getWeights()[i]!.dataSync(), `weight ${i}`, 1e-5, 1e-6));
    const ev = ((await a.evaluateDataset(dataset)) as wm.Tensor[]).map((t) => t.dataSync()[0]!);
    close(
      ev,
      (a.evaluate(x.ours, y.ours) as wm.Tensor[]).map((t) => t.dataSync()[0]!),
      'evaluateDataset',
    );
    // batchesPerEpoch stops an epoch early.
    let batches = 0;
    await a.fitDataset(dataset, {
      epochs: 2,
      batchesPerEpoch: 2,
      verbose: 0,
      callbacks: {
        onBatchEnd: () => {
          batches++;
        },
      },
    });
    expect(batches).toBe(4);
  });
});

describe('summary', () => {
  it('lists layers with output shapes and parameter counts; totals agree with tfjs', () => {
    const build = (L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1], name: 'c' }),
          L.layers.batchNormalization({ name: 'bn' }),
          L.layers.flatten({ name: 'f' }),
          L.layers.dense({ units: 3, name: 'd' }),
        ],
      });
    const ours = build(OURS) as LayersModel,
      theirs = build(TFJS);
    ours.getLayer('c').trainable = false;
    theirs.getLayer('c').trainable = false;
    const lines: string[] = [],
      tlines: string[] = [];
    ours.summary(80, undefined, (s) => lines.push(s));
    theirs.summary(80, undefined, (s: string) => tlines.push(s));
    const totals = (ls: string[]) => ls.filter((l) => /params:/.test(l));
    expect(totals(lines)).toEqual(totals(tlines));
    expect(totals(lines)).toEqual(['Total params: 85', 'Trainable params: 61', 'Non-trainable params: 24']);
    const row = (name: string) => lines.find((l) => l.startsWith(name))!.split(/\s{2,}/);
    expect(row('c (Conv2D)')).toEqual(['c (Conv2D)', '[null,3,3,2]', '20']);
    expect(row('bn (BatchNormalization)')).toEqual(['bn (BatchNormalization)', '[null,3,3,2]', '8']);
    expect(row('d (Dense)')).toEqual(['d (Dense)', '[null,3]', '57']);
  });
});

describe('bad input', () => {
  it('a failing fit names the problem and leaves weights and memory as they were', async () => {
    const m = mlp(OURS) as LayersModel;
    m.compile({ optimizer: adam(0.1), loss: 'categoricalCrossentropy' });
    const x = data([8, 4], 10),
      y = classes(8, 3);
    const values = () => wm.tidy(() => m.getWeights().map((w) => Array.from(w.dataSync())));
    const before = values();
    const tensorsBefore = wm.memory().numTensors;
    await expect(m.fit(x.ours, wm.zeros([8, 2]), { verbose: 0 })).rejects.toThrow(
      /categoricalCrossentropy.*\[4,2\].*\[4,3\]|categoricalCrossentropy.*\[8,2\].*\[8,3\]/,
    );
    await expect(m.fit(wm.zeros([8, 5]), y.ours, { verbose: 0 })).rejects.toThrow(/expects shape \[null,4\], got \[8,5\]/);
    await expect(m.fit(x.ours, wm.zeros([7, 3]), { verbose: 0 })).rejects.toThrow(/same number of samples; got 8 and 7/);
    expect(wm.memory().numTensors).toBe(tensorsBefore + 3); // the three bad targets/inputs made above
    expect(values()).toEqual(before);
    const h = await m.fit(x.ours, y.ours, { epochs: 2, verbose: 0 });
    expect(h.history.loss![1]!).toBeLessThan(h.history.loss![0]!);
  });

  it('layer arguments are checked when the layer is made', () => {
    expect(() => layers.dense({ units: 0 })).toThrow(/units must be a positive integer, got 0/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: [3, 0] })).toThrow(/kernelSize/);
    expect(() => layers.maxPooling2d({ padding: 'causal' as never })).toThrow(/padding must be 'valid' or 'same'/);
    expect(() => layers.dropout({ rate: 1 })).toThrow(/rate must be in \[0, 1\)/);
    expect(() => layers.activation({ activation: 'nope' })).toThrow(/unknown activation 'nope'/);
  });
});
