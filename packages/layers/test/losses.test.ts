// Losses: per-sample values against tfjs-layers (same functions) or the Keras
// formulas in float64, the gradients against tfjs, fromLogits against the
// probability versions and against stable float64 formulas for large logits.
import { describe, expect, it } from 'vitest';
import { getLoss, layers, losses, sequential } from '@wasmml/layers';
import { sgd } from '@wasmml/optimizers';
import { randomFloats } from '@wasmml/test-utils';
import { close, tf, tfl, wm } from './helpers.js';

const N = 6,
  K = 4;
const logits = randomFloats(N * K, 1, -4, 4);
const softmaxRows = (z: ArrayLike<number>) =>
  Array.from({ length: N }, (_, r) => {
    const row = Array.from({ length: K }, (_, j) => z[r * K + j]!);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  }).flat();
const probs = Float32Array.from(softmaxRows(logits));
const sigm = Float32Array.from(logits, (v) => 1 / (1 + Math.exp(-v)));
const labels = Array.from({ length: N }, (_, i) => (i * 3) % K);
const oneHot = Float32Array.from(labels.flatMap((c) => Array.from({ length: K }, (_, j) => (j === c ? 1 : 0))));
const binaryTargets = Float32Array.from(randomFloats(N * K, 2), (v) => (v > 0 ? 1 : 0));
const reals = randomFloats(N * K, 3, -2, 2);

const W = (v: ArrayLike<number>, shape = [N, K]) => wm.tensor(Float32Array.from(v), shape);
const T = (v: ArrayLike<number>, shape = [N, K]) => tf.tensor(Float32Array.from(v), shape);

type Ours = (a: wm.Tensor, b: wm.Tensor) => wm.Tensor;
type Theirs = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Values and the gradient of the mean loss with respect to yPred, ours against tfjs's. */
function expectLikeTfjs(ours: Ours, theirs: Theirs, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, what: string, shape = [N, K]) {
  close(ours(W(yTrue, shape), W(yPred, shape)).dataSync(), theirs(T(yTrue, shape), T(yPred, shape)).dataSync(), `${what} values`);
  const g = wm
    .grad((p: wm.Tensor) => wm.mean(ours(W(yTrue, shape), p)))(W(yPred, shape))
    .dataSync();
  const tg = tf
    .grad((p: tf.Tensor) => tf.mean(theirs(T(yTrue, shape), p)))(T(yPred, shape))
    .dataSync();
  close(g, tg, `${what} gradient`, 1e-3, 1e-6);
}

describe('losses against tfjs-layers', () => {
  it('meanSquaredError and meanAbsoluteError', () => {
    expectLikeTfjs(losses.meanSquaredError, tfl.metrics.meanSquaredError, reals, randomFloats(N * K, 4, -2, 2), 'mse');
    expectLikeTfjs(losses.meanAbsoluteError, tfl.metrics.meanAbsoluteError, reals, randomFloats(N * K, 5, -2, 2), 'mae');
  });

  it('binaryCrossentropy on probabilities (including 0 and 1, clipped)', () => {
    const p = Float32Array.from(sigm);
    p[0] = 0;
    p[1] = 1;
    expectLikeTfjs(losses.binaryCrossentropy, tfl.metrics.binaryCrossentropy, binaryTargets, p, 'bce');
  });

  it('categoricalCrossentropy on probabilities, renormalised like tfjs', () => {
    expectLikeTfjs(losses.categoricalCrossentropy, tfl.metrics.categoricalCrossentropy, oneHot, probs, 'cce');
    // Not summing to one: both divide by the sum first.
    expectLikeTfjs(
      losses.categoricalCrossentropy,
      tfl.metrics.categoricalCrossentropy,
      oneHot,
      Float32Array.from(probs, (v) => v * 3),
      'cce unnormalised',
    );
  });

  it('cosineSimilarity is tfjs cosineProximity (-cos over the last axis)', () => {
    expectLikeTfjs(losses.cosineSimilarity, tfl.metrics.cosineProximity, reals, randomFloats(N * K, 6, -2, 2), 'cosine');
  });
});

