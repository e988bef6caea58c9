// Issue 15, the seed's pre-train → fine-tune on real text: a small GPT
// pre-trained by next-token prediction on the unlabelled SpamAssassin e-mails
// (the first 128 BPE tokens of each training e-mail), then fine-tuned as a
// classifier on 5 % of the labels (241 e-mails), against the same architecture
// trained from scratch on those labels; LoRA (rank 4 on every projection)
// against full fine-tuning. Each arm is the mean over four fine-tuning seeds:
// with 241 labels one run swings by about 2 points.
import * as ops from '@wasmml/tensor';
import { losses } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { loadSpamAssassin } from '@wasmml/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addLora,
  BpeTokenizer,
  documentWindows,
  gpt,
  gptClassifier,
  padIds,
  seededRandom,
  shuffleInPlace,
  type GptModel,
} from '../src/index.js';

const T = 128,
  VOCAB = 2000,
  CHARS = 1500,
  SEEDS = [1, 2, 3, 4],
  EPOCHS = 20;
let vocabSize = 0;
let few: { x: ops.Tensor; y: ops.Tensor }, test: { x: ops.Tensor; y: ops.Tensor };
let pretrained: ops.Tensor[] = [];
const accuracy: Record<'scratch' | 'full' | 'lora', number[]> = { scratch: [], full: [], lora: [] };
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

const lm = () => gpt({ vocabSize, contextLength: T, layers: 2, heads: 4, dim: 64, seed: 1 });

beforeAll(async () => {
  ops.setSeed(1);
  const corpus = await loadSpamAssassin();
  const order = shuffleInPlace(
    Array.from(corpus.texts, (_, i) => i),
    seededRandom(42),
  );
  const nTest = Math.round(order.length * 0.2);
  const testIds = order.slice(0, nTest),
    trainIds = order.slice(nTest),
    fewIds = trainIds.slice(0, Math.floor(trainIds.length * 0.05));
  const tok = BpeTokenizer.train(
    trainIds.map((i) => corpus.texts[i]!.slice(0, CHARS)),
    { vocabSize: VOCAB },
  );
  vocabSize = tok.vocabularySize();
  const ids = (rows: number[]) => rows.map((i) => tok.encode(corpus.texts[i]!.slice(0, CHARS)));
  const labelled = (rows: number[]) => ({
    x: padIds(ids(rows), { length: T }),
    y: ops.tensor(
      rows.map((i) => corpus.labels[i]!),
      [rows.length],
      'float32',
    ),
  });
  few = labelled(fewIds);
  test = labelled(testIds);
  // Pre-training sees every training e-mail's text and none of the labels.
  const g = lm();
  g.compile({ optimizer: adam(3e-3), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  const w = documentWindows(ids(trainIds), { length: T });
  const h = await g.fit(w.xs, w.ys, { epochs: 3, batchSize: 32, verbose: 0 });
  const loss = h.history.loss!;
  console.log(JSON.stringify({ case: 'spam causal pre-training', windows: trainIds.length, vocab: vocabSize, loss }));
  expect(loss.at(-1)!).toBeLessThan(loss[0]! * 0.6);
  pretrained = g.getWeights().map((t) => ops.clone(t));
  ops.dispose([w.xs, w.ys]);
  g.dispose();
}, 1_200_000);

/** Test accuracy of a classifier on `base` fine-tuned on the 5 % labels. */
async function fineTune(base: GptModel, seed: number, mode: 'full' | 'lora'): Promise<{ acc: number; share: number }> {
  ops.setSeed(seed);
  const model = gptClassifier(base, { numClasses: 2 });
  if (mode === 'lora') addLora(model, { rank: 4, alpha: 8, targets: [/c_attn\/kernel$/, /c_proj\/kernel$/, /c_fc\/kernel$/], seed });
  const share = model.trainableWeights.reduce((n, v) => n + v.size, 0) / model.weights.reduce((n, v) => n + v.size, 0);
  model.compile({ optimizer: adam(mode === 'lora' ? 1e-3 : 1e-4), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(few.x, few.y, { epochs: EPOCHS, batchSize: 16, verbose: 0 });
  const [, acc] = (model.evaluate(test.x, test.y, { batchSize: 128 }) as ops.Tensor[]).map((t) => t.dataSync()[0]!);
  model.dispose();
  return { acc: acc!, share };
}

describe('GPT pre-trained on the unlabelled spam e-mails, fine-tuned on 5 % of the labels', () => {
  it('from scratch (the baseline)', async () => {
    for (const seed of SEEDS) {
      ops.setSeed(seed);
      const model = gptClassifier(lm(), { numClasses: 2 });
      model.compile({ optimizer: adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      await model.fit(few.x, few.y, { epochs: EPOCHS, batchSize: 16, verbose: 0 });
      accuracy.scratch.push((model.evaluate(test.x, test.y, { batchSize: 128 }) as ops.Tensor[])[1]!.dataSync()[0]!);
      model.dispose();
    }
    console.log(JSON.stringify({ case: 'spam 5 % scratch', accuracy: accuracy.scratch, mean: mean(accuracy.scratch) }));
    expect(mean(accuracy.scratch)).toBeGreaterThan(0.8);
  }, 1_200_000);

  it('full fine-tuning beats scratch by >= 2 points', async () => {
    for (const seed of SEEDS) {
      const g = lm();
      g.setWeights(pretrained);
      accuracy.full.push((await fineTune(g, seed, 'full')).acc);
    }
    console.log(JSON.stringify({ case: 'spam 5 % pre-trained, full fine-tuning', accuracy: accuracy.full, mean: mean(accuracy.full) }));
    expect(mean(accuracy.full) - mean(accuracy.scratch)).toBeGreaterThanOrEqual(0.02);
  }, 1_200_000);

  it('LoRA trains < 5 % of the weights and ends within 1 point of full fine-tuning', async () => {
    const shares: number[] = [];
    for (const seed of SEEDS) {
      const g = lm();
      g.setWeights(pretrained);
      const r = await fineTune(g, seed, 'lora');
      accuracy.lora.push(r.acc);
      shares.push(r.share);
    }
    console.log(
      JSON.stringify({ case: 'spam 5 % pre-trained, LoRA', accuracy: accuracy.lora, mean: mean(accuracy.lora), trainable: shares[0] }),
    );
    expect(Math.max(...shares)).toBeLessThan(0.05);
    expect(mean(accuracy.lora)).toBeGreaterThanOrEqual(mean(accuracy.full) - 0.01);
    ops.dispose([few.x, few.y, test.x, test.y, ...pretrained]);
  }, 1_200_000);
});
