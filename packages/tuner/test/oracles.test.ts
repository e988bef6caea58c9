// Oracles without training: Hyperband's schedule, the median pruner, and the
// Gaussian process checked against numpy's closed-form posterior.
import { describe, expect, it } from 'vitest';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import { expectedImprovement, GaussianProcess, hyperbandRounds, MedianPruner, normalCdf, Objective, type Trial } from '../src/index.js';

describe('Hyperband schedule', () => {
  it("has KerasTuner's bracket sizes and epochs for maxEpochs 9, factor 3", () => {
    // From KerasTuner's formulas: size = ceil(ceil(1 + log_f(maxEpochs)) / (s + 1) * f^(s - r)), epochs = ceil(maxEpochs / f^(s - r)).
    const r = hyperbandRounds({ maxEpochs: 9, factor: 3, iterations: 1 }).map((x) => [x.bracket, x.round, x.size, x.epochs]);
    expect(r).toEqual([
      [2, 0, 9, 1],
      [2, 1, 3, 3],
      [2, 2, 1, 9],
      [1, 0, 5, 3],
      [1, 1, 2, 9],
      [0, 0, 3, 9],
    ]);
    expect(hyperbandRounds({ maxEpochs: 3, factor: 3, iterations: 2 }).map((x) => [x.iteration, x.bracket, x.size, x.epochs])).toEqual([
      [0, 1, 3, 1],
      [0, 1, 1, 3],
      [0, 0, 2, 3],
      [1, 1, 3, 1],
      [1, 1, 1, 3],
      [1, 0, 2, 3],
    ]);
  });
});

const trial = (id: number, values: number[], status: Trial['status'] = 'COMPLETED'): Trial => ({
  trialId: String(id),
  hyperparameters: {},
  status,
  score: null,
  bestEpoch: null,
  metrics: { val_loss: values },
  epochs: 5,
  initialEpoch: 0,
});

describe('MedianPruner', () => {
  const objective = new Objective('val_loss', 'min');
  const done = [trial(0, [1, 0.8, 0.6]), trial(1, [1.2, 0.9, 0.7]), trial(2, [0.9, 0.7, 0.5])];
  it('prunes a trial whose best so far is worse than the median at that epoch, after warm-up and start-up', () => {
    const p = new MedianPruner({ startupTrials: 3, warmupEpochs: 1 });
    const bad = trial(3, [1.1, 1.0], 'RUNNING');
    expect(p.shouldPrune(bad, 0, [1.1], [...done, bad], objective)).toBe(false); // warm-up
    expect(p.shouldPrune(bad, 1, [1.1, 1.0], [...done, bad], objective)).toBe(true); // 1.0 > median 0.8
    expect(p.shouldPrune(bad, 1, [1.1, 0.75], [...done, bad], objective)).toBe(false);
    expect(new MedianPruner({ startupTrials: 4 }).shouldPrune(bad, 1, [1.1, 1.0], [...done, bad], objective)).toBe(false);
    expect(() => new MedianPruner({ startupTrials: -1 })).toThrow(/startupTrials must be a non-negative integer/);
  });
});

describe('Gaussian process', () => {
  const x = [
    [0.1, 0.2],
    [0.4, 0.9],
    [0.8, 0.3],
    [0.5, 0.5],
    [0.95, 0.05],
  ];
  const y = [0.3, 0.9, 0.5, 0.7, 0.2];
  const at = [
    [0.3, 0.3],
    [0.6, 0.8],
    [0.1, 0.9],
  ];

  it("matches numpy's closed-form Matérn 5/2 posterior mean and std", () => {
    if (!referencePython()) return;
    const gp = new GaussianProcess(x, y, 1e-4, 0.5);
    const ref = JSON.parse(
      runPython(`
import json, numpy as np
X = np.array(${JSON.stringify(x)}); y = np.array(${JSON.stringify(y)}); P = np.array(${JSON.stringify(at)})
def k(a, b, ell=0.5):
    r = np.sqrt(5 * ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)) / ell
    return (1 + r + r * r / 3) * np.exp(-r)
m, s = y.mean(), y.std(); ys = (y - m) / s
K = k(X, X) + 1e-4 * np.eye(len(X)); Ks = k(P, X)
mu = Ks @ np.linalg.solve(K, ys)
var = 1 - np.einsum('ij,ji->i', Ks, np.linalg.solve(K, Ks.T))
print(json.dumps({'mean': (m + s * mu).tolist(), 'std': (s * np.sqrt(np.maximum(var, 0))).tolist()}))
`),
    ) as { mean: number[]; std: number[] };
    at.forEach((p, i) => {
      const r = gp.predict(p);
      expect(r.mean).toBeCloseTo(ref.mean[i]!, 9);
      expect(r.std).toBeCloseTo(ref.std[i]!, 9);
    });
  });

  it('interpolates its observations, picks a length scale, and EI is the normal closed form', () => {
    const gp = new GaussianProcess(x, y, 1e-8);
    x.forEach((p, i) => expect(gp.predict(p).mean).toBeCloseTo(y[i]!, 4));
    expect(gp.ell).toBeGreaterThan(0);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    // EI of N(1, 1) over 0: mu * Phi(1) + phi(1).
    expect(expectedImprovement(1, 1, 0, 0)).toBeCloseTo(0.8413447 + 0.2419707, 6);
    expect(expectedImprovement(0.5, 0, 1, 0)).toBe(0);
  });
});
