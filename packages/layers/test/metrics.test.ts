// Metrics against direct computations over all the data, fed in several batches
// (they are stateful: an epoch's value is exact, not an average of batch values).
import { describe, expect, it } from 'vitest';
import { getMetric, layers, metrics, sequential, type Metric } from '@wasmml/layers';
import { sgd } from '@wasmml/optimizers';
import { randomFloats, rng } from '@wasmml/test-utils';
import { close, wm } from './helpers.js';

const N = 103,
  K = 5;
const r = rng(11);
const scores = Float32Array.from({ length: N }, () => r());
// Labels correlated with the scores, so AUC, precision and recall are far from trivial.
const truth = Float32Array.from(scores, (s) => (s + 0.6 * (r() - 0.5) > 0.5 ? 1 : 0));
const probs = randomFloats(N * K, 12, 0, 1);
const classes = Array.from({ length: N }, () => Math.floor(r() * K));

/** Feeds the data to the metric in uneven batches and returns its result (trueCols 0: labels of shape [n]). */
function feed(m: Metric, yTrue: Float32Array | number[], yPred: Float32Array, cols: number, trueCols = cols): number {
  m.reset();
  const tc = Math.max(1, trueCols);
  for (const [a, b] of [
    [0, 7],
    [7, 40],
    [40, 41],
    [41, N],
  ] as const) {
    m.update(
      wm.tensor(Float32Array.from(yTrue).slice(a * tc, b * tc), trueCols === 0 ? [b - a] : [b - a, tc]),
      wm.tensor(yPred.slice(a * cols, b * cols), [b - a, cols]),
    );
  }
  return m.result();
}

const argmax = (v: Float32Array, row: number) => {
  let best = 0;
  for (let j = 1; j < K; j++) if (v[row * K + j]! > v[row * K + best]!) best = j;
  return best;
};

describe('metrics against direct computations', () => {
  it('binaryAccuracy at thresholds 0.5 and 0.3', () => {
    for (const t of [0.5, 0.3]) {
      const want = Array.from(scores).filter((s, i) => (s > t ? 1 : 0) === truth[i]).length / N;
      expect(feed(metrics.binaryAccuracy(t), truth, scores, 1)).toBeCloseTo(want, 6);
    }
  });

  it('categoricalAccuracy (one-hot) and sparseCategoricalAccuracy (ids, [n] and [n, 1])', () => {
    const oneHot = classes.flatMap((c) => Array.from({ length: K }, (_, j) => (j === c ? 1 : 0)));
    const want = classes.filter((c, i) => argmax(probs, i) === c).length / N;
    expect(want).toBeGreaterThan(0.05);
    expect(feed(metrics.categoricalAccuracy(), oneHot, probs, K)).toBeCloseTo(want, 6);
    expect(feed(metrics.sparseCategoricalAccuracy(), classes, probs, K, 1)).toBeCloseTo(want, 6);
    expect(feed(metrics.sparseCategoricalAccuracy(), classes, probs, K, 0)).toBeCloseTo(want, 6);
  });

  it('precision, recall and f1 from the confusion counts', () => {
    let tp = 0,
      fp = 0,
      fn = 0;
    scores.forEach((s, i) => {
      const p = s > 0.5,
        t = truth[i] === 1;
      if (p && t) tp++;
      else if (p) fp++;
      else if (t) fn++;
    });
    const precision = tp / (tp + fp),
      recall = tp / (tp + fn);
    expect(feed(metrics.precision(), truth, scores, 1)).toBeCloseTo(precision, 6);
    expect(feed(metrics.recall(), truth, scores, 1)).toBeCloseTo(recall, 6);
    expect(feed(metrics.f1(), truth, scores, 1)).toBeCloseTo((2 * precision * recall) / (precision + recall), 6);
    // Nothing predicted positive: precision 0 rather than NaN.
    expect(
      feed(
        metrics.precision(0.99),
        truth,
        Float32Array.from(scores, (s) => s * 0.5),
        1,
      ),
    ).toBe(0);
  });

  it('auc is the probability that a positive outranks a negative (Mann-Whitney), within bucket error', () => {
    let wins = 0,
      pairs = 0;
    scores.forEach((sp, i) => {
      if (truth[i] !== 1) return;
      scores.forEach((sn, j) => {
        if (truth[j] !== 0) return;
        pairs++;
        wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
      });
    });
    const exact = wins / pairs;
    expect(exact).toBeGreaterThan(0.6);
    expect(Math.abs(feed(metrics.auc(), truth, scores, 1) - exact)).toBeLessThan(0.01);
    expect(feed(metrics.auc(), truth, truth, 1)).toBeCloseTo(1, 6);
    expect(
      feed(
        metrics.auc(),
        truth,
        Float32Array.from(truth, (t) => 1 - t),
        1,
      ),
    ).toBeCloseTo(0, 6);
  });

  it('auc from logits equals auc of their sigmoid, also through getMetric with a fromLogits loss', () => {
    const logits = Float32Array.from(scores, (p) => Math.log(p / (1 - p)) * 3);
    const probs = Float32Array.from(logits, (z) => 1 / (1 + Math.exp(-z)));
    const ref = feed(metrics.auc(), truth, probs, 1);
    expect(ref).toBeGreaterThan(0.6);
    expect(feed(metrics.auc(200, true), truth, logits, 1)).toBeCloseTo(ref, 3);
    expect(feed(getMetric('auc', 'binaryCrossentropy', true), truth, logits, 1)).toBeCloseTo(ref, 3);
    // On raw logits the probability buckets clamp most values into the two end buckets.
    expect(Math.abs(feed(metrics.auc(), truth, logits, 1) - ref)).toBeGreaterThan(0.01);
  });

  it('mse and mae over every element', () => {
    const yp = randomFloats(N * K, 13, -2, 2),
      yt = randomFloats(N * K, 14, -2, 2);
    const mse = yp.reduce((s, v, i) => s + (v - yt[i]!) ** 2, 0) / (N * K);
    const mae = yp.reduce((s, v, i) => s + Math.abs(v - yt[i]!), 0) / (N * K);
    expect(feed(getMetric('mse', 'meanSquaredError'), yt, yp, K)).toBeCloseTo(mse, 5);
    expect(feed(getMetric('mae', 'meanSquaredError'), yt, yp, K)).toBeCloseTo(mae, 5);
  });
});

