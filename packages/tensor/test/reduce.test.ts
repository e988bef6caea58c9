import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { checkGradNumeric, compareOp, tf } from './harness.js';

describe('reductions vs tfjs', () => {
  const axesCases: Array<[number[], number | number[] | undefined, boolean]> = [
    [[7], undefined, false],
    [[3, 4], 0, false],
    [[3, 4], 1, true],
    [[2, 3, 4], [0, 2], false],
    [[2, 3, 4, 5], [1, 2], true],
    [[2, 3, 4], -1, false],
    [[0, 3], 1, false],
    [[300, 1001], 1, false],
    [[5, 4, 3, 2, 2], [0, 3], false],
  ];
  for (const [name, ours, theirs] of [
    ['sum', wm.sum, tf.sum],
    ['mean', wm.mean, tf.mean],
    ['max', wm.max, tf.max],
    ['min', wm.min, tf.min],
    ['prod', wm.prod, tf.prod],
    ['logSumExp', wm.logSumExp, tf.logSumExp],
  ] as const) {
    it(name, () => {
      for (const [shape, axis, keep] of axesCases) {
        if (name === 'prod' && shape.reduce((a, b) => a * b, 1) > 1000) continue;
        // tfjs has no Prod gradient; ours is checked numerically below.
        compareOp(
          `${name} ${axis}`,
          (x) => ours(x!, axis, keep),
          (x) => theirs(x!, axis, keep),
          [{ shape, range: name === 'prod' ? [0.5, 1.5] : [-2, 2] }],
          { grad: name !== 'prod', rtol: 2e-4 },
        );
      }
    });
  }
  it('prod gradient (numeric)', () => checkGradNumeric('prod', (x) => wm.prod(x, 1), [3, 4]));

  it('int32 sums and extremes; bool all/any', () => {
    compareOp(
      'sum int',
      (x) => wm.sum(x!, 1),
      (x) => tf.sum(x!, 1),
      [{ shape: [4, 6], dtype: 'int32', range: [-9, 9] }],
      { grad: false },
    );
    compareOp(
      'max int',
      (x) => wm.max(x!, 0),
      (x) => tf.max(x!, 0),
      [{ shape: [4, 6], dtype: 'int32', range: [-9, 9] }],
      { grad: false },
    );
    compareOp(
      'all',
      (x) => wm.all(x!, 1),
      (x) => tf.all(x!, 1),
      [{ shape: [5, 3], dtype: 'bool' }],
      { grad: false },
    );
    compareOp(
      'any',
      (x) => wm.any(x!),
      (x) => tf.any(x!),
      [{ shape: [5, 3], dtype: 'bool' }],
      { grad: false },
    );
  });

  it('argMax / argMin', () => {
    compareOp(
      'argMax',
      (x) => wm.argMax(x!, 1),
      (x) => tf.argMax(x!, 1),
      [{ shape: [6, 9] }],
      { grad: false },
    );
    compareOp(
      'argMin',
      (x) => wm.argMin(x!, 0),
      (x) => tf.argMin(x!, 0),
      [{ shape: [6, 9] }],
      { grad: false },
    );
    compareOp(
      'argMax ties',
      (x) => wm.argMax(x!, -1),
      (x) => tf.argMax(x!, -1),
      [{ shape: [2, 4], values: [1, 3, 3, 0, 2, 2, 2, 2] }],
      { grad: false },
    );
  });

  it('norm, moments, cumsum', () => {
    compareOp(
      'norm',
      (x) => wm.norm(x!),
      (x) => tf.norm(x!),
      [{ shape: [3, 4] }],
    );
    compareOp(
      'norm 1 axis',
      (x) => wm.norm(x!, 1, 1),
      (x) => tf.norm(x!, 1, 1),
      [{ shape: [3, 4] }],
      { grad: false },
    );
    compareOp(
      'moments mean',
      (x) => wm.moments(x!, [0]).mean,
      (x) => tf.moments(x!, [0]).mean,
      [{ shape: [5, 4] }],
    );
    compareOp(
      'moments variance',
      (x) => wm.moments(x!, [0, 1], true).variance,
      (x) => tf.moments(x!, [0, 1], true).variance,
      [{ shape: [5, 4] }],
    );
    compareOp(
      'cumsum',
      (x) => wm.cumsum(x!, 1),
      (x) => tf.cumsum(x!, 1),
      [{ shape: [3, 5] }],
    );
    // tfjs's Cumsum gradient has the wrong shape off the last axis; check ours numerically.
    compareOp(
      'cumsum excl rev',
      (x) => wm.cumsum(x!, 0, true, true),
      (x) => tf.cumsum(x!, 0, true, true),
      [{ shape: [4, 2] }],
      { grad: false },
    );
    checkGradNumeric('cumsum axis 0', (x) => wm.cumsum(x, 0, true, true), [4, 2]);
  });
});

