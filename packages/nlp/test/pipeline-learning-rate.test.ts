// The pipeline's learning rate changes between fit calls (the frozen-then-
// unfrozen recipe), and classificationReport takes an options object.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { sgd } from '@wasmml/optimizers';
import { TextClassificationPipeline, classificationReport, nlpLayers, seededRandom } from '@wasmml/nlp';

const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma'];
function make(n: number, seed: number) {
  const r = seededRandom(seed);
  const texts: string[] = [],
    labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const toks = Array.from({ length: 6 }, () => words[Math.floor(r() * words.length)]!);
    toks[Math.floor(r() * 6)] = i % 2 ? 'spam' : 'ham';
    texts.push(toks.join(' '));
    labels.push(i % 2);
  }
  return { texts, labels };
}

describe('TextClassificationPipeline learning rate per fit', () => {
  it('fit({ learningRate }) recompiles at that rate; frozen head first, then all weights at a lower rate', async () => {
    wm.setSeed(2);
    const { texts, labels } = make(200, 1);
    const p = new TextClassificationPipeline({
      vectorizer: { maxTokens: 20, outputSequenceLength: 8 },
      classifier: { encoder: 'bag-of-embeddings', embeddingDim: 8, units: 8, numClasses: 2 },
    });
    await p.adapt(texts);
    p.model.freezeEncoder();
    const encoder = p.model.encoderLayers.flatMap((l) => l.getWeights().map((w) => w.dataSync().slice()));
    await p.fit(texts, labels, { epochs: 3, batchSize: 16, learningRate: 1e-2 });
    expect(p.model.compiled!.optimizer.getConfig().learningRate).toBe(1e-2);
    // Frozen: the encoder did not move.
    p.model.encoderLayers.flatMap((l) => l.getWeights().map((w) => w.dataSync())).forEach((w, i) => expect(w).toEqual(encoder[i]));
    p.model.unfreezeEncoder();
    const h = await p.fit(texts, labels, { epochs: 3, batchSize: 16, learningRate: 1e-3 });
    expect(p.learningRate).toBe(1e-3);
    expect(p.model.compiled!.optimizer.getConfig().learningRate).toBe(1e-3);
    expect(p.model.compiled!.optimizer.iterations).toBe(3 * Math.ceil(200 / 16));
    expect(h.history.loss).toHaveLength(3);
    // Unfrozen: now the encoder trains.
    const moved = p.model.encoderLayers.flatMap((l) => l.getWeights().map((w) => w.dataSync()));
    expect(moved.some((w, i) => w.some((v, k) => v !== encoder[i]![k]))).toBe(true);
    expect((await p.save()).learningRate).toBe(1e-3);
    // An optimizer instead of a rate; a fit without either keeps the optimizer and its state.
    const opt = sgd(0.5);
    await p.fit(texts, labels, { epochs: 1, batchSize: 50, optimizer: opt });
    await p.fit(texts, labels, { epochs: 1, batchSize: 50 });
    expect(p.model.compiled!.optimizer).toBe(opt);
    expect(opt.iterations).toBe(8);
    await expect(p.fit(texts, labels, { learning_rate: 0.1 } as never)).rejects.toThrow(
      /unknown option 'learning_rate'; did you mean 'learningRate'\?/,
    );
    await expect(p.fit(texts, labels, { learningRate: -1 })).rejects.toThrow(/learningRate must be > 0, got -1/);
    p.dispose();
  });
});

describe('classificationReport options', () => {
  it('takes { numClasses, classNames } or infers the class count; positional arguments still work', () => {
    const labels = [0, 1, 2, 2, 1],
      pred = [0, 2, 2, 2, 1];
    const byOptions = classificationReport(labels, pred, { numClasses: 3, classNames: ['a', 'b', 'c'] });
    expect(byOptions).toEqual(classificationReport(labels, pred, 3, ['a', 'b', 'c']));
    expect(byOptions.confusionMatrix).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(classificationReport(labels, pred, { classNames: ['a', 'b', 'c'] }).confusionMatrix).toEqual(byOptions.confusionMatrix);
    expect(classificationReport(labels, pred).support).toEqual([1, 2, 2]);
    expect(() => classificationReport(labels, pred, { numClasses: 3, classNames: ['a'] })).toThrow(/1 classNames for 3 classes/);
    expect(() => classificationReport(labels, pred, { numclasses: 3 } as never)).toThrow(/did you mean 'numClasses'\?/);
  });
});

describe('nlpLayers options', () => {
  it('unknown keys name the nearest valid one; every declared key is accepted', () => {
    expect(() => nlpLayers.multiHeadAttention({ numHeads: 2, key_dim: 4 } as never)).toThrow(
      /^nlpLayers\.multiHeadAttention: unknown option 'key_dim'; did you mean 'keyDim'\?/,
    );
    expect(() => nlpLayers.transformerEncoder({ intermediateDim: 8, numHeads: 2, normalize_first: true } as never)).toThrow(
      /did you mean 'normalizeFirst'\?/,
    );
    expect(() => nlpLayers.positionalEmbedding({ inputDim: 9, outputDim: 4, sequenceLength: 3, mask_zero: true } as never)).toThrow(
      /did you mean 'maskZero'\?/,
    );
    const l = nlpLayers.positionalEmbedding({
      inputDim: 9,
      outputDim: 4,
      sequenceLength: 3,
      maskZero: true,
      embeddingsInitializer: 'zeros',
      name: 'pe_all',
      trainable: true,
    });
    expect(l.name).toBe('pe_all');
  });
});
