// Embedding (against tfjs-layers, and its padding mask through to a masked
// average) and Dropout (identity at inference, the right statistics in training).
import { describe, expect, it } from 'vitest';
import { input, layers, model, sequential } from '@wasmml/layers';
import { sgd } from '@wasmml/optimizers';
import { close, data, expectSameTraining, tf, twin, wm, type Lib, type Pair } from './helpers.js';

function ids(rows: number[][]): Pair {
  const values = Float32Array.from(rows.flat());
  const shape = [rows.length, rows[0]!.length];
  return { ours: wm.tensor(values, shape), theirs: tf.tensor(values, shape), values };
}

const SEQS = [
  [1, 4, 2, 0, 0],
  [3, 3, 9, 7, 0],
  [5, 0, 0, 0, 0],
  [8, 6, 2, 1, 4],
  [2, 2, 0, 0, 0],
  [7, 1, 6, 0, 0],
];

describe('Embedding', () => {
  it('embedding -> flatten -> dense trains like tfjs (gather forward, scatter-add backward)', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 5 }),
          L.layers.flatten(),
          L.layers.dense({ units: 2, activation: 'sigmoid' }),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, ids(SEQS), data([6, 2], 1, 0, 1), {
      loss: 'binaryCrossentropy',
      learningRate: 0.5,
      batchSize: 3,
    });
  });

  it('maskZero: the mask reaches globalAveragePooling1d (through dense and dropout), which averages real steps only', () => {
    const x = input({ shape: [5] });
    const emb = layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, embeddingsInitializer: 'randomNormal' });
    const h = layers.dense({ units: 3, activation: 'tanh' }).apply(layers.dropout({ rate: 0.5 }).apply(emb.apply(x)));
    const m = model({ inputs: x, outputs: layers.globalAveragePooling1d().apply(h) as never });
    const y = (m.predict(ids(SEQS).ours) as wm.Tensor).arraySync() as number[][];
    // Reference: the same dense applied per step, averaged over the non-zero ids.
    const [k, b] = m
      .getWeights()
      .slice(1)
      .map((w) => w.arraySync()) as [number[][], number[]];
    const table = emb.getWeights()[0]!.arraySync() as number[][];
    SEQS.forEach((seq, r) => {
      const real = seq.filter((id) => id !== 0);
      const want = [0, 1, 2].map(
        (u) => real.reduce((s, id) => s + Math.tanh(table[id]!.reduce((a, e, i) => a + e * k[i]![u]!, b[u]!)), 0) / real.length,
      );
      close(y[r]!, want, `sequence ${r}`);
    });
  });

  it('maskZero: globalMaxPooling1d takes the max over real steps only (zeros when all are padding)', () => {
    const x = input({ shape: [5] });
    const emb = layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, embeddingsInitializer: 'randomNormal' });
    const m = model({ inputs: x, outputs: layers.globalMaxPooling1d().apply(emb.apply(x)) as never });
    const seqs = [...SEQS, [0, 0, 0, 0, 0]];
    const y = (m.predict(ids(seqs).ours) as wm.Tensor).arraySync() as number[][];
    const table = emb.getWeights()[0]!.arraySync() as number[][];
    seqs.forEach((seq, r) => {
      const real = seq.filter((id) => id !== 0);
      const want = [0, 1, 2, 3].map((j) => (real.length ? Math.max(...real.map((id) => table[id]![j]!)) : 0));
      close(y[r]!, want, `sequence ${r}`);
    });
  });

  it('maskZero: training never touches the padding row (masked steps get no gradient)', async () => {
    const m = sequential({
      layers: [
        layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputLength: 5 }),
        layers.globalAveragePooling1d(),
        layers.dense({ units: 1 }),
      ],
    });
    m.compile({ optimizer: sgd(0.5), loss: 'meanSquaredError' });
    const before = m.getWeights()[0]!.arraySync() as number[][];
    await m.fit(ids(SEQS).ours, data([6, 1], 2).ours, { epochs: 3, batchSize: 2, verbose: 0 });
    const after = m.getWeights()[0]!.arraySync() as number[][];
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).not.toEqual(before[1]);
  });

  it('without maskZero, padding ids are averaged like any other', () => {
    const emb = layers.embedding({ inputDim: 10, outputDim: 2 });
    const gap = layers.globalAveragePooling1d();
    const m = sequential({ layers: [emb, gap] });
    const y = (m.predict(ids([[1, 0]]).ours) as wm.Tensor).dataSync();
    const t = emb.getWeights()[0]!.arraySync() as number[][];
    close(
      y,
      [0, 1].map((j) => (t[1]![j]! + t[0]![j]!) / 2),
      'plain mean',
    );
  });

  it('accepts int32 ids; refuses ids outside [0, inputDim) naming the layer and the id', () => {
    const emb = layers.embedding({ inputDim: 4, outputDim: 2 });
    const y = emb.apply(wm.tensor([[0, 3]], [1, 2], 'int32')) as wm.Tensor;
    expect(y.shape).toEqual([1, 2, 2]);
    expect(() => emb.apply(wm.tensor([[1, 4]], [1, 2], 'int32'))).toThrow(/embedding.*4/);
    expect(() => emb.apply(wm.tensor([[-1, 2]], [1, 2]))).toThrow(/embedding.*-1/);
  });
});

