// Pooling, flatten, reshape and activation layers against tfjs-layers: forward
// outputs and the weights of the trainable layers around them after training
// (which checks the gradients passed back through the layer under test).
import { describe, it } from 'vitest';
import { close, data, expectSameTraining, twin, wm, type tf, type Lib } from './helpers.js';
import { layers } from '@wasmml/layers';
import { randomFloats } from '@wasmml/test-utils';
import * as tfl from '@tensorflow/tfjs-layers';

describe('pooling layers agree with tfjs-layers', () => {
  it('maxPooling2d (default strides) and averagePooling2d (strides 1)', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [7, 7, 2] }),
          L.layers.maxPooling2d({ poolSize: 2 }),
          L.layers.averagePooling2d({ poolSize: [2, 3], strides: 1 }),
          L.layers.flatten(),
          L.layers.dense({ units: 2 }),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([5, 7, 7, 2], 1), data([5, 2], 2));
  });

  it('maxPooling2d with same padding and strides [2, 1]; averagePooling2d valid [3, 3] stride 2', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [9, 8, 3] }),
          L.layers.maxPooling2d({ poolSize: 3, strides: [2, 1], padding: 'same' }),
          L.layers.averagePooling2d({ poolSize: 3, strides: 2 }),
          L.layers.flatten(),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([4, 9, 8, 3], 3), data([4, 2 * 3 * 2], 4));
  });

  it('averagePooling2d with same padding: forward like tfjs, gradient by finite differences', () => {
    // Windows cut by the border average their valid cells only. tfjs computes the
    // forward pass that way but divides the gradient by the full window, so the
    // gradient reference here is a central difference of the layer's own output.
    const x = data([2, 5, 4, 3], 31);
    const ours = layers.averagePooling2d({ poolSize: [2, 3], strides: [2, 1], padding: 'same' });
    const theirs = tfl.layers.averagePooling2d({ poolSize: [2, 3], strides: [2, 1], padding: 'same' });
    const y = ours.apply(x.ours) as wm.Tensor;
    close(y.dataSync(), (theirs.apply(x.theirs) as tf.Tensor).dataSync(), 'forward');
    const w = wm.tensor(randomFloats(y.size, 32), y.shape);
    const loss = (v: Float32Array) => wm.tidy(() => wm.sum(wm.mul(ours.apply(wm.tensor(v, x.ours.shape)) as wm.Tensor, w)).dataSync()[0]!);
    const g = wm
      .grad((t: wm.Tensor) => wm.sum(wm.mul(ours.apply(t) as wm.Tensor, w)))(x.ours)
      .dataSync();
    const fd = Array.from(x.values, (_, i) => {
      const a = x.values.slice(),
        b = x.values.slice();
      a[i]! += 1e-2;
      b[i]! -= 1e-2;
      return (loss(a) - loss(b)) / 2e-2;
    });
    close(g, fd, 'gradient vs central differences', 1e-2, 1e-3);
  });

  it('maxPooling1d and averagePooling1d, valid and same', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv1d({ filters: 3, kernelSize: 2, inputShape: [11, 2] }),
          L.layers.maxPooling1d({ poolSize: 3, strides: 2 }),
          L.layers.averagePooling1d({ poolSize: 2, padding: 'same' }),
          L.layers.flatten(),
        ],
      }),
    );
    // 11 -> conv 10 -> max (10-3)/2+1 = 4 -> avg same ceil(4/2) = 2.
    await expectSameTraining(ours, theirs, data([6, 11, 2], 5), data([6, 2 * 3], 6));
  });

  it('global average and max pooling, 1-D and 2-D', async () => {
    const g2 = twin((L: Lib) => {
      const x = L.input({ shape: [5, 4, 2] });
      const c = L.layers.conv2d({ filters: 3, kernelSize: 2, name: 'c' }).apply(x);
      const a = L.layers.globalAveragePooling2d({}).apply(c);
      const m = L.layers.globalMaxPooling2d({}).apply(c);
      return L.model({ inputs: x, outputs: L.layers.concatenate({}).apply([a, m]) });
    });
    await expectSameTraining(g2.ours, g2.theirs, data([4, 5, 4, 2], 7), data([4, 6], 8));
    const g1 = twin((L: Lib) => {
      const x = L.input({ shape: [6, 3] });
      const c = L.layers.conv1d({ filters: 2, kernelSize: 3, name: 'c' }).apply(x);
      const a = L.layers.globalAveragePooling1d({}).apply(c);
      const m = L.layers.globalMaxPooling1d({}).apply(c);
      return L.model({ inputs: x, outputs: L.layers.add({}).apply([a, m]) });
    });
    await expectSameTraining(g1.ours, g1.theirs, data([5, 6, 3], 9), data([5, 2], 10));
  });
});

describe('core layers agree with tfjs-layers', () => {
  it('flatten and reshape (with -1) between dense layers', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.dense({ units: 12, inputShape: [3, 2] }),
          L.layers.reshape({ targetShape: [-1, 4] }),
          L.layers.dense({ units: 3 }),
          L.layers.reshape({ targetShape: [27] }),
          L.layers.reshape({ targetShape: [3, 9] }),
          L.layers.dense({ units: 2, activation: 'tanh' }),
          L.layers.flatten(),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([5, 3, 2], 11), data([5, 6], 12));
  });

  it('dense on rank-3 input (applied to the last axis)', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.dense({ units: 4, activation: 'relu', inputShape: [3, 5] }),
          L.layers.dense({ units: 2, activation: 'softplus' }),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([4, 3, 5], 13), data([4, 3, 2], 14));
  });

  const activations = [
    'relu',
    'relu6',
    'elu',
    'selu',
    'sigmoid',
    'hardSigmoid',
    'tanh',
    'softplus',
    'softsign',
    'softmax',
    'logSoftmax',
    'swish',
    'mish',
    'gelu',
    'gelu_new',
    'linear',
  ];
  for (const activation of activations) {
    it(`activation '${activation}' layer and dense activation`, async () => {
      const { ours, theirs } = twin((L: Lib) =>
        L.sequential({
          layers: [
            L.layers.dense({ units: 5, inputShape: [4], biasInitializer: 'ones' }),
            L.layers.activation({ activation }),
            L.layers.dense({ units: 3, activation }),
          ],
        }),
      );
      await expectSameTraining(ours, theirs, data([6, 4], 15, -3, 3), data([6, 3], 16), { epochs: 1, batchSize: 3 });
    });
  }

  it('an activation layer keeps the values of a large input (softmax on the last axis of rank 3)', () => {
    const x = data([2, 3, 4], 17, -30, 30);
    const o = layers.activation({ activation: 'softmax' }).apply(x.ours) as wm.Tensor;
    const t = tfl.layers.activation({ activation: 'softmax' }).apply(x.theirs) as tf.Tensor;
    close(o.dataSync(), t.dataSync(), 'softmax rank 3');
  });
});
