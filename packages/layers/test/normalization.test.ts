// BatchNormalization and LayerNormalization: against tfjs-layers (training with
// batch statistics, moving-average updates, inference with the moving averages)
// and against the formulas directly.
import { describe, expect, it } from 'vitest';
import { layers, sequential } from '@wasmml/layers';
import { sgd } from '@wasmml/optimizers';
import { close, data, expectSameTraining, twin, type wm, type Lib } from './helpers.js';

/** Per-channel mean and (biased) variance of NHWC-like data with channels on `axis`. */
function stats(v: Float32Array, shape: number[], axis: number): { mean: number[]; variance: number[] } {
  const c = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const sums = new Array<number>(c).fill(0),
    sq = new Array<number>(c).fill(0),
    counts = new Array<number>(c).fill(0);
  v.forEach((x, i) => {
    const ch = Math.floor(i / inner) % c;
    sums[ch]! += x;
    sq[ch]! += x * x;
    counts[ch]! += 1;
  });
  const mean = sums.map((s, i) => s / counts[i]!);
  return { mean, variance: sq.map((s, i) => s / counts[i]! - mean[i]! ** 2) };
}

describe('BatchNormalization', () => {
  it('dense -> batchNorm -> dense trains like tfjs (gamma, beta, moving mean and variance)', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.dense({ units: 4, inputShape: [3] }),
          L.layers.batchNormalization({}),
          L.layers.dense({ units: 2, activation: 'tanh' }),
        ],
      }),
    );
    // Weights come out in tfjs order: every trainable weight, then the moving statistics.
    expect(ours.weights.map((w) => w.shape)).toEqual([[3, 4], [4], [4], [4], [4, 2], [2], [4], [4]]);
    await expectSameTraining(ours, theirs, data([12, 3], 1, -2, 3), data([12, 2], 2), { epochs: 3, batchSize: 4 });
  });

  it('conv2d -> batchNorm (channels, momentum 0.9, epsilon 0.01) -> dense trains like tfjs, Adam', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv2d({ filters: 3, kernelSize: 3, useBias: false, inputShape: [6, 6, 2] }),
          L.layers.batchNormalization({ momentum: 0.9, epsilon: 0.01 }),
          L.layers.activation({ activation: 'relu' }),
          L.layers.flatten(),
          L.layers.dense({ units: 2 }),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([8, 6, 6, 2], 3), data([8, 2], 4), { optimizer: 'adam', learningRate: 0.01, batchSize: 4 });
  });

  it('batchNorm on axis 1 of rank-3 input: batch statistics per axis-1 channel (formula; tfjs fails on this case)', () => {
    const x = data([6, 3, 4], 5, 0, 4);
    const bn = layers.batchNormalization({ axis: 1, momentum: 0.5, betaInitializer: 'ones' });
    const y = (bn.apply(x.ours, { training: true }) as wm.Tensor).dataSync();
    const { mean, variance } = stats(x.values, [6, 3, 4], 1);
    const ch = (i: number) => Math.floor(i / 4) % 3;
    close(
      y,
      x.values.map((v, i) => (v - mean[ch(i)]!) / Math.sqrt(variance[ch(i)]! + 1e-3) + 1),
      'batch statistics',
      1e-4,
      1e-4,
    );
    const inf = (bn.apply(x.ours) as wm.Tensor).dataSync();
    close(
      inf,
      x.values.map((v, i) => (v - 0.5 * mean[ch(i)]!) / Math.sqrt(0.5 + 0.5 * variance[ch(i)]! + 1e-3) + 1),
      'inference',
      1e-4,
      1e-4,
    );
  });

  it('training mode uses batch statistics and moves the averages; inference uses the averages', () => {
    const x = data([10, 2, 3], 7, -1, 5);
    const bn = layers.batchNormalization({ momentum: 0.8, epsilon: 1e-3, gammaInitializer: 'ones' });
    const { mean, variance } = stats(x.values, [10, 2, 3], 2);
    const before = bn.apply(x.ours) as wm.Tensor; // builds; inference with mean 0, variance 1
    close(
      before.dataSync(),
      x.values.map((v) => v / Math.sqrt(1 + 1e-3)),
      'inference before training',
    );
    const y = bn.apply(x.ours, { training: true }) as wm.Tensor;
    close(
      y.dataSync(),
      x.values.map((v, i) => (v - mean[i % 3]!) / Math.sqrt(variance[i % 3]! + 1e-3)),
      'batch statistics',
      1e-4,
      1e-4,
    );
    const [, , mm, mv] = bn.getWeights();
    close(
      mm!.dataSync(),
      mean.map((m) => 0.2 * m),
      'moving mean',
    );
    close(
      mv!.dataSync(),
      variance.map((v) => 0.8 + 0.2 * v),
      'moving variance',
    );
    const inf = bn.apply(x.ours, { training: false }) as wm.Tensor;
    close(
      inf.dataSync(),
      x.values.map((v, i) => (v - 0.2 * mean[i % 3]!) / Math.sqrt(0.8 + 0.2 * variance[i % 3]! + 1e-3)),
      'inference after',
    );
  });

  it('center: false and scale: false create no beta/gamma and normalise only', () => {
    const bn = layers.batchNormalization({ center: false, scale: false, epsilon: 0 });
    const x = data([16, 2], 8, 0, 10);
    const y = bn.apply(x.ours, { training: true }) as wm.Tensor;
    expect(bn.weights.length).toBe(2);
    const { mean, variance } = stats(x.values, [16, 2], 1);
    close(
      y.dataSync(),
      x.values.map((v, i) => (v - mean[i % 2]!) / Math.sqrt(variance[i % 2]!)),
      'normalised',
      1e-4,
      1e-4,
    );
  });

  it('a frozen batchNorm runs in inference mode during fit and keeps its statistics (Keras semantics)', async () => {
    const bn = layers.batchNormalization({ inputShape: [3] });
    const m = sequential({ layers: [bn, layers.dense({ units: 1 })] });
    m.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });
    bn.trainable = false;
    const before = bn.getWeights().map((w) => Array.from(w.dataSync()));
    await m.fit(data([8, 3], 9, 2, 6).ours, data([8, 1], 10).ours, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(bn.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });
});

describe('LayerNormalization', () => {
  it('dense -> layerNormalization -> dense trains like tfjs', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [L.layers.dense({ units: 5, inputShape: [3] }), L.layers.layerNormalization({}), L.layers.dense({ units: 2 })],
      }),
    );
    await expectSameTraining(ours, theirs, data([8, 3], 11, -2, 2), data([8, 2], 12));
  });

  it('over the last two axes (epsilon 1e-5) trains like tfjs', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv1d({ filters: 3, kernelSize: 2, inputShape: [5, 2] }),
          L.layers.layerNormalization({ axis: [-2, -1], epsilon: 1e-5 }),
          L.layers.flatten(),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([6, 5, 2], 13), data([6, 12], 14));
  });

  it('normalises each sample by its own statistics (formula)', () => {
    const x = data([4, 6], 15, -3, 7);
    const y = (layers.layerNormalization({ epsilon: 1e-3 }).apply(x.ours) as wm.Tensor).dataSync();
    for (let r = 0; r < 4; r++) {
      const row = Array.from(x.values.subarray(r * 6, r * 6 + 6));
      const mu = row.reduce((a, b) => a + b, 0) / 6;
      const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / 6;
      close(
        y.subarray(r * 6, r * 6 + 6),
        row.map((a) => (a - mu) / Math.sqrt(v + 1e-3)),
        `row ${r}`,
        1e-4,
        1e-4,
      );
    }
  });
});
