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
  pruneChannels,
  pruneLowMagnitude,
  quantizeAwareTraining,
  quantizeModel,
  type QuantizedModel,
  stripPruning,
} from '@wasmml/compression';
import { fakeQuantU7 } from '../src/quantize/fake-quant.js';

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

describe('structured pruning (pruneChannels)', () => {
  /** Zeroes units `dead` of a Dense / Conv2D layer (kernel columns and bias), so that removing them changes nothing. */
  function kill(layer: { weights: wm.Variable[] }, dead: number[]) {
    for (const v of layer.weights) {
      const n = v.shape[v.shape.length - 1]!;
      const d = (v.dataSync() as Float32Array).map((x, i) => (dead.includes(i % n) ? 0 : x));
      v.assign(wm.tensor(d, v.shape));
    }
  }
  const same = (a: wm.Tensor, b: wm.Tensor) => {
    const x = a.dataSync(),
      y = b.dataSync();
    expect(y.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) expect(y[i]).toBeCloseTo(x[i]!, 5);
  };

  it("an MLP: the weakest units of the hidden layer go, with the next kernel's rows; dead units change nothing", async () => {
    const m = mlp();
    const dead = [0, 3, 4, 7, 9, 10, 13, 15];
    kill(m.layers[0]!, dead);
    const { x } = data(20);
    const r = await pruneChannels(m, { sparsity: 0.5 });
    expect(r.kept).toEqual({ [m.layers[0]!.name]: [1, 2, 5, 6, 8, 11, 12, 14] });
    expect(r.paramsBefore).toBe(8 * 16 + 16 + 16 * 3 + 3);
    expect(r.paramsAfter).toBe(8 * 8 + 8 + 8 * 3 + 3);
    expect(r.model.layers.map((l) => l.weights.map((w) => w.shape))).toEqual([[[8, 8], [8]], [], [[8, 3], [3]]]);
    same(m.predict(x) as wm.Tensor, r.model.predict(x) as wm.Tensor);
    // The smaller model trains as any other.
    r.model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const h = await r.model.fit(x, data(20).y, { epochs: 2, batchSize: 10, verbose: 0 });
    expect(Number.isFinite(h.history.loss![1] as number)).toBe(true);
    r.model.dispose();
    m.dispose();
  });

  it('a CNN: filters through BatchNormalization, pooling and Flatten into the Dense rows, and Dense units', async () => {
    const m = sequential({
      layers: [
        layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 2] }),
        layers.batchNormalization(),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: 5, activation: 'relu' }),
        layers.dense({ units: 3 }),
      ],
    });
    const [conv, bn, , , d1] = m.layers;
    kill(conv!, [1, 3, 4]);
    kill(d1!, [0, 2]);
    const x = wm.randomUniform([7, 6, 6, 2], 0, 1, 'float32', 4);
    const before = m.predict(x) as wm.Tensor;
    const r = await pruneChannels(m, { sparsity: { [conv!.name]: 0.5, [d1!.name]: 0.4 } });
    expect(r.kept).toEqual({ [conv!.name]: [0, 2, 5], [d1!.name]: [1, 3, 4] });
    const shapes = Object.fromEntries(r.model.layers.map((l) => [l.name, l.weights.map((w) => w.shape)]));
    expect(shapes[conv!.name]).toEqual([[3, 3, 2, 3], [3]]);
    expect(shapes[bn!.name]).toEqual([[3], [3], [3], [3]]);
    // 2x2 positions after the pool, 3 kept channels each.
    expect(shapes[d1!.name]).toEqual([[12, 3], [3]]);
    same(before, r.model.predict(x) as wm.Tensor);
    // The original model is untouched.
    same(before, m.predict(x) as wm.Tensor);
    expect(conv!.weights[0]!.shape).toEqual([3, 3, 2, 6]);
    r.model.dispose();
    m.dispose();
  });

  it('errors name the layer: the output layer, a layer it cannot follow, a bad sparsity', async () => {
    const m = mlp();
    const [d1, drop, d2] = m.layers.map((l) => l.name);
    await expect(pruneChannels(m, { sparsity: 0.5, layers: [d2!] })).rejects.toThrow(
      new RegExp(`cannot shrink layer '${d2}' \\(Dense\\): its output reaches the model output`),
    );
    await expect(pruneChannels(m, { sparsity: 0.5, layers: [drop!] })).rejects.toThrow(/has no units or filters to remove/);
    await expect(pruneChannels(m, { sparsity: 1 })).rejects.toThrow(new RegExp(`sparsity of layer '${d1}' must be a number in \\[0, 1\\)`));
    await expect(pruneChannels(m, { sparsity: { nope: 0.5 } })).rejects.toThrow(/has no layer 'nope'/);
    const r = sequential({
      layers: [
        layers.dense({ units: 6, inputShape: [4] }),
        layers.reshape({ targetShape: [2, 3] }),
        layers.flatten(),
        layers.dense({ units: 2 }),
      ],
    });
    await expect(pruneChannels(r, { sparsity: 0.5, layers: [r.layers[0]!.name] })).rejects.toThrow(
      /its output reaches layer '.*' \(Reshape\), which pruneChannels cannot follow/,
    );
    m.dispose();
    r.dispose();
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
    // Dense → Dropout → Dense: the first layer hands u7 bytes to the second.
    expect(q.layers.map((l) => l.runs)).toEqual(['int8 → u7', 'u7', 'int8']);
    // Nothing of a prediction outlives it (the u7 activations between layers included).
    const before = wm.memory();
    for (let i = 0; i < 3; i++) q.predict(x).dispose();
    expect(wm.memory().numTensors).toBe(before.numTensors);
    expect(wm.memory().numBytes).toBe(before.numBytes);
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

describe('quantisation-aware training of the activations', () => {
  // One Dense(1) unit with weight 1 and no bias, learning its identity targets: the loss of the first
  // batch (computed before any update) is the error of the fake-quantised input alone.
  function identity(): LayersModel {
    const m = sequential({ layers: [layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones', inputShape: [1] })] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    return m;
  }

  it('fake-quantises each int8 layer input on the u7 grid of its moving-average range, then restores the model', async () => {
    const m = identity();
    const x = wm.tensor([0.004, 0.016, 0.5, 1.27], [4, 1]);
    const qat = quantizeAwareTraining(m, { emaDecay: 0.5 });
    expect(qat.activationRanges()).toEqual({});
    const h = await m.fit(x, x, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [qat] });
    // Range [0.004, 1.27] → scale 0.01, zero point 0: the inputs become 0, 0.02, 0.5, 1.27.
    const loss = h.history.loss![0] as number;
    expect(loss).toBeCloseTo((0.004 ** 2 + 0.004 ** 2) / 4, 8);
    const name = m.layers[0]!.name;
    expect(qat.activationRanges()[name]!.min).toBeCloseTo(0.004, 6);
    expect(qat.activationRanges()[name]!.max).toBeCloseTo(1.27, 6);
    // The float model again after training: no rounding in predict (fake-quantised, 0.004 would give 0).
    const w = (m.layers[0]!.weights[0]!.dataSync() as Float32Array)[0]!;
    expect(Math.abs(w - 1)).toBeLessThan(1e-4);
    const p = (m.predict(x) as wm.Tensor).dataSync();
    expect(p[0]).toBeCloseTo(0.004 * w, 7);
    expect(p[1]).toBeCloseTo(0.016 * w, 7);
    // A second run moves the range by the moving average: max = 0.5 · 1.27 + 0.5 · 2.54.
    const x2 = wm.tensor([0, 2.54], [2, 1]);
    await m.fit(x2, x2, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [qat] });
    expect(qat.activationRanges()[name]!.max).toBeCloseTo(1.905, 5);
    expect(qat.activationRanges()[name]!.min).toBeCloseTo(0.002, 6);
    // The int8 model takes the trained ranges instead of calibrating.
    const q = await quantizeModel(m, { activationRanges: qat.activationRanges() });
    expect(q.layers[0]!.inputScale).toBeCloseTo(1.905 / 127, 8);
    q.dispose();
    wm.dispose([x, x2]);
    m.dispose();
  });

  it('the straight-through gradient passes inside the range and is zero where the input was clamped', () => {
    const quant = { scale: 0.01, zeroPoint: 20 };
    const x = wm.tensor([-0.5, -0.2, 0.3, 1.07, 1.5]);
    const y = fakeQuantU7(x, quant);
    // grid: round(x / 0.01) + 20 = -30 (clamped), 0, 50, 127, 170 (clamped)
    expect(Array.from(y.dataSync())).toEqual([-20, -20, 30, 107, 107].map((v) => Math.fround(Math.fround(v) * Math.fround(0.01))));
    const g = wm.grad((t) => wm.sum(fakeQuantU7(t, quant)))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 1, 1, 1, 0]);
    wm.dispose([x, y, g]);
  });

  it('quantizeModel: activation ranges for some layers, calibration for the rest; errors name the layer', async () => {
    const m = mlp();
    const { x } = data(50);
    const [d1, , d2] = m.layers.map((l) => l.name);
    await expect(quantizeModel(m, { activationRanges: { [d1!]: { min: -3, max: 3 } } })).rejects.toThrow(
      new RegExp(`calibrationData must be a tensor.*no activationRanges for '${d2}'`),
    );
    await expect(quantizeModel(m, { activationRanges: { nope: { min: 0, max: 1 } } })).rejects.toThrow(
      /activationRanges names 'nope', which is not an int8 layer/,
    );
    await expect(quantizeModel(m, { activationRanges: { [d1!]: { min: 2, max: 1 } }, calibrationData: x })).rejects.toThrow(
      /activationRanges\['.*'\] must be \{ min, max \} with finite min <= max/,
    );
    const q = await quantizeModel(m, { activationRanges: { [d1!]: { min: -3, max: 3 } }, calibrationData: x });
    expect(q.layers[0]!.inputScale).toBeCloseTo(6 / 127, 8);
    expect(q.layers[0]!.inputZeroPoint).toBe(64);
    expect(q.layers[2]!.inputScale).toBeGreaterThan(0);
    q.dispose();
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