describe('Dropout', () => {
  it('is the identity at inference (predict, evaluate, and apply without training)', () => {
    const m = sequential({ layers: [layers.dropout({ rate: 0.6, inputShape: [50] })] });
    const x = data([20, 50], 3);
    close((m.predict(x.ours) as wm.Tensor).dataSync(), x.values, 'predict');
    close((m.getLayer(0).apply(x.ours) as wm.Tensor).dataSync(), x.values, 'apply');
  });

  it('in training zeroes a fraction `rate` and scales the rest by 1/(1-rate)', () => {
    const rate = 0.3,
      n = 200_000;
    const x = wm.fill([n], 2);
    const y = (layers.dropout({ rate }).apply(x, { training: true }) as wm.Tensor).dataSync();
    let zeros = 0,
      wrong = 0;
    for (const v of y) {
      if (v === 0) zeros++;
      else if (Math.abs(v - 2 / (1 - rate)) > 1e-5) wrong++;
    }
    expect(wrong).toBe(0);
    // Binomial: standard deviation sqrt(n p (1-p)) ≈ 205 zeros; allow 5 of them.
    expect(Math.abs(zeros - rate * n)).toBeLessThan(5 * Math.sqrt(n * rate * (1 - rate)));
    const mean = Array.from(y).reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - 2)).toBeLessThan(0.02);
  });

  it('a seeded layer repeats its masks; noiseShape shares one mask along broadcast axes', () => {
    const x = wm.ones([4, 6, 3]);
    const a = (layers.dropout({ rate: 0.5, seed: 7 }).apply(x, { training: true }) as wm.Tensor).dataSync();
    const b = (layers.dropout({ rate: 0.5, seed: 7 }).apply(x, { training: true }) as wm.Tensor).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const y = (layers.dropout({ rate: 0.5, noiseShape: [4, 1, 3] }).apply(x, { training: true }) as wm.Tensor).arraySync() as number[][][];
    for (const sample of y) for (const step of sample) expect(step).toEqual(sample[0]);
  });

  it('is active inside fit: a dropout model sees noisier training losses than its evaluation', async () => {
    const m = sequential({
      layers: [layers.dense({ units: 16, inputShape: [4], activation: 'relu' }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 1 })],
    });
    m.compile({ optimizer: sgd(0), loss: 'meanSquaredError' });
    const x = data([64, 4], 4),
      y = data([64, 1], 5);
    const h = await m.fit(x.ours, y.ours, { epochs: 1, batchSize: 64, verbose: 0 });
    const ev = (m.evaluate(x.ours, y.ours, { batchSize: 64 }) as wm.Tensor).dataSync()[0]!;
    // With a zero learning rate only dropout can make the two differ.
    expect(Math.abs(h.history.loss![0]! - ev)).toBeGreaterThan(1e-4);
  });
});
