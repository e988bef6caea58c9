// Same model, same weights, same data through tfjs-layers and through ours:
// predictions, losses and the weights after training must agree.
import { describe, expect, it } from 'vitest';
import { tf } from '@wasmml/test-utils/tfjs';
import * as tfl from '@tensorflow/tfjs-layers';
import * as wm from '@wasmml/tensor';
import { adam, sgd } from '@wasmml/optimizers';
import { expectClose } from '@wasmml/test-utils';
import { layers, sequential, type Sequential } from '@wasmml/layers';

function copyWeights(ours: Sequential, theirs: tfl.Sequential): void {
  const tw = theirs.getWeights().map((w) => w.dataSync());
  const ow = ours.getWeights();
  expect(ow.length).toBe(tw.length);
  ours.setWeights(ow.map((w, i) => wm.tensor(tw[i]!, w.shape)));
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string, rtol = 1e-4, atol = 1e-5) {
  expectClose(a, b, rtol, atol, what);
}

describe('layers agree with tfjs-layers', () => {
  it('MLP: predict, evaluate and 3 epochs of Adam give the same numbers', async () => {
    const ours = sequential({
      layers: [
        layers.dense({ units: 8, activation: 'relu', inputShape: [5] }),
        layers.dense({ units: 6, activation: 'tanh' }),
        layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [5] }),
        tfl.layers.dense({ units: 6, activation: 'tanh' }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    copyWeights(ours, theirs);
    const X = Array.from({ length: 40 * 5 }, (_, i) => Math.sin(i * 1.7));
    const Y = Array.from({ length: 40 }, (_, i) => [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0))).flat();
    const xo = wm.tensor(X, [40, 5]),
      yo = wm.tensor(Y, [40, 3]);
    const xt = tf.tensor(X, [40, 5]),
      yt = tf.tensor(Y, [40, 3]);
    close((ours.predict(xo) as wm.Tensor).dataSync(), (theirs.predict(xt) as tf.Tensor).dataSync(), 'predict');
    ours.compile({ optimizer: adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    theirs.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const ev = ours.evaluate(xo, yo) as wm.Tensor[];
    const tev = theirs.evaluate(xt, yt) as tf.Scalar[];
    close(
      ev.map((t) => t.dataSync()[0]!),
      tev.map((t) => t.dataSync()[0]!),
      'evaluate',
    );
    const h = await ours.fit(xo, yo, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    const th = await theirs.fit(xt, yt, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    close(h.history.loss!, th.history.loss as number[], 'loss history', 1e-4);
    close(h.history.acc!, th.history.acc as number[], 'acc history', 1e-6);
    const ow = ours.getWeights(),
      tw = theirs.getWeights();
    ow.forEach((w, i) => close(w.dataSync(), tw[i]!.dataSync(), `weight ${i} after training`, 2e-4, 2e-5));
  });

  it('CNN layers: conv2d, maxPooling2d, flatten, dense with SGD', async () => {
    const ours = sequential({
      layers: [
        layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 2] }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 2] }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    copyWeights(ours, theirs);
    const X = Array.from({ length: 12 * 8 * 8 * 2 }, (_, i) => Math.cos(i * 0.37));
    const Y = Array.from({ length: 12 }, (_, i) => [i % 2, 1 - (i % 2)]).flat();
    const xo = wm.tensor(X, [12, 8, 8, 2]),
      yo = wm.tensor(Y, [12, 2]);
    const xt = tf.tensor(X, [12, 8, 8, 2]),
      yt = tf.tensor(Y, [12, 2]);
    close((ours.predict(xo) as wm.Tensor).dataSync(), (theirs.predict(xt) as tf.Tensor).dataSync(), 'predict');
    ours.compile({ optimizer: sgd(0.1), loss: 'categoricalCrossentropy' });
    theirs.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await ours.fit(xo, yo, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    await theirs.fit(xt, yt, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const ow = ours.getWeights(),
      tw = theirs.getWeights();
    ow.forEach((w, i) => close(w.dataSync(), tw[i]!.dataSync(), `weight ${i} after training`, 2e-4, 2e-5));
  });
});