describe('softmax, transpose, gather and friends vs tfjs', () => {
  it('softmax / logSoftmax on any axis', () => {
    for (const shape of [[5], [3, 7], [2, 3, 1001], [4, 0]]) {
      compareOp(
        'softmax',
        (x) => wm.softmax(x!),
        (x) => tf.softmax(x!),
        [{ shape, range: [-5, 5] }],
      );
      compareOp(
        'logSoftmax',
        (x) => wm.logSoftmax(x!),
        (x) => tf.logSoftmax(x!),
        [{ shape, range: [-5, 5] }],
      );
    }
    // tfjs softmax only supports the last axis; compare against a transpose there.
    compareOp(
      'softmax axis 0',
      (x) => wm.softmax(x!, 0),
      (x) => tf.transpose(tf.softmax(tf.transpose(x!))),
      [{ shape: [4, 3] }],
    );
  });

  it('transpose', () => {
    compareOp(
      'transpose 2d',
      (x) => wm.transpose(x!),
      (x) => tf.transpose(x!),
      [{ shape: [3, 5] }],
    );
    compareOp(
      'transpose 4d',
      (x) => wm.transpose(x!, [2, 0, 3, 1]),
      (x) => tf.transpose(x!, [2, 0, 3, 1]),
      [{ shape: [2, 3, 4, 5] }],
    );
    compareOp(
      'transpose bool',
      (x) => wm.transpose(x!, [1, 0]),
      (x) => tf.transpose(x!, [1, 0]),
      [{ shape: [3, 5], dtype: 'bool' }],
      { grad: false },
    );
    compareOp(
      'transpose big',
      (x) => wm.transpose(x!),
      (x) => tf.transpose(x!),
      [{ shape: [513, 300] }],
    );
  });

  it('gather (embedding-style) and its gradient', () => {
    const idx = [0, 3, 3, 1, 4, 0];
    compareOp(
      'gather axis 0',
      (x, i) => wm.gather(x!, i!, 0),
      (x, i) => tf.gather(x!, i!, 0),
      [{ shape: [5, 3] }, { shape: [2, 3], dtype: 'int32', values: idx }],
    );
    compareOp(
      'gather axis 1',
      (x, i) => wm.gather(x!, i!, 1),
      (x, i) => tf.gather(x!, i!, 1),
      [{ shape: [2, 5, 3] }, { shape: [6], dtype: 'int32', values: idx }],
    );
    compareOp(
      'unsortedSegmentSum',
      (x, i) => wm.unsortedSegmentSum(x!, i!, 5),
      (x, i) => tf.unsortedSegmentSum(x!, i!, 5),
      [{ shape: [6, 3] }, { shape: [6], dtype: 'int32', values: idx }],
    );
    expect(() => wm.gather(wm.ones([3, 2]), wm.tensor([5], [1], 'int32'))).toThrow();
  });

  it('gatherND / scatterND', () => {
    compareOp(
      'gatherND',
      (x, i) => wm.gatherND(x!, i!),
      (x, i) => tf.gatherND(x!, i!),
      [{ shape: [3, 4, 2] }, { shape: [2, 2], dtype: 'int32', values: [0, 1, 2, 3] }],
      { grad: false },
    );
    // tfjs registers no GatherNd gradient.
    checkGradNumeric(
      'gatherND',
      (x) =>
        wm.gatherND(
          x,
          wm.tensor(
            [
              [0, 1],
              [2, 3],
              [0, 1],
            ],
            [3, 2],
            'int32',
          ),
        ),
      [3, 4, 2],
    );
    compareOp(
      'scatterND',
      (i, u) => wm.scatterND(i!, u!, [4, 3]),
      (i, u) => tf.scatterND(i!, u!, [4, 3]),
      [{ shape: [2, 1], dtype: 'int32', values: [1, 3] }, { shape: [2, 3] }],
      { grad: false },
    );
  });

  it('batchNorm, broadcastTo, topk, dropout', () => {
    compareOp(
      'batchNorm',
      (x, m, v, o, s) => wm.batchNorm(x!, m!, v!, o!, s!, 1e-3),
      (x, m, v, o, s) => tf.batchNorm(x!, m!, v!, o!, s!, 1e-3),
      [{ shape: [4, 3] }, { shape: [3] }, { shape: [3], range: [0.5, 2] }, { shape: [3] }, { shape: [3] }],
    );
    compareOp(
      'broadcastTo',
      (x) => wm.broadcastTo(x!, [2, 3, 4]),
      (x) => tf.broadcastTo(x!, [2, 3, 4]),
      [{ shape: [3, 1] }],
    );
    const tk = wm.topk(
      wm.tensor([
        [1, 5, 3, 5],
        [0, -1, 2, 9],
      ]),
      2,
    );
    expect(tk.values.arraySync()).toEqual([
      [5, 5],
      [9, 2],
    ]);
    expect(tk.indices.arraySync()).toEqual([
      [1, 3],
      [3, 2],
    ]);
    const d = wm.dropout(wm.ones([1000]), 0.25, undefined, 3).dataSync();
    const kept = d.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length).toBeGreaterThan(650);
    expect(kept.length).toBeLessThan(850);
    wm.dispose([tk.values, tk.indices]);
  });

  it('softmax cross-entropy with logits (dense and sparse) against tfjs', () => {
    const labels = [0, 2, 1];
    compareOp(
      'softmaxCE',
      (y, x) => wm.softmaxCrossEntropyWithLogits(y!, x!),
      (y, x) => tf.losses.softmaxCrossEntropy(y!, x!, undefined, 0, tf.Reduction.NONE),
      [{ shape: [3, 4], range: [0, 1], grad: false }, { shape: [3, 4] }],
    );
    compareOp(
      'sparseSoftmaxCE',
      (y, x) => wm.sparseSoftmaxCrossEntropyWithLogits(y!, x!),
      (y, x) => tf.losses.softmaxCrossEntropy(tf.oneHot(y! as tf.Tensor1D, 4), x!, undefined, 0, tf.Reduction.NONE),
      [{ shape: [3], dtype: 'int32', values: labels }, { shape: [3, 4] }],
    );
    compareOp(
      'sigmoidCE',
      (y, x) => wm.sigmoidCrossEntropyWithLogits(y!, x!),
      (y, x) => tf.sub(tf.add(tf.relu(x!), tf.log1p(tf.exp(tf.neg(tf.abs(x!))))), tf.mul(x!, y!)),
      [{ shape: [3, 4], range: [0, 1], grad: false }, { shape: [3, 4] }],
    );
  });
});
