// textClassifier for every encoder on a seeded synthetic task, pre-training,
// freezing, and the pipeline's evaluate / save / load.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { adam } from '@wasmml/optimizers';
import {
  TextClassificationPipeline,
  classificationReport,
  pretrainTextEncoder,
  seededRandom,
  textClassifier,
  type EncoderKind,
} from '@wasmml/nlp';

const T = 12,
  V = 30;

/** Texts of 3-10 random ids (3..V-1); class 1 when id 7 occurs. */
function task(n: number, seed: number) {
  const r = seededRandom(seed);
  const ids = new Int32Array(n * T),
    labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const len = 3 + Math.floor(r() * 8);
    const positive = r() < 0.5;
    for (let t = 0; t < len; t++) {
      let id = 3 + Math.floor(r() * (V - 3));
      if (id === 7) id = 8;
      ids[i * T + t] = id;
    }
    if (positive) ids[i * T + Math.floor(r() * len)] = 7;
    labels.push(positive ? 1 : 0);
  }
  return { ids, labels };
}

describe('textClassifier', () => {
  const train = task(480, 1),
    test = task(200, 2);
  const cases: Array<[EncoderKind, number]> = [
    ['lstm', 12],
    ['gru', 12],
    ['transformer', 12],
    ['bag-of-embeddings', 10],
  ];
  for (const [encoder, epochs] of cases) {
    it(`${encoder}: learns which texts contain a token (test accuracy > 0.9)`, async () => {
      wm.setSeed(5);
      const m = textClassifier({ vocabSize: V, embeddingDim: 16, encoder, units: 16, numClasses: 2, sequenceLength: T, numHeads: 2 });
      m.compile({ optimizer: adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const x = wm.tensor(train.ids, [480, T], 'int32'),
        y = wm.oneHot(wm.tensor(train.labels, [480], 'int32'), 2);
      const h = await m.fit(x, y, { epochs, batchSize: 32, verbose: 0 });
      expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]! * 0.5);
      const p = m.predict(wm.tensor(test.ids, [200, T], 'int32')) as wm.Tensor;
      const pred = Array.from(wm.argMax(p, -1).dataSync());
      expect(classificationReport(test.labels, pred, 2).accuracy).toBeGreaterThan(0.9);
      m.dispose();
    });
  }

  it("lstm with pooling 'mean' pools the masked states and learns the task", async () => {
    wm.setSeed(6);
    const m = textClassifier({ vocabSize: V, embeddingDim: 16, encoder: 'lstm', units: 16, numClasses: 2, pooling: 'mean' });
    expect(m.poolingLayer.getClassName()).toBe('GlobalAveragePooling1D');
    m.compile({ optimizer: adam(0.01), loss: 'categoricalCrossentropy' });
    await m.fit(wm.tensor(train.ids, [480, T], 'int32'), wm.oneHot(wm.tensor(train.labels, [480], 'int32'), 2), {
      epochs: 12,
      batchSize: 32,
      verbose: 0,
    });
    const pred = Array.from(wm.argMax(m.predict(wm.tensor(test.ids, [200, T], 'int32')) as wm.Tensor, -1).dataSync());
    expect(classificationReport(test.labels, pred, 2).accuracy).toBeGreaterThan(0.9);
    expect(() =>
      textClassifier({ vocabSize: V, embeddingDim: 8, encoder: 'lstm', units: 4, numClasses: 2, pooling: 'max' as never }),
    ).toThrow(/pooling must be/);
    m.dispose();
  });

  it('freezeEncoder leaves only the head trainable; unfreezeEncoder restores it', () => {
    const m = textClassifier({ vocabSize: V, embeddingDim: 8, encoder: 'lstm', units: 4, numClasses: 3 });
    expect(m.trainableWeights.length).toBe(6);
    m.freezeEncoder();
    expect(m.trainableWeights.length).toBe(2);
    m.unfreezeEncoder();
    expect(m.trainableWeights.length).toBe(6);
    expect(() => textClassifier({ vocabSize: V, embeddingDim: 8, encoder: 'transformer', units: 4, numClasses: 2 })).toThrow(
      /needs sequenceLength/,
    );
    expect(() => textClassifier({ vocabSize: V, embeddingDim: 8, encoder: 'cnn' as never, units: 4, numClasses: 2 })).toThrow(
      /encoder must be/,
    );
  });

  for (const [encoder, objective] of [
    ['lstm', 'next-token'],
    ['transformer', 'masked-token'],
    ['bag-of-embeddings', 'masked-token'],
  ] as const) {
    it(`${encoder}: ${objective} pre-training lowers its loss and keeps memory flat`, async () => {
      // Seeded here: the initial weights must not depend on what earlier tests drew from the global generator.
      wm.setSeed(1);
      // Text with structure to learn: each id is followed by id + 1 (mod the vocabulary).
      const n = 64,
        ids = new Int32Array(n * T);
      for (let i = 0; i < n; i++) for (let t = 0; t < T - (i % 3); t++) ids[i * T + t] = 2 + ((i + t) % (V - 2));
      const m = textClassifier({ vocabSize: V, embeddingDim: 16, encoder, units: 16, numClasses: 2, sequenceLength: T, numHeads: 2 });
      await pretrainTextEncoder(m, { data: ids, length: T }, { epochs: 1, batchSize: 16, learningRate: 0.01, seed: 1 });
      const before = wm.memory().numTensors;
      const { loss } = await pretrainTextEncoder(
        m,
        { data: ids, length: T },
        { epochs: encoder === 'transformer' ? 60 : 12, batchSize: 16, learningRate: 0.01, seed: 1 },
      );
      expect(wm.memory().numTensors).toBe(before);
      expect(loss.at(-1)!).toBeLessThan(loss[0]! * (encoder === 'bag-of-embeddings' ? 0.9 : 0.5));
      m.dispose();
    });
  }

  it('next-token pre-training needs a recurrent encoder', async () => {
    const m = textClassifier({ vocabSize: V, embeddingDim: 8, encoder: 'bag-of-embeddings', units: 4, numClasses: 2 });
    await expect(pretrainTextEncoder(m, { data: new Int32Array(T), length: T }, { objective: 'next-token' })).rejects.toThrow(
      /left-to-right encoder/,
    );
  });
});

