// Small, fast checks of the compression API: schedules as TFMOT defines them,
// masks that survive optimizer steps, memory that stays flat, the file codecs,
// distillation's loss against a direct formula, and the bad-input errors that
// name the layer and leave the model as it was.
import { describe, expect, it } from 'vitest';
import { layers, sequential, type LayersModel } from '@wasmml/layers';
import * as wm from '@wasmml/tensor';
import {
  constantSparsity,
  decodeModel,
  distill,
  distillationLoss,
  encodeModel,
  encodeQuantized,
  polynomialDecay,
  pruneLowMagnitude,
  quantizeModel,
  type QuantizedModel,
  stripPruning,
} from '@wasmml/compression';

function mlp(): LayersModel {
  const m = sequential({
    layers: [
      layers.dense({ units: 16, activation: 'relu', inputShape: [8] }),
      layers.dropout({ rate: 0.1 }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return m;
}

function data(n = 64) {
  const x = wm.randomNormal([n, 8], 0, 1, 'float32', 3);
  const y = wm.tensor(
    Int32Array.from({ length: n }, (_, i) => i % 3),
    [n],
    'int32',
  );
  return { x, y };
}

const zeros = (t: wm.Tensor) => (t.dataSync() as Float32Array).filter((v) => v === 0).length;

describe('schedules', () => {
  it('polynomialDecay follows final + (initial - final)(1 - t)^3 on its update steps, and ends on endStep', () => {
    const s = polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, beginStep: 10, endStep: 110, frequency: 25 });
    expect(s.sparsityAt(9)).toBeUndefined();
    expect(s.sparsityAt(10)).toBeCloseTo(0.2, 12);
    expect(s.sparsityAt(11)).toBeUndefined();
    expect(s.sparsityAt(60)).toBeCloseTo(0.8 + (0.2 - 0.8) * 0.5 ** 3, 12);
    expect(s.sparsityAt(110)).toBeCloseTo(0.8, 12);
    expect(s.sparsityAt(135)).toBeUndefined();
    const c = constantSparsity({ targetSparsity: 0.5, frequency: 10 });
    expect([c.sparsityAt(0), c.sparsityAt(5), c.sparsityAt(1000)]).toEqual([0.5, undefined, 0.5]);
  });

  it('rejects a sparsity outside [0, 1) and bad steps', () => {
    expect(() => constantSparsity({ targetSparsity: 1 })).toThrow(/sparsity must be in \[0, 1\).*got 1/);
    expect(() => polynomialDecay({ finalSparsity: -0.1, endStep: 10 })).toThrow(/\[0, 1\)/);
    expect(() => polynomialDecay({ finalSparsity: 0.5, beginStep: 10, endStep: 5 })).toThrow(/endStep must be > beginStep/);
  });
});

describe('pruning', () => {
  it('reaches the sparsity per layer, keeps pruned weights at zero through Adam steps, with a flat tensor count', async () => {
    const m = mlp();
    const { x, y } = data();
    const p = pruneLowMagnitude(m, { schedule: constantSparsity({ targetSparsity: 0.75, frequency: 1000 }) });
    const counts: number[] = [];
    await m.fit(x, y, {
      epochs: 4,
      batchSize: 16,
      verbose: 0,
      callbacks: [
        p.callback(),
        {
          onEpochEnd: () => {
            counts.push(wm.memory().numTensors);
          },
        },
      ],
    });
    const k0 = m.layers[0]!.weights[0]!,
      k1 = m.layers[2]!.weights[0]!;
    expect(zeros(k0)).toBe(0.75 * 8 * 16);
    expect(zeros(k1)).toBe(0.75 * 16 * 3);
    expect(p.sparsity().overall).toBeCloseTo(0.75, 6);
    expect(new Set(counts.slice(1)).size).toBe(1);
    const mask = Array.from(k0.dataSync(), (v) => v === 0);
    stripPruning(m);
    await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    // After stripPruning the weights are free to move again.
    expect(Array.from(k0.dataSync(), (v) => v === 0).filter((z, i) => z && mask[i]).length).toBeLessThan(mask.filter(Boolean).length);
    m.dispose();
  });

  it('global scope: one threshold over all kernels (the overall sparsity is exact, per layer it varies)', () => {
    const m = mlp();
    const p = pruneLowMagnitude(m, { schedule: constantSparsity({ targetSparsity: 0.5 }), scope: 'global' });
    p.pruneTo(0.5);
    expect(p.sparsity().overall).toBeCloseTo(0.5, 6);
    stripPruning(m);
    m.dispose();
  });

  it('errors name the layer and leave the model as it was', () => {
    const m = mlp();
    const before = m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(() => pruneLowMagnitude(m, { schedule: constantSparsity({ targetSparsity: 0.5 }), layers: [m.layers[1]!.name] })).toThrow(
      new RegExp(`layer '${m.layers[1]!.name}' \\(Dropout\\) has no kernel to prune`),
    );
    expect(() => pruneLowMagnitude(m, { schedule: constantSparsity({ targetSparsity: 0.5 }), layers: ['nope'] })).toThrow(
      /no layer 'nope'/,
    );
    const p = pruneLowMagnitude(m, { schedule: constantSparsity({ targetSparsity: 0.5 }) });
    expect(() => pruneLowMagnitude(m, { schedule: constantSparsity({ targetSparsity: 0.5 }) })).toThrow(/already being pruned/);
    void p;
    stripPruning(m);
    expect(m.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(before);
    m.dispose();
  });

  it('sparse files round-trip exactly and shrink with sparsity', async () => {
    const m = mlp();
    const p = pruneLowMagnitude(m, { schedule: constantSparsity({ targetSparsity: 0.9 }) });
    p.pruneTo(0.9);
    stripPruning(m);
    const sparse = await encodeModel(m, { weights: 'sparse' }),
      dense = await encodeModel(m);
    expect(sparse.length).toBeLessThan(dense.length);
    const back = (await decodeModel(sparse)) as LayersModel;
    // (A masked negative weight is -0; the file stores it as 0.)
    const values = (ms: LayersModel) => ms.getWeights().map((t) => Array.from(t.dataSync(), (v) => v + 0));
    expect(values(back)).toEqual(values(m));
    back.dispose();
    m.dispose();
  });
});

describe('int8 quantisation', () => {
  it('tracks the float model on a small MLP and survives encode / decode bit for bit', async () => {
    const m = mlp();
    const { x } = data(200);
    const q = await quantizeModel(m, { calibrationData: x });
    const pf = m.predict(x) as wm.Tensor,
      pq = q.predict(x);
    const a = pf.dataSync(),
      b = pq.dataSync();
    let err = 0;
    for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i]! - b[i]!));
    expect(err).toBeLessThan(0.03);
    expect(err).toBeGreaterThan(0); // really int8: not the float path
    const back = (await decodeModel(encodeQuantized(q))) as QuantizedModel;
    expect(Array.from(back.predict(x).dataSync())).toEqual(Array.from(b));
    back.dispose();
    q.dispose();
    // The float model is untouched and still works.
    expect(Array.from((m.predict(x) as wm.Tensor).dataSync())).toEqual(Array.from(a));
    m.dispose();
  });

  it('errors: unsupported layer, calibration data of the wrong shape, a corrupted file', async () => {
    const lstm = sequential({ layers: [layers.lstm({ units: 4, inputShape: [5, 3] }), layers.dense({ units: 2 })] });
    await expect(quantizeModel(lstm, { calibrationData: wm.zeros([2, 5, 3]) })).rejects.toThrow(
      new RegExp(`layer '${lstm.layers[0]!.name}' \\(LSTM\\) cannot be quantised to int8`),
    );
    const m = mlp();
    await expect(quantizeModel(m, { calibrationData: wm.zeros([4, 7]) })).rejects.toThrow(
      /calibrationData must be float32 \[n >= 1, 8\].*got \[4,7\]/,
    );
    const bytes = encodeQuantized(await quantizeModel(m, { calibrationData: wm.ones([4, 8]) }));
    await expect(decodeModel(bytes.slice(0, 40))).rejects.toThrow(/truncated header|corrupted header/);
    await expect(decodeModel(bytes.slice(0, bytes.length - 100))).rejects.toThrow(/does not fit the file/);
    await expect(decodeModel(new Uint8Array(16))).rejects.toThrow(/not a wasmml compressed model/);
    lstm.dispose();
    m.dispose();
  });
});