describe("'accuracy' follows the loss and the output like tfjs", () => {
  it('binary for binaryCrossentropy or one unit, sparse for sparse labels, categorical otherwise; threshold 0 on logits', () => {
    const kind = (loss: string, fromLogits = false, units: number | null = null) => {
      const m = getMetric('accuracy', loss, fromLogits, units);
      expect(m.name).toBe('acc');
      return m;
    };
    // Each case is one sample whose result tells the kinds of accuracy apart.
    const one = (m: Metric, yt: number[], tShape: number[], yp: number[], pShape: number[]) => {
      m.reset();
      m.update(wm.tensor(yt, tShape), wm.tensor(yp, pShape));
      return m.result();
    };
    expect(one(kind('binaryCrossentropy'), [1, 0], [1, 2], [0.6, 0.4], [1, 2])).toBe(1);
    expect(one(kind('binaryCrossentropy', true), [1, 0], [1, 2], [0.2, -0.1], [1, 2])).toBe(1);
    // One unit: thresholded (categorical accuracy would call any single unit right).
    expect(one(kind('meanSquaredError', false, 1), [1], [1, 1], [0.3], [1, 1])).toBe(0);
    expect(one(kind('sparseCategoricalCrossentropy'), [2], [1], [0.1, 0.2, 0.7], [1, 3])).toBe(1);
    expect(one(kind('categoricalCrossentropy'), [0, 0, 1], [1, 3], [0.1, 0.2, 0.7], [1, 3])).toBe(1);
    expect(() => getMetric('nope', 'mse')).toThrow(/unknown metric 'nope'/);
  });

  it('epoch metrics in fit() are exact over the epoch and match evaluate() on the same weights', async () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid' })] });
    m.compile({ optimizer: sgd(0), loss: 'binaryCrossentropy', metrics: ['accuracy', 'precision', 'recall', 'auc'] });
    const x = wm.tensor(randomFloats(N * 2, 15), [N, 2]);
    const y = wm.tensor(
      Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      [N, 1],
    );
    const h = await m.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0 });
    const ev = (m.evaluate(x, y, { batchSize: 17 }) as wm.Tensor[]).map((t) => t.dataSync()[0]!);
    close(
      [h.history.loss![0]!, h.history.acc![0]!, h.history.precision![0]!, h.history.recall![0]!, h.history.auc![0]!],
      ev,
      'fit vs evaluate',
      1e-5,
      1e-6,
    );
  });
});