describe('TextClassificationPipeline', () => {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'zeta'];
  const r = seededRandom(3);
  const make = (n: number) => {
    const texts: string[] = [],
      labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const label = i % 3;
      const len = 4 + Math.floor(r() * 5);
      const toks = Array.from({ length: len }, () => words[Math.floor(r() * words.length)]!);
      toks[Math.floor(r() * len)] = ['red', 'green', 'blue'][label]!;
      texts.push(toks.join(' ') + (r() < 0.5 ? '!' : '.'));
      labels.push(label);
    }
    return { texts, labels };
  };

  it('fits, evaluates (report agrees with the predictions), saves and loads with identical predictions', async () => {
    wm.setSeed(1);
    const train = make(300),
      test = make(90);
    const p = new TextClassificationPipeline({
      vectorizer: { maxTokens: 50, outputSequenceLength: 10 },
      classifier: { encoder: 'bag-of-embeddings', embeddingDim: 8, units: 8, numClasses: 3 },
      classNames: ['r', 'g', 'b'],
      learningRate: 0.02,
    });
    await p.fit(train.texts, train.labels, { epochs: 15, batchSize: 16 });
    const report = p.evaluate(test.texts, test.labels);
    expect(report.accuracy).toBeGreaterThan(0.95);
    const pred = p.predict(test.texts);
    expect(report).toEqual(classificationReport(test.labels, pred.labels, 3, ['r', 'g', 'b']));
    expect(pred.names!.slice(0, 3)).toEqual(pred.labels.slice(0, 3).map((l) => ['r', 'g', 'b'][l]));
    expect(report.confusionMatrix.flat().reduce((s, v) => s + v, 0)).toBe(90);
    const artifacts = JSON.parse(JSON.stringify(await p.save()));
    const q = await TextClassificationPipeline.load(artifacts);
    expect(q.vectorizer.getVocabulary()).toEqual(p.vectorizer.getVocabulary());
    expect(q.predict(test.texts).probabilities).toEqual(pred.probabilities);
    p.dispose();
    q.dispose();
  });

  it('save(path) / load(path) through the file system', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'wasmml-nlp-'));
    const p = new TextClassificationPipeline({ classifier: { encoder: 'lstm', embeddingDim: 4, units: 3, numClasses: 2 } });
    await p.adapt(['one two three', 'two three four']);
    await p.save(join(dir, 'model', 'pipeline.json'));
    const q = await TextClassificationPipeline.load(join(dir, 'model', 'pipeline.json'));
    expect(q.predict(['one four']).probabilities).toEqual(p.predict(['one four']).probabilities);
    expect(() => p.evaluate(['a'], [0, 1])).toThrow(/1 texts but 2 labels/);
    await expect(p.fit(['a b'], [5])).rejects.toThrow(/label 5 at 0 is not a class in \[0, 2\)/);
  });
});

describe('textClassifier with model.save / loadLayersModel', () => {
  const encoders: EncoderKind[] = ['lstm', 'gru', 'transformer', 'bag-of-embeddings'];
  for (const encoder of encoders) {
    it(`${encoder}: the nlp layers are registered, so a reload predicts the same`, async () => {
      const { mkdtempSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { loadLayersModel } = await import('@wasmml/layers');
      wm.setSeed(9);
      const m = textClassifier({ vocabSize: V, embeddingDim: 8, encoder, units: 8, numClasses: 2, sequenceLength: T, numHeads: 2 });
      m.compile({ optimizer: adam(0.01), loss: 'categoricalCrossentropy' });
      const { ids, labels } = task(64, 3);
      const x = wm.tensor(ids, [64, T], 'int32');
      await m.fit(x, wm.oneHot(wm.tensor(labels, [64], 'int32'), 2), { epochs: 1, batchSize: 32, verbose: 0 });
      const dir = mkdtempSync(join(tmpdir(), 'wasmml-nlp-save-'));
      try {
        await m.save(`file://${dir}`);
        const back = await loadLayersModel(`file://${dir}`);
        const want = (m.predict(x) as wm.Tensor).dataSync();
        const got = (back.predict(x) as wm.Tensor).dataSync();
        expect(Array.from(got)).toEqual(Array.from(want));
        back.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
        m.dispose();
      }
    });
  }
});