describe('distillation', () => {
  it('the loss is alpha·CE + (1 - alpha)·T²·KL, as written out directly', () => {
    const T = 3,
      alpha = 0.25;
    const p = [0.7, 0.2, 0.1],
      t = [0.5, 0.3, 0.2];
    const soft = (v: number[]) => {
      const e = v.map((x) => Math.exp(Math.log(x) / T));
      const s = e.reduce((a, b) => a + b);
      return e.map((x) => x / s);
    };
    const pt = soft(t),
      ps = soft(p);
    const kl = pt.reduce((s, v, i) => s + v * Math.log(v / ps[i]!), 0);
    const expected = alpha * -Math.log(0.2) + (1 - alpha) * T * T * kl;
    const yTrue = wm.tensor([[0, 1, 0, ...pt]]),
      yPred = wm.tensor([p]);
    expect(distillationLoss(T, alpha, false)(yTrue, yPred).dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('refuses models with different output shapes before training', async () => {
    const teacher = mlp();
    const student = sequential({ layers: [layers.dense({ units: 4, inputShape: [8] })] });
    const { x, y } = data();
    await expect(distill(x, y, { teacher, student })).rejects.toThrow(/same \[batch, classes\] output shape/);
    await expect(distill(x, y, { teacher, student: mlp(), temperature: 0 })).rejects.toThrow(/temperature must be > 0/);
  });
});
