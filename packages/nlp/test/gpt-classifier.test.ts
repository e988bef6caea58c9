// gptClassifier: the pooled state against a reference computed from the
// shared trunk, right padding that changes nothing, LoRA that freezes the GPT
// and trains the head, and the padding helpers; bad options named.
import * as ops from '@wasmml/tensor';
import { LayersModel } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { expectClose } from '@wasmml/test-utils';
import { describe, expect, it } from 'vitest';
import { addLora, documentWindows, gpt, gptClassifier, padIds } from '../src/index.js';

const V = 20,
  D = 32;
const lm = (norm: 'layerNorm' | 'rmsNorm' = 'layerNorm') =>
  gpt({ vocabSize: V, contextLength: 16, layers: 2, heads: 4, dim: D, seed: 3, norm });
const rows = [
  [5, 3, 9, 2, 7],
  [4, 8],
  [11, 12, 13, 14, 15, 16, 17],
];

/** ln(x)·gamma + beta over the last axis of one row, in float64. */
function norm(x: number[], gamma: Float32Array, beta: Float32Array | undefined): number[] {
  const n = x.length;
  const mean = beta ? x.reduce((s, v) => s + v, 0) / n : 0;
  const sq = x.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  return x.map((v, i) => ((v - mean) / Math.sqrt(sq + 1e-5)) * gamma[i]! + (beta ? beta[i]! : 0));
}

function reference(model: LayersModel, ids: ops.Tensor, pooling: 'mean' | 'last', gamma: Float32Array, beta: Float32Array | undefined) {
  const trunk = model.layers.find((l) => l instanceof LayersModel) as LayersModel;
  const h = (trunk.predict(ids) as ops.Tensor).arraySync() as number[][][];
  const idRows = ids.arraySync() as number[][];
  const [kernel, bias] = model.layers
    .at(-1)!
    .getWeights()
    .map((w) => w.arraySync() as number[][] & number[]);
  return h.map((row, b) => {
    const keep = idRows[b]!.map((id) => id !== 0);
    const real = row.filter((_, t) => keep[t]).map((x) => norm(x, gamma, beta));
    const pooled = pooling === 'mean' ? real[0]!.map((_, i) => real.reduce((s, x) => s + x[i]!, 0) / real.length) : real.at(-1)!;
    const logits = (bias as number[]).map((c, k) => pooled.reduce((s, x, i) => s + x * (kernel as number[][])[i]![k]!, c));
    const m = Math.max(...logits);
    const e = logits.map((z) => Math.exp(z - m));
    return e.map((v) => v / e.reduce((s, u) => s + u, 0));
  });
}

