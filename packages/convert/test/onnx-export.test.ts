// ONNX export of models built here, run by onnxruntime-node (no Python): a
// functional model holding a nested Sequential and a nested functional model
// (inlined into the one graph), self-attention (MultiHeadAttention as a MatMul
// / Softmax composition), a reset-after GRU and Keras 3's hard sigmoid. And
// what cannot export: a mask from Embedding(maskZero), which the graph would
// not carry.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportOnnx, onnxBytes } from '@wasmml/convert';
import { input, layers, type LayersModel, model, sequential } from '@wasmml/layers';
import { nlpLayers } from '@wasmml/nlp';
import { setSeed, type Tensor, tensor } from '@wasmml/tensor';
import { randomFloats } from '@wasmml/test-utils';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';

async function runOnnx(m: LayersModel, inputs: Array<{ values: Float32Array; shape: number[] }>): Promise<Float32Array[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wasmml-onnx-'));
  const path = join(dir, `${m.name}.onnx`);
  await exportOnnx(m, path);
  const session = await ort.InferenceSession.create(path);
  const feeds = Object.fromEntries(session.inputNames.map((n, i) => [n, new ort.Tensor('float32', inputs[i]!.values, inputs[i]!.shape)]));
  const out = await session.run(feeds);
  return session.outputNames.map((n) => out[n]!.data as Float32Array);
}

function ours(m: LayersModel, inputs: Array<{ values: Float32Array; shape: number[] }>): Float32Array[] {
  const xs = inputs.map((a) => tensor(a.values, a.shape));
  const y = m.predict(xs.length === 1 ? xs[0]! : xs);
  const ys = Array.isArray(y) ? y : [y as Tensor];
  const v = ys.map((t) => Float32Array.from(t.dataSync()));
  for (const t of [...xs, ...ys]) t.dispose();
  return v;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('ONNX export of models built here, in onnxruntime-node', () => {
  it('a functional model with a nested Sequential and a nested functional model: inlined, same predictions', async () => {
    setSeed(21);
    const features = input({ shape: [6], name: 'features' });
    const series = input({ shape: [5, 3], name: 'series' });
    const mlp = sequential({
      name: 'mlp',
      layers: [layers.dense({ units: 8, activation: 'relu', inputShape: [6] }), layers.dense({ units: 4, activation: 'tanh' })],
    });
    const a = input({ shape: [5, 3] });
    const encoder = model({
      name: 'encoder',
      inputs: a,
      outputs: layers.globalAveragePooling1d({}).apply(layers.conv1d({ filters: 4, kernelSize: 2, activation: 'relu' }).apply(a)),
    });
    const joined = layers.concatenate({}).apply([mlp.apply(features), encoder.apply(series)] as never);
    const m = model({ name: 'nested', inputs: [features, series], outputs: layers.dense({ units: 2 }).apply(joined) });
    const inputs = [
      { values: randomFloats(4 * 6, 1), shape: [4, 6] },
      { values: randomFloats(4 * 5 * 3, 2), shape: [4, 5, 3] },
    ];
    const [want] = ours(m, inputs);
    const [got] = await runOnnx(m, inputs);
    expect(maxDiff(got!, want!)).toBeLessThan(1e-5);
    m.dispose();
  });

  it('self-attention, a reset-after GRU and Keras 3 hard sigmoids: same predictions', async () => {
    setSeed(22);
    const x = input({ shape: [6, 8] });
    const att = nlpLayers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 5 }).apply(x);
    const h = layers.add({}).apply([x, att] as never);
    const g = layers.gru({ units: 4, resetAfter: true, recurrentActivation: 'hardSigmoidRelu6' }).apply(h);
    const m = model({ name: 'attention', inputs: x, outputs: layers.dense({ units: 3, activation: 'hardSigmoidRelu6' }).apply(g) });
    // Non-zero biases, so the GRU's recurrent row and the attention biases count.
    for (const l of m.layers) l.setWeights(l.getWeights().map((w, i) => tensor(randomFloats(w.size, 30 + i, -0.5, 0.5), w.shape)));
    const inputs = [{ values: randomFloats(3 * 6 * 8, 3), shape: [3, 6, 8] }];
    const [want] = ours(m, inputs);
    const [got] = await runOnnx(m, inputs);
    expect(maxDiff(got!, want!)).toBeLessThan(1e-5);
    m.dispose();
  });

  it('Embedding(maskZero) is refused: the graph has no masks, so the layers after it would see the padding', async () => {
    const m = sequential({
      layers: [layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputShape: [5] }), layers.lstm({ units: 3 })],
    });
    await expect(onnxBytes(m)).rejects.toThrow(/layer 'embedding\w*' \(Embedding\): mask_zero=true/);
    m.dispose();
  });
});