describe('losses against the Keras formulas', () => {
  it('sparseCategoricalCrossentropy: labels [n] or [n, 1], equal to the one-hot version', () => {
    const want = labels.map((c, r) => -Math.log(probs[r * K + c]!));
    close(losses.sparseCategoricalCrossentropy(wm.tensor(labels, [N]), W(probs)).dataSync(), want, 'labels [n]');
    close(losses.sparseCategoricalCrossentropy(wm.tensor(labels, [N, 1], 'int32'), W(probs)).dataSync(), want, 'labels [n, 1] int32');
    close(
      losses.sparseCategoricalCrossentropy(wm.tensor(labels, [N]), W(probs)).dataSync(),
      losses.categoricalCrossentropy(W(oneHot), W(probs)).dataSync(),
      'same as one-hot',
    );
    expect(() => losses.sparseCategoricalCrossentropy(wm.tensor(labels.slice(1), [N - 1]), W(probs))).toThrow(
      /sparseCategoricalCrossentropy.*\[5\]/,
    );
  });

  it('huber: quadratic within delta, linear beyond (delta 1 and 0.5)', () => {
    const yt = reals,
      yp = randomFloats(N * K, 7, -2, 2);
    for (const delta of [1, 0.5]) {
      const want = Array.from({ length: N }, (_, r) => {
        let s = 0;
        for (let j = 0; j < K; j++) {
          const e = Math.abs(yt[r * K + j]! - yp[r * K + j]!);
          s += e <= delta ? 0.5 * e * e : delta * e - 0.5 * delta * delta;
        }
        return s / K;
      });
      const f = losses.huber({ delta });
      close(f.call(W(yt), W(yp)).dataSync(), want, `huber delta ${delta}`);
      // Gradient: the error clipped to [-delta, delta], over the element count.
      const g = wm
        .grad((p: wm.Tensor) => wm.mean(f.call(W(yt), p)))(W(yp))
        .dataSync();
      close(
        g,
        Array.from(yp, (p, i) => Math.max(-delta, Math.min(delta, p - yt[i]!)) / (N * K)),
        `huber gradient delta ${delta}`,
        1e-4,
        1e-6,
      );
    }
  });

  it('fromLogits equals the probability version on softmax/sigmoid outputs, with the same gradient', () => {
    const pairs: Array<[string, ArrayLike<number>, ArrayLike<number>, (z: wm.Tensor) => wm.Tensor, number[]]> = [
      ['binaryCrossentropy', binaryTargets, sigm, (z) => wm.sigmoid(z), [N, K]],
      ['categoricalCrossentropy', oneHot, probs, (z) => wm.softmax(z), [N, K]],
      ['sparseCategoricalCrossentropy', labels, probs, (z) => wm.softmax(z), [N]],
    ];
    for (const [name, yt, p, act, tShape] of pairs) {
      const withLogits = (losses as unknown as Record<string, (o: object) => { call: Ours }>)[name]!({ fromLogits: true });
      const plain = (losses as unknown as Record<string, (o: object) => { call: Ours }>)[name]!({});
      const ytT = wm.tensor(Float32Array.from(yt), tShape);
      close(withLogits.call(ytT, W(logits)).dataSync(), plain.call(ytT, W(p)).dataSync(), `${name} values`, 1e-4, 1e-5);
      const g1 = wm
        .grad((z: wm.Tensor) => wm.mean(withLogits.call(ytT, z)))(W(logits))
        .dataSync();
      const g2 = wm
        .grad((z: wm.Tensor) => wm.mean(plain.call(ytT, act(z))))(W(logits))
        .dataSync();
      close(g1, g2, `${name} gradient`, 1e-3, 1e-6);
    }
  });

  it('fromLogits stays exact for logits far beyond float32 exp range', () => {
    const big = [80, -90, 0, 120, -100, 60, 30, -30];
    const z = wm.tensor(big, [2, 4]);
    const y = wm.tensor([0, 1, 0, 0, 0, 0, 0, 1], [2, 4]);
    const lse = (row: number[]) => {
      const m = Math.max(...row);
      return m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    };
    const rows = [big.slice(0, 4), big.slice(4)];
    close(
      losses.categoricalCrossentropy(y, z, true).dataSync(),
      [lse(rows[0]!) - rows[0]![1]!, lse(rows[1]!) - rows[1]![3]!],
      'cce logits',
    );
    close(
      losses.sparseCategoricalCrossentropy(wm.tensor([1, 3], [2]), z, true).dataSync(),
      [lse(rows[0]!) - rows[0]![1]!, lse(rows[1]!) - rows[1]![3]!],
      'sparse logits',
    );
    // Binary: max(z, 0) - z y + log(1 + exp(-|z|)), averaged over the last axis.
    const yb = [1, 0, 1, 1, 0, 1, 0, 0];
    const want = [0, 1].map(
      (r) =>
        [0, 1, 2, 3].reduce((s, j) => {
          const v = big[r * 4 + j]!,
            t = yb[r * 4 + j]!;
          return s + Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
        }, 0) / 4,
    );
    close(losses.binaryCrossentropy(wm.tensor(yb, [2, 4]), z, true).dataSync(), want, 'bce logits');
  });

  it('names and aliases resolve as in tfjs and Keras; unknown names are refused', () => {
    for (const [id, name] of [
      ['mse', 'meanSquaredError'],
      ['mean_absolute_error', 'meanAbsoluteError'],
      ['binary_crossentropy', 'binaryCrossentropy'],
      ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'],
      ['cosineProximity', 'cosineSimilarity'],
      ['huber_loss', 'huber'],
    ]) {
      expect(getLoss(id!).name).toBe(name);
    }
    expect(() => getLoss('nope')).toThrow(/unknown loss 'nope'/);
    expect(() => losses.meanSquaredError({ fromLogits: true })).toThrow(/meanSquaredError: unknown option 'fromLogits'/);
  });

  it('a model trained with categoricalCrossentropy({fromLogits: true}) on a linear head learns like softmax + probabilities', async () => {
    const make = (activation: string) =>
      sequential({ layers: [layers.dense({ units: 3, inputShape: [4], activation, kernelInitializer: 'ones' })] });
    const a = make('linear'),
      b = make('softmax');
    a.compile({ optimizer: sgd(0.5), loss: losses.categoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
    b.compile({ optimizer: sgd(0.5), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = wm.tensor(randomFloats(24 * 4, 8), [24, 4]);
    const y = wm.oneHot(
      wm.tensor(
        Array.from({ length: 24 }, (_, i) => i % 3),
        [24],
        'int32',
      ),
      3,
      1,
      0,
      'float32',
    );
    const ha = await a.fit(x, y, { epochs: 5, batchSize: 8, shuffle: false, verbose: 0 });
    const hb = await b.fit(x, y, { epochs: 5, batchSize: 8, shuffle: false, verbose: 0 });
    close(ha.history.loss!, hb.history.loss!, 'loss history', 1e-4, 1e-5);
    close(ha.history.acc!, hb.history.acc!, 'accuracy', 0, 0);
    expect(ha.history.loss![4]!).toBeLessThan(ha.history.loss![0]!);
  });
});
