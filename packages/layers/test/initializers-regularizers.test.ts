// Initialisers: the distributions Keras defines (bounds, mean, variance from the
// fans), orthogonality, seeds. Regularisers: the penalty they add to the loss
// and its effect on training, against tfjs-layers.
import { describe, expect, it } from 'vitest';
import { getInitializer, getRegularizer, initializers, layers, regularizers, sequential } from '@wasmml/layers';
import { sgd } from '@wasmml/optimizers';
import { close, data, expectSameTraining, twin, wm, type Lib } from './helpers.js';

function moments(v: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let s = 0,
    sq = 0,
    min = Infinity,
    max = -Infinity;
  for (const x of v) {
    s += x;
    sq += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = s / v.length;
  return { mean, variance: sq / v.length - mean * mean, min, max };
}

const sample = (name: string, shape: number[], seed?: number) =>
  getInitializer({ className: name, config: seed === undefined ? {} : { seed } })
    .apply(shape, 'float32')
    .dataSync() as Float32Array;

describe('initializers', () => {
  // [fanIn, fanOut] of each shape: dense [in, out]; conv [kh, kw, in, out] counts the receptive field.
  const shapes: Array<[number[], number, number]> = [
    [[300, 200], 300, 200],
    [[3, 3, 32, 48], 288, 432],
  ];
  const cases: Array<[string, 'fanIn' | 'fanAvg', number, 'uniform' | 'normal']> = [
    ['glorotUniform', 'fanAvg', 1, 'uniform'],
    ['glorotNormal', 'fanAvg', 1, 'normal'],
    ['heUniform', 'fanIn', 2, 'uniform'],
    ['heNormal', 'fanIn', 2, 'normal'],
    ['lecunUniform', 'fanIn', 1, 'uniform'],
    ['lecunNormal', 'fanIn', 1, 'normal'],
  ];
  for (const [name, mode, scale, dist] of cases) {
    it(`${name}: variance scale / ${mode}, ${dist} bounds`, () => {
      for (const [shape, fanIn, fanOut] of shapes) {
        const v = sample(name, shape, 5);
        const n = mode === 'fanIn' ? fanIn : (fanIn + fanOut) / 2;
        const want = scale / n;
        const m = moments(v);
        expect(Math.abs(m.mean)).toBeLessThan(4 * Math.sqrt(want / v.length));
        expect(m.variance / want).toBeGreaterThan(0.96);
        expect(m.variance / want).toBeLessThan(1.04);
        // Uniform: within sqrt(3 s); truncated normal: within two of its (pre-truncation) standard deviations.
        const bound = dist === 'uniform' ? Math.sqrt(3 * want) : (2 * Math.sqrt(want)) / 0.87962566103423978;
        expect(Math.max(-m.min, m.max)).toBeLessThanOrEqual(bound * (1 + 1e-6));
        expect(Math.max(-m.min, m.max)).toBeGreaterThan(bound * 0.95);
      }
    });
  }

  it('randomNormal, randomUniform, truncatedNormal, zeros, ones, constant', () => {
    const n = initializers.randomNormal({ mean: 1, stddev: 0.5, seed: 1 }).apply([200, 100], 'float32').dataSync() as Float32Array;
    const mn = moments(n);
    expect(mn.mean).toBeCloseTo(1, 2);
    expect(Math.sqrt(mn.variance)).toBeCloseTo(0.5, 2);
    const u = moments(initializers.randomUniform({ minval: -2, maxval: 3, seed: 1 }).apply([20000], 'float32').dataSync() as Float32Array);
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    const t = moments(initializers.truncatedNormal({ stddev: 0.1, seed: 1 }).apply([20000], 'float32').dataSync() as Float32Array);
    expect(Math.max(-t.min, t.max)).toBeLessThanOrEqual(0.2 + 1e-6);
    expect(Array.from(initializers.zeros().apply([3], 'float32').dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(initializers.ones().apply([2], 'float32').dataSync())).toEqual([1, 1]);
    expect(Array.from(initializers.constant({ value: 2.5 }).apply([2], 'float32').dataSync())).toEqual([2.5, 2.5]);
  });

  it('orthogonal: orthonormal columns (tall), rows (wide), conv kernels flattened; times gain', () => {
    for (const [shape, gain] of [
      [[40, 12], 1],
      [[12, 40], 1],
      [[3, 3, 4, 8], 2],
    ] as Array<[number[], number]>) {
      const v = initializers.orthogonal({ gain, seed: 3 }).apply(shape, 'float32').dataSync();
      const cols = shape[shape.length - 1]!,
        rows = v.length / cols;
      // Gram matrix of the shorter side's vectors must be gain² I.
      const k = Math.min(rows, cols);
      const at = (i: number, c: number) => (rows >= cols ? v[c * cols + i]! : v[i * cols + c]!);
      const len = Math.max(rows, cols);
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          let d = 0;
          for (let c = 0; c < len; c++) d += at(i, c) * at(j, c);
          expect(d).toBeCloseTo(i === j ? gain * gain : 0, 4);
        }
      }
    }
  });

  it('seeds: the same seed repeats, another seed or no seed differs', () => {
    for (const name of ['glorotUniform', 'heNormal', 'randomNormal', 'randomUniform', 'truncatedNormal', 'orthogonal']) {
      const a = sample(name, [6, 5], 42),
        b = sample(name, [6, 5], 42),
        c = sample(name, [6, 5], 43);
      expect(Array.from(a), name).toEqual(Array.from(b));
      expect(Array.from(a), name).not.toEqual(Array.from(c));
      expect(Array.from(sample(name, [6, 5])), name).not.toEqual(Array.from(sample(name, [6, 5])));
    }
  });

  it('saved configs (Keras snake_case) resolve; unknown names are refused', () => {
    const i = getInitializer({ className: 'VarianceScaling', config: { scale: 2, mode: 'fan_out', distribution: 'uniform', seed: 1 } });
    const v = moments(i.apply([100, 400], 'float32').dataSync() as Float32Array);
    expect(v.max).toBeLessThanOrEqual(Math.sqrt((3 * 2) / 400) + 1e-6);
    expect(v.variance / (2 / 400)).toBeGreaterThan(0.95);
    expect(() => getInitializer('nope')).toThrow(/unknown initializer 'nope'/);
  });

  it('layers use their initializers: dense kernel glorotUniform with seed, bias zeros', () => {
    const d = layers.dense({ units: 3, inputShape: [4], kernelInitializer: initializers.glorotUniform({ seed: 9 }) });
    sequential({ layers: [d] });
    const [k, b] = d.getWeights();
    expect(Array.from(k!.dataSync())).toEqual(Array.from(initializers.glorotUniform({ seed: 9 }).apply([4, 3], 'float32').dataSync()));
    expect(Array.from(b!.dataSync())).toEqual([0, 0, 0]);
  });
});

