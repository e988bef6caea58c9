// LoRA adapters: only adapter weights train, the base stays bit-identical,
// merge/unmerge change nothing the model computes, adapters save and load
// apart from the base, Dense layers take adapters too.
import * as ops from '@wasmml/tensor';
import { layers, losses, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { expectClose } from '@wasmml/test-utils';
import { describe, expect, it } from 'vitest';
import { addLora, gpt, shiftedWindows } from '../src/index.js';

const pattern = Array.from({ length: 600 }, (_, i) => [3, 1, 4, 1, 5, 9, 2, 6][i % 8] as number);

function lm(seed = 1) {
  const m = gpt({ vocabSize: 12, contextLength: 16, layers: 2, heads: 4, dim: 64, seed });
  m.predict(ops.zeros([1, 4], 'int32'));
  return m;
}

describe('addLora', () => {
  it('trains only the adapters (< 5 % of the weights), the base stays bit-identical, loss falls', async () => {
    // Pre-train on one periodic stream, then adapt to another with LoRA only.
    const seq = (p: number[]) => Array.from({ length: 600 }, (_, i) => p[i % p.length] as number);
    const model = lm();
    model.compile({ optimizer: adam(1e-2), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    const a = shiftedWindows(pattern, { contextLength: 16, stride: 3 });
    await model.fit(a.xs, a.ys, { epochs: 6, batchSize: 16, verbose: 0 });
    const before = model.weights.map((w) => Array.from(w.dataSync()));
    const lora = addLora(model, { rank: 4, alpha: 8 });
    expect([...lora.adapters.keys()].sort()).toEqual([
      'h_0/attn/c_attn/kernel',
      'h_0/attn/c_proj/kernel',
      'h_1/attn/c_attn/kernel',
      'h_1/attn/c_proj/kernel',
    ]);
    const trainable = model.trainableWeights.reduce((n, w) => n + w.size, 0);
    expect(trainable).toBe(lora.adapterParameterCount);
    expect(trainable / model.parameterCount()).toBeLessThan(0.05);
    model.compile({ optimizer: adam(1e-2), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    const b = shiftedWindows(seq([7, 2, 8, 2, 8, 1, 8, 0, 11, 10]), { contextLength: 16, stride: 3 });
    const h = await model.fit(b.xs, b.ys, { epochs: 8, batchSize: 16, verbose: 0 });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1] as number).toBeLessThan((loss[0] as number) * 0.5);
    model.weights.forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(before[i]));
    lora.remove();
    expect(model.trainableWeights.reduce((n, w) => n + w.size, 0)).toBe(model.parameterCount());
    ops.dispose([a.xs, a.ys, b.xs, b.ys]);
  });

  it('merge and unmerge keep the outputs; unmerge restores the base; state loads into a fresh model', async () => {
    const model = lm();
    const base = model.weights.map((w) => Array.from(w.dataSync()));
    const lora = addLora(model, { rank: 2, targets: ['attn/c_attn', /mlp\/c_fc/] });
    // Non-zero B so the adapters matter.
    for (const a of lora.adapters.values()) a.b.assign(ops.randomNormal(a.b.shape, 0, 0.2, 'float32', 5));
    const x = ops.tensor([[3, 1, 4, 1, 5, 9, 2, 6]], [1, 8], 'int32');
    const plain = (model.predict(x) as ops.Tensor).dataSync();
    const baseOut = ops.tidy(() => {
      lora.remove();
      return (model.predict(x) as ops.Tensor).dataSync();
    });
    expect(Math.max(...plain.map((v, i) => Math.abs(v - (baseOut[i] as number))))).toBeGreaterThan(1e-3);
    // Re-attach and load the same state: the adapted outputs come back.
    const fresh = lm();
    const again = addLora(fresh, { rank: 2, targets: ['attn/c_attn', /mlp\/c_fc/] });
    expect(() => again.loadState({})).toThrow(/h_0\/attn\/c_attn\/kernel\/lora_A: missing/);
    const model2 = lm();
    const lora2 = addLora(model2, { rank: 2, targets: ['attn/c_attn', /mlp\/c_fc/] });
    for (const a of lora2.adapters.values()) a.b.assign(ops.randomNormal(a.b.shape, 0, 0.2, 'float32', 5));
    const state = lora2.state();
    again.loadState(state);
    const unmerged = (fresh.predict(x) as ops.Tensor).dataSync();
    again.merge();
    expectClose((fresh.predict(x) as ops.Tensor).dataSync(), unmerged, 1e-4, 1e-4, 'merged');
    again.unmerge();
    fresh.weights.forEach((w, i) => expectClose(w.dataSync(), base[i] as number[], 0, 1e-5, `base ${w.name}`));
    expectClose((fresh.predict(x) as ops.Tensor).dataSync(), unmerged, 0, 1e-5, 'unmerged');
  });

  it('adapts Dense kernels (activation applied after the adapter) and names what it cannot match', async () => {
    const m = sequential({ layers: [layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), layers.dense({ units: 1 })] });
    expect(() => addLora(m, { rank: 2 })).toThrow(/no kernel of .* matches the targets/);
    const lora = addLora(m, { rank: 2, targets: ['dense'] });
    expect(lora.adapters.size).toBe(2);
    m.compile({ optimizer: adam(3e-2), loss: 'mse' });
    const x = ops.randomUniform([64, 4], -1, 1, 'float32', 1);
    const y = ops.sum(ops.square(x), 1, true);
    const h = await m.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0 });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1] as number).toBeLessThan((loss[0] as number) * 0.7);
    expect(() => addLora(m, { rank: 2, targets: ['dense'] })).toThrow(/already has an adapter/);
    expect(() => addLora(m, { rank: 0 })).toThrow(/rank must be a positive integer/);
  });
});
