// GRU with resetAfter (Keras 3's default reset_after=True: the reset gate
// scales the recurrent product, which has a bias of its own) against Keras 3
// on the TensorFlow backend: outputs, and gradients with respect to the input
// and every weight, for the last output, sequences run backwards, masked steps
// and no bias. tfjs has only the reset-before form, so Keras is the reference.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, layers, loadLayersModel, modelArtifacts, sequential, type GRU } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import * as wm from '@wasmml/tensor';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import { describe, expect, it } from 'vitest';

const B = 3,
  T = 5,
  F = 4,
  U = 3;

interface Case {
  name: string;
  ours: Record<string, unknown>;
  keras: Record<string, unknown>;
  mask?: number[];
}
const CASES: Case[] = [
  { name: 'last output', ours: {}, keras: {} },
  {
    name: 'returnSequences, goBackwards',
    ours: { returnSequences: true, goBackwards: true },
    keras: { return_sequences: true, go_backwards: true },
  },
  {
    name: 'masked steps, returnSequences',
    ours: { returnSequences: true },
    keras: { return_sequences: true },
    // Row 1 ends in padding, row 2 starts with it.
    mask: Array.from({ length: B * T }, (_, i) => ((i >= T + 3 && i < 2 * T) || (i >= 2 * T && i < 2 * T + 2) ? 0 : 1)),
  },
  {
    name: 'no bias, relu candidate, tanh gates',
    ours: { useBias: false, activation: 'relu', recurrentActivation: 'tanh' },
    keras: { use_bias: false, activation: 'relu', recurrent_activation: 'tanh' },
  },
];

const python = referencePython();

function gru(c: Case): GRU {
  // Keras 3's defaults: sigmoid gates.
  const layer = layers.gru({ units: U, resetAfter: true, recurrentActivation: 'sigmoid', ...c.ours }) as GRU;
  layer.ensureBuilt([null, T, F]);
  layer.setWeights(layer.weights.map((w, i) => wm.tensor(randomFloats(w.size, 10 + i, -0.6, 0.6), w.shape)));
  return layer;
}

describe.skipIf(!python)('GRU resetAfter against Keras 3 (reset_after=True)', () => {
  it('has a [2, 3·units] bias: input and recurrent rows', () => {
    const layer = gru(CASES[0]!);
    expect(layer.weights.map((w) => w.shape)).toEqual([
      [F, 3 * U],
      [U, 3 * U],
      [2, 3 * U],
    ]);
    layer.dispose();
  });

  it('outputs and gradients (input, kernel, recurrent kernel, bias) match Keras for every case', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmml-gru-'));
    const x = randomFloats(B * T * F, 3);
    const built = CASES.map((c) => {
      const layer = gru(c);
      const yShape = c.ours.returnSequences ? [B, T, U] : [B, U];
      const r = randomFloats(
        yShape.reduce((a, b) => a * b, 1),
        5,
      );
      return { c, layer, r, yShape };
    });
    const spec = built.map(({ c, layer, r }) => ({
      units: U,
      shape: [B, T, F],
      keras: c.keras,
      weights: layer.weights.map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
      x: Array.from(x),
      r: Array.from(r),
      ...(c.mask ? { mask: c.mask } : {}),
    }));
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(spec));
    const keras = JSON.parse(
      runPython(readFileSync(new URL('./python/gru_reset_after.py', import.meta.url), 'utf8'), { args: [join(dir, 'cases.json')] })
        .trim()
        .split('\n')
        .pop()!,
    ) as Array<{ y: { shape: number[]; values: number[] }; grads: number[][] }>;

    built.forEach(({ c, layer, r, yShape }, k) => {
      const xt = wm.tensor(x, [B, T, F]);
      const mask = c.mask ? wm.tensor(c.mask, [B, T]) : undefined;
      const rt = wm.tensor(r, yShape);
      const f = (input: wm.Tensor) => wm.sum(wm.mul(layer.apply(input, mask ? { mask } : {}) as wm.Tensor, rt));
      const y = layer.apply(xt, mask ? { mask } : {}) as wm.Tensor;
      expect(y.shape, c.name).toEqual(keras[k]!.y.shape);
      expectClose(y.dataSync(), keras[k]!.y.values, 1e-4, 2e-6, `${c.name}: output`);
      const dx = wm.grad(f)(xt);
      expectClose(dx.dataSync(), keras[k]!.grads[0]!, 1e-3, 1e-5, `${c.name}: d input`);
      const { grads } = wm.variableGrads(() => f(xt), layer.trainableWeights as wm.Variable[]);
      layer.trainableWeights.forEach((w, i) => {
        expectClose(grads[w.name]!.dataSync(), keras[k]!.grads[i + 1]!, 1e-3, 1e-5, `${c.name}: d ${w.name}`);
      });
      wm.dispose([xt, rt, y, dx, ...Object.values(grads), ...(mask ? [mask] : [])]);
      layer.dispose();
    });
  });

  it('a model with it trains, and saves and loads back (tfjs format) with the same predictions', async () => {
    wm.setSeed(4);
    const model = sequential({
      layers: [layers.gru({ units: 6, resetAfter: true, recurrentActivation: 'sigmoid', inputShape: [T, F] }), layers.dense({ units: 1 })],
    });
    const x = wm.tensor(randomFloats(64 * T * F, 8), [64, T, F]);
    const y = wm.sum(wm.slice(x, [0, 0, 0], [64, T, 1]), [1]);
    model.compile({ optimizer: adam(0.02), loss: 'meanSquaredError' });
    const h = await model.fit(x, y, { epochs: 15, batchSize: 16, verbose: 0 });
    expect(h.history.loss![14]!).toBeLessThan(0.5 * h.history.loss![0]!);
    const back = await loadLayersModel(io.fromMemory(await modelArtifacts(model)));
    expect((back.layers[0] as GRU).resetAfter).toBe(true);
    const p = model.predict(x) as wm.Tensor,
      q = back.predict(x) as wm.Tensor;
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
    wm.dispose([x, y, p, q]);
    model.dispose();
    back.dispose();
  });
});