describe('regularizers', () => {
  it('l1, l2 and l1l2 penalties are l1 Σ|w| + l2 Σw²; defaults 0.01', () => {
    const w = wm.tensor([1, -2, 3, -0.5]);
    expect(regularizers.l1({ l1: 0.1 }).apply(w).dataSync()[0]).toBeCloseTo(0.1 * 6.5, 6);
    expect(regularizers.l2({ l2: 0.2 }).apply(w).dataSync()[0]).toBeCloseTo(0.2 * 14.25, 5);
    expect(regularizers.l1l2().apply(w).dataSync()[0]).toBeCloseTo(0.01 * 6.5 + 0.01 * 14.25, 6);
    expect(getRegularizer('l2').apply(w).dataSync()[0]).toBeCloseTo(0.1425, 6);
    expect(
      getRegularizer({ className: 'L1L2', config: { l1: 0, l2: 1 } })
        .apply(w)
        .dataSync()[0],
    ).toBeCloseTo(14.25, 5);
  });

  it('the training loss includes the penalties and training follows their gradient, like tfjs', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.dense({
            units: 4,
            inputShape: [3],
            activation: 'tanh',
            kernelRegularizer: L.regularizers.l1l2({ l1: 0.05, l2: 0.1 }),
            biasRegularizer: L.regularizers.l2({ l2: 0.2 }),
          }),
          L.layers.reshape({ targetShape: [4, 1] }),
          L.layers.conv1d({ filters: 2, kernelSize: 2, kernelRegularizer: L.regularizers.l1({ l1: 0.03 }) }),
          L.layers.flatten(),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([8, 3], 1), data([8, 6], 2), { learningRate: 0.2, epochs: 3, rtol: 3e-4 });
  });

  it('a strong l2 penalty shrinks the weights it regularises, and only those', async () => {
    const make = (reg: boolean) =>
      sequential({
        layers: [
          layers.dense({
            units: 4,
            inputShape: [3],
            kernelInitializer: initializers.ones(),
            ...(reg ? { kernelRegularizer: regularizers.l2({ l2: 0.5 }) } : {}),
          }),
        ],
      });
    const a = make(true),
      b = make(false);
    for (const m of [a, b]) m.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });
    const x = data([16, 3], 3),
      y = data([16, 4], 4);
    const ha = await a.fit(x.ours, y.ours, { epochs: 5, batchSize: 16, verbose: 0 });
    await b.fit(x.ours, y.ours, { epochs: 5, batchSize: 16, verbose: 0 });
    const norm = (m: typeof a) => Array.from(m.getWeights()[0]!.dataSync()).reduce((s, v) => s + v * v, 0);
    expect(norm(a)).toBeLessThan(0.5 * norm(b));
    // The logged loss is the data loss plus the penalty on the weights of that step.
    const ev = (a.evaluate(x.ours, y.ours, { batchSize: 16 }) as wm.Tensor).dataSync()[0]!;
    expect(ha.history.loss![4]!).toBeGreaterThan(ev);
    close([a.getLayer(0).regularizationLoss()!.dataSync()[0]!], [0.5 * norm(a)], 'penalty');
  });
});