describe('gptClassifier', () => {
  for (const [pooling, kind] of [
    ['mean', 'layerNorm'],
    ['last', 'layerNorm'],
    ['mean', 'rmsNorm'],
  ] as const) {
    it(`${pooling} pooling with ${kind}: matches the reference from the shared trunk; right padding changes nothing`, () => {
      const g = lm(kind);
      const model = gptClassifier(g, { numClasses: 3, pooling });
      const ids = padIds(rows, { length: 9 });
      const [gamma, beta] = g.head.weights.map((w) => w.dataSync() as Float32Array);
      const got = model.predict(ids) as ops.Tensor;
      expect(got.shape).toEqual([3, 3]);
      expectClose(got.dataSync(), reference(model, ids, pooling, gamma!, kind === 'layerNorm' ? beta : undefined).flat(), 1e-5);
      // The same texts padded further: causal attention and the pooled mask see the same tokens.
      const longer = model.predict(padIds(rows, { length: 14 })) as ops.Tensor;
      expectClose(longer.dataSync(), got.dataSync(), 1e-5);
      // The trunk is the GPT's: its states through ln_f and the tied embedding are the GPT's logits.
      const trunk = model.layers.find((l) => l instanceof LayersModel) as LayersModel;
      const h = (trunk.predict(ids) as ops.Tensor).arraySync() as number[][][];
      const wte = g.embedding.wte!.arraySync() as number[][];
      const fromTrunk = h[0]!.map((x) => {
        const y = norm(x, gamma!, kind === 'layerNorm' ? beta : undefined);
        return wte.map((e) => e.reduce((s, v, i) => s + v * y[i]!, 0));
      });
      const logits = (g.predict(ids) as ops.Tensor).arraySync() as number[][][];
      expectClose(logits[0]!.flat(), fromTrunk.flat(), 1e-4);
      ops.dispose([ids, got, longer]);
      model.dispose();
    });
  }

  it('shares the GPT trunk: training the classifier changes the GPT; addLora freezes it and trains adapters and head', async () => {
    const g = lm();
    const ids = padIds([...rows, [1, 2, 3], [6, 6, 6, 6]], { length: 8 });
    const labels = ops.tensor([0, 1, 0, 1, 1], [5], 'float32');
    const model = gptClassifier(g, { numClasses: 2, dropout: 0 });
    const wte = () => Array.from(g.embedding.wte!.dataSync());
    const before = wte();
    model.compile({ optimizer: adam(1e-2), loss: 'sparseCategoricalCrossentropy' });
    await model.fit(ids, labels, { epochs: 2, batchSize: 5, verbose: 0 });
    expect(wte()).not.toEqual(before);

    const g2 = lm();
    const tuned = gptClassifier(g2, { numClasses: 2, dropout: 0 });
    const lora = addLora(tuned, { rank: 2, targets: [/c_attn\/kernel$/] });
    const base = g2.weights.map((w) => Array.from(w.dataSync()));
    const head = tuned.layers.at(-1)!;
    const trainable = new Set(tuned.trainableWeights);
    expect(head.trainableWeights.every((w) => trainable.has(w))).toBe(true);
    expect(tuned.trainableWeights.length).toBe(2 * 2 + head.trainableWeights.length + 2); // A, B per block; head; pooler norm
    tuned.compile({ optimizer: adam(1e-2), loss: 'sparseCategoricalCrossentropy' });
    const h = await tuned.fit(ids, labels, { epochs: 30, batchSize: 5, verbose: 0 });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]! * 0.5);
    expect(g2.weights.map((w) => Array.from(w.dataSync()))).toEqual(base);
    lora.remove();
    ops.dispose([ids, labels]);
    model.dispose();
    tuned.dispose();
  });

  it('names bad options', () => {
    const g = lm();
    expect(() => gptClassifier(g, { numClasses: 0 })).toThrow(/gptClassifier: numClasses must be a positive integer, got 0/);
    expect(() => gptClassifier(g, { numClasses: 2, pooling: 'max' as 'mean' })).toThrow(/pooling must be 'mean' or 'last', got "max"/);
    expect(() => gptClassifier(g, { numClasses: 2, padTokenId: V })).toThrow(
      /padTokenId must be an id below the vocabulary size 20, got 20/,
    );
    expect(() => gptClassifier(g, { numClasses: 2, pooled: 'mean' } as never)).toThrow(/gptClassifier: unknown option 'pooled'/);
    const model = gptClassifier(g, { numClasses: 2 });
    expect(() => model.predict(ops.zeros([2, 17], 'int32'))).toThrow(/17 positions exceed the context length 16/);
    model.dispose();
  });
});

describe('padIds and documentWindows', () => {
  it('cut and pad on the right; windows are the first ids and the same shifted by one', () => {
    expect(padIds([[1, 2, 3], [4], []], { length: 2 }).arraySync()).toEqual([
      [1, 2],
      [4, 0],
      [0, 0],
    ]);
    expect(padIds([[1]], { length: 3, padId: 9 }).arraySync()).toEqual([[1, 9, 9]]);
    const w = documentWindows(
      [
        [1, 2, 3, 4, 5],
        [6, 7],
      ],
      { length: 3 },
    );
    expect(w.xs.arraySync()).toEqual([
      [1, 2, 3],
      [6, 7, 0],
    ]);
    expect(w.ys.arraySync()).toEqual([
      [2, 3, 4],
      [7, 0, 0],
    ]);
    expect(() => padIds([[1]], { length: 0 })).toThrow(/padIds: length must be a positive integer, got 0/);
    expect(() => documentWindows([[1]], { length: 2, pad: 1 } as never)).toThrow(/documentWindows: unknown option 'pad'/);
  });
});
