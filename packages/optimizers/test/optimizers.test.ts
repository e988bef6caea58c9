import { describe, expect, it } from 'vitest';
import { tf } from '@wasmml/test-utils/tfjs';
import * as wm from '@wasmml/tensor';
import { expectClose } from '@wasmml/test-utils';
import * as opt from '@wasmml/optimizers';

// Five steps of each optimizer on f(w) = Σ (w - t)² · c, against tfjs's own optimizer.
const W0 = [0.5, -1.5, 2, 0.25, -0.75, 3, -2];
const T = [1, 2, -1, 0.5, 0, -3, 1.5];
const C = [1, 0.5, 2, 1.5, 0.1, 1, 3];

function runOurs(o: opt.Optimizer, steps = 5): Float32Array {
  const w = wm.variable(wm.tensor(W0), true, `w_${Math.random()}`);
  const t = wm.tensor(T),
    c = wm.tensor(C);
  for (let i = 0; i < steps; i++) o.minimize(() => w.sub(t).square().mul(c).sum(), false, [w]);
  const out = w.dataSync();
  wm.dispose([w, t, c]);
  o.dispose();
  return out;
}

function runTfjs(o: tf.Optimizer, steps = 5): Float32Array {
  const w = tf.variable(tf.tensor(W0));
  const t = tf.tensor(T),
    c = tf.tensor(C);
  for (let i = 0; i < steps; i++) o.minimize(() => tf.sum(tf.mul(tf.square(tf.sub(w, t)), c)) as tf.Scalar, false, [w]);
  const out = w.dataSync() as Float32Array;
  tf.dispose([w, t, c]);
  return out;
}

describe('optimizers match tfjs over several steps', () => {
  const cases: Array<[string, () => opt.Optimizer, () => tf.Optimizer]> = [
    ['sgd', () => opt.sgd(0.1), () => tf.train.sgd(0.1)],
    ['momentum', () => opt.momentum(0.05, 0.9), () => tf.train.momentum(0.05, 0.9)],
    ['nesterov', () => opt.momentum(0.05, 0.9, true), () => tf.train.momentum(0.05, 0.9, true)],
    ['rmsprop', () => opt.rmsprop(0.01), () => tf.train.rmsprop(0.01)],
    ['rmsprop centered momentum', () => opt.rmsprop(0.01, 0.8, 0.5, 1e-7, true), () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-7, true)],
    ['adagrad', () => opt.adagrad(0.1), () => tf.train.adagrad(0.1)],
    ['adam', () => opt.adam(0.05), () => tf.train.adam(0.05)],
    ['adamax', () => opt.adamax(0.05, 0.9, 0.999, 1e-7, 0.01), () => tf.train.adamax(0.05, 0.9, 0.999, 1e-7, 0.01)],
  ];
  for (const [name, ours, theirs] of cases) {
    it(name, () => {
      expectClose(runOurs(ours()), runTfjs(theirs()), 1e-5, 1e-6, name);
    });
  }

  it('adamw = adam plus decoupled decay (published rule)', () => {
    const lr = 0.05,
      wd = 0.1,
      b1 = 0.9,
      b2 = 0.999,
      eps = 1e-7;
    const w = [...W0],
      m = W0.map(() => 0),
      v = W0.map(() => 0);
    for (let s = 1; s <= 5; s++) {
      for (let i = 0; i < w.length; i++) {
        const g = 2 * C[i]! * (w[i]! - T[i]!);
        m[i] = b1 * m[i]! + (1 - b1) * g;
        v[i] = b2 * v[i]! + (1 - b2) * g * g;
        const mh = m[i]! / (1 - b1 ** s),
          vh = v[i]! / (1 - b2 ** s);
        w[i] = w[i]! - lr * wd * w[i]! - (lr * mh) / (Math.sqrt(vh) + eps);
      }
    }
    expectClose(runOurs(opt.adamw(lr, wd)), w, 1e-5, 1e-6, 'adamw');
  });
});

describe('schedules, clipping and state', () => {
  it('schedules give the published values', () => {
    const e = opt.exponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.5 });
    expect(e(10)).toBeCloseTo(0.5);
    expect(opt.exponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.5, staircase: true })(15)).toBeCloseTo(0.5);
    expect(opt.stepDecay({ initialLearningRate: 1, stepSize: 3, factor: 0.1 })(7)).toBeCloseTo(0.01);
    const c = opt.cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 2, mMul: 0.5 });
    expect(c(0)).toBeCloseTo(1);
    expect(c(5)).toBeCloseTo(0.5);
    expect(c(10)).toBeCloseTo(0.5);
    expect(c(20)).toBeCloseTo(0.25);
    const w = opt.linearWarmup(opt.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100 }), 10);
    expect(w(0)).toBe(0);
    expect(w(5)).toBeCloseTo(0.05);
    expect(w(10)).toBeCloseTo(0.1);
    expect(opt.scheduleFromConfig(w.config)(57)).toBeCloseTo(w(57));
  });

  it('a schedule drives the learning rate step by step', () => {
    const s = opt.piecewiseConstant({ boundaries: [2], values: [0.1, 0.0] });
    const got = runOurs(opt.sgd(s), 4);
    const manual = runOurs(opt.sgd(0.1), 2);
    expectClose(got, manual, 1e-6, 1e-7);
  });

  it('clipValue and clipNorm', () => {
    const w = wm.variable(wm.tensor([0, 0]), true, 'clip_w');
    const o = opt.sgd(1, { clipValue: 0.5 });
    o.applyGradients({ clip_w: wm.tensor([3, -0.2]) });
    expect(Array.from(w.dataSync())).toEqual([-0.5, Math.fround(0.2)]);
    const o2 = opt.sgd(1, { clipNorm: 1 });
    w.assign(wm.tensor([0, 0]));
    o2.applyGradients({ clip_w: wm.tensor([3, 4]) });
    expectClose(w.dataSync(), [-0.6, -0.8], 1e-6, 1e-7);
    w.dispose();
  });

  it('state saves and restores: a restored optimizer continues identically', async () => {
    const a = wm.variable(wm.tensor(W0), true, 'state_a');
    const t = wm.tensor(T);
    const f = () => a.sub(t).square().sum();
    const o1 = opt.adam(0.1);
    for (let i = 0; i < 3; i++) o1.minimize(f, false, [a]);
    const saved = await o1.getWeights();
    const config = o1.getConfig();
    const snapshot = a.clone();
    o1.minimize(f, false, [a]);
    const after1 = a.dataSync();
    a.assign(snapshot);
    const o2 = opt.optimizerFromConfig(config);
    await o2.setWeights(saved);
    expect(o2.iterations).toBe(3);
    o2.minimize(f, false, [a]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(after1));
    wm.dispose([a, t, snapshot, ...saved.map((s) => s.tensor)]);
    o1.dispose();
    o2.dispose();
  });

  it('a 1,000-step loop keeps memory flat', () => {
    const w = wm.variable(wm.randomNormal([50, 20], 0, 1, 'float32', 1), true, 'flat_w');
    const o = opt.adam(0.01);
    const step = () => o.minimize(() => w.square().mean(), false, [w]);
    step();
    const before = wm.memory();
    for (let i = 0; i < 1000; i++) step();
    const after = wm.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    o.dispose();
    w.dispose();
  });
});
