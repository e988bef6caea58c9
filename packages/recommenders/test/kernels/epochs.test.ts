import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { tf } from '@wasmml/test-utils/tfjs';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { mfAdamState } from '../../src/kernels/adam-state.js';
import { bprTrainEpoch } from '../../src/kernels/bpr-epoch.js';
import { mfPredict, mfTrainEpoch } from '../../src/kernels/mf-epoch.js';

function setup(nu: number, ni: number, k: number, n: number, seed: number) {
  const r = rng(seed);
  const users = Int32Array.from({ length: n }, () => Math.floor(r() * nu));
  const items = Int32Array.from({ length: n }, () => Math.floor(r() * ni));
  const ratings = Float32Array.from({ length: n }, () => 1 + Math.floor(r() * 9) / 2);
  const P = randomFloats(nu * k, seed + 1, -0.2, 0.2),
    Q = randomFloats(ni * k, seed + 2, -0.2, 0.2);
  const bu = randomFloats(nu, seed + 3, -0.1, 0.1),
    bi = randomFloats(ni, seed + 4, -0.1, 0.1);
  return { users, items, ratings, P, Q, bu, bi };
}

/** One stratum of one block: plain sequential order. */
function sequential(n: number) {
  return {
    order: wm.tensor(
      Int32Array.from({ length: n }, (_, i) => i),
      [n],
      'int32',
    ),
    offsets: wm.tensor([0, n], [2], 'int32'),
    strata: 1,
    blocks: 1,
  };
}

// The hand-computed BPR steps: user 0 (p = [0.1, 0.2]), positive item 0 and
// negative item 1 of three (k = 2), one SGD step with lr 0.5 and l2 0.01.
const LR = 0.5,
  L2 = 0.01;

function oneSample() {
  const vars = {
    userFactors: wm.variable(wm.tensor([0.1, 0.2], [1, 2])),
    itemFactors: wm.variable(wm.tensor([0.3, -0.1, 0.2, 0.4, -0.2, 0.1], [3, 2])),
    itemBias: wm.variable(wm.tensor([0.05, -0.02, 0], [3])),
  };
  const data = { users: wm.tensor([0], [1], 'int32'), items: wm.tensor([0], [1], 'int32') };
  return { vars, data, layout: sequential(1), negs: wm.tensor([1], [1, 1], 'int32') };
}

/**
 * Runs the step with `extra` (a context or item features) for the score x and the
 * user's gradient direction d (the item difference): checks the loss log(1 + e^-x)
 * and p += lr (g d - l2 p); returns g = 1 / (1 + e^x).
 */
function stepOnce(s: ReturnType<typeof oneSample>, extra: Partial<Parameters<typeof bprTrainEpoch>[0]>, x: number, d: number[]): number {
  const g = 1 / (1 + Math.exp(x));
  const loss = bprTrainEpoch({
    vars: s.vars,
    data: s.data,
    negatives: s.negs,
    layout: s.layout,
    rule: { type: 'sgd', learningRate: LR, l2: L2, biasL2: 0 },
    ...extra,
  });
  expect(loss).toBeCloseTo(Math.log1p(Math.exp(-x)), 5);
  expectClose(
    s.vars.userFactors.dataSync() as Float32Array,
    [0.1 + LR * (g * d[0]! - L2 * 0.1), 0.2 + LR * (g * d[1]! - L2 * 0.2)],
    1e-5,
    1e-6,
    'P',
  );
  return g;
}

describe('mfTrainEpoch', () => {
  it("SGD over variables matches Surprise's update in float64, and leaves earlier clones alone", () => {
    const nu = 7,
      ni = 9,
      k = 6,
      n = 120,
      mu = 3.1,
      lr = 0.04,
      l2 = 0.03;
    const d = setup(nu, ni, k, n, 1);
    const vars = {
      userFactors: wm.variable(wm.tensor(d.P, [nu, k])),
      itemFactors: wm.variable(wm.tensor(d.Q, [ni, k])),
      userBias: wm.variable(wm.tensor(d.bu)),
      itemBias: wm.variable(wm.tensor(d.bi)),
    };
    const before = vars.userFactors.clone();
    const data = { users: wm.tensor(d.users), items: wm.tensor(d.items), ratings: wm.tensor(d.ratings) };
    const layout = sequential(n);
    const P = Float64Array.from(d.P),
      Q = Float64Array.from(d.Q),
      bu = Float64Array.from(d.bu),
      bi = Float64Array.from(d.bi);
    let want = 0;
    for (let s = 0; s < n; s++) {
      const u = d.users[s]!,
        i = d.items[s]!;
      let pred = mu + bu[u]! + bi[i]!;
      for (let f = 0; f < k; f++) pred += P[u * k + f]! * Q[i * k + f]!;
      const err = d.ratings[s]! - pred;
      want += err * err;
      bu[u]! += lr * (err - l2 * bu[u]!);
      bi[i]! += lr * (err - l2 * bi[i]!);
      for (let f = 0; f < k; f++) {
        const p = P[u * k + f]!,
          q = Q[i * k + f]!;
        P[u * k + f] = p + lr * (err * q - l2 * p);
        Q[i * k + f] = q + lr * (err * p - l2 * q);
      }
    }
    const got = mfTrainEpoch({ vars, data, layout, mu, rule: { type: 'sgd', learningRate: lr, l2 } });
    expect(got).toBeCloseTo(want, 3);
    expectClose(vars.userFactors.dataSync(), P, 1e-4, 1e-5, 'P');
    expectClose(vars.itemFactors.dataSync(), Q, 1e-4, 1e-5, 'Q');
    expectClose(vars.userBias.dataSync(), bu, 1e-4, 1e-5, 'bu');
    expectClose(vars.itemBias.dataSync(), bi, 1e-4, 1e-5, 'bi');
    expect(before.dataSync()).toEqual(d.P);
    wm.dispose([before, data.users, data.items, data.ratings, layout.order, layout.offsets, ...Object.values(vars)]);
  });

  it('sparse Adam lowers the error, and memory stays flat over epochs', () => {
    const nu = 30,
      ni = 40,
      k = 8,
      n = 2000;
    const d = setup(nu, ni, k, n, 2);
    const vars = {
      userFactors: wm.variable(wm.tensor(d.P, [nu, k])),
      itemFactors: wm.variable(wm.tensor(d.Q, [ni, k])),
      itemBias: wm.variable(wm.zeros([ni])),
    };
    const state = mfAdamState(vars);
    const data = { users: wm.tensor(d.users), items: wm.tensor(d.items), ratings: wm.tensor(d.ratings) };
    const layout = sequential(n);
    const rule = { type: 'adam', learningRate: 0.01 } as const;
    const first = mfTrainEpoch({ vars, data, layout, mu: 3, rule, adam: state });
    const mem = wm.memory();
    let last = first;
    for (let e = 0; e < 20; e++) last = mfTrainEpoch({ vars, data, layout, mu: 3, rule, adam: state });
    expect(last).toBeLessThan(first * 0.8);
    expect(wm.memory().numTensors).toBe(mem.numTensors);
    expect(wm.memory().numBytes).toBe(mem.numBytes);
    // The item powers count each row's own steps: beta1^t for t = the row's sample count x 21 epochs.
    const counts = new Int32Array(ni);
    for (const i of d.items) counts[i]!++;
    const pw = state.itemPowers.dataSync();
    expect(pw[0]).toBeCloseTo(0.9 ** (counts[0]! * 21), 4);
    expect(() => mfTrainEpoch({ vars, data, layout, mu: 3, rule })).toThrow(/adam rule needs the state from mfAdamState/);
    state.dispose();
    wm.dispose([data.users, data.items, data.ratings, layout.order, layout.offsets, ...Object.values(vars)]);
  });

  it('rejects bad inputs with the op, shapes and dtypes in the message', () => {
    const vars = { userFactors: wm.variable(wm.zeros([3, 4])), itemFactors: wm.variable(wm.zeros([5, 4])) };
    const users = wm.tensor([0, 1], [2], 'int32'),
      items = wm.tensor([0, 1], [2], 'int32');
    const layout = sequential(2);
    expect(() =>
      mfTrainEpoch({
        vars,
        data: { users, items, ratings: wm.tensor([1, 2, 3]) },
        layout,
        mu: 0,
        rule: { type: 'sgd', learningRate: 0.1 },
      }),
    ).toThrow(/mfTrainEpoch: ratings must be float32 with 2 elements, got \[3\]/);
    expect(() =>
      mfTrainEpoch({
        vars,
        data: { users: wm.tensor([0, 1]), items, ratings: wm.tensor([1, 2]) },
        layout,
        mu: 0,
        rule: { type: 'sgd', learningRate: 0.1 },
      }),
    ).toThrow(/mfTrainEpoch: users must be a 1-D int32 tensor, got \[2\] \(float32\)/);
    const bad = { userFactors: vars.userFactors, itemFactors: wm.variable(wm.zeros([5, 3])) };
    expect(() => mfPredict(bad, [0], [0])).toThrow(/mfPredict: userFactors \[3,4\] \(float32\) and itemFactors \[5,3\]/);
    expect(() =>
      mfTrainEpoch({
        vars,
        data: { users, items, ratings: wm.tensor([1, 2]) },
        layout: { ...layout, blocks: 2 },
        mu: 0,
        rule: { type: 'sgd', learningRate: 0.1 },
      }),
    ).toThrow(/layout.offsets has 2 elements; strata 1 x blocks 2 needs 3/);
    wm.dispose([users, items, layout.order, layout.offsets, ...Object.values(vars), bad.itemFactors]);
  });
});

describe('bprTrainEpoch', () => {
  it('raises the positive item above sampled negatives and leaves the user bias alone', () => {
    const nu = 20,
      ni = 30,
      k = 8,
      n = 600;
    const r = rng(5);
    // Users prefer items of their own parity.
    const users = Int32Array.from({ length: n }, () => Math.floor(r() * nu));
    const items = Int32Array.from(users, (u) => 2 * Math.floor(r() * 15) + (u % 2));
    const vars = {
      userFactors: wm.variable(wm.tensor(randomFloats(nu * k, 6, -0.1, 0.1), [nu, k])),
      itemFactors: wm.variable(wm.tensor(randomFloats(ni * k, 7, -0.1, 0.1), [ni, k])),
      userBias: wm.variable(wm.zeros([nu])),
      itemBias: wm.variable(wm.zeros([ni])),
    };
    const data = { users: wm.tensor(users), items: wm.tensor(items) };
    const layout = sequential(n);
    const losses: number[] = [];
    for (let e = 0; e < 15; e++) {
      const negs = Int32Array.from(users, (u) => 2 * Math.floor(r() * 15) + 1 - (u % 2));
      const nt = wm.tensor(negs, [n, 1], 'int32');
      losses.push(bprTrainEpoch({ vars, data, negatives: nt, layout, rule: { type: 'sgd', learningRate: 0.1, l2: 0.001 } }));
      nt.dispose();
    }
    expect(losses[14]!).toBeLessThan(losses[0]! * 0.3);
    const s = mfPredict(vars, [0, 0, 1, 1], [2, 3, 2, 3]).dataSync();
    expect(s[0]).toBeGreaterThan(s[1]!);
    expect(s[3]).toBeGreaterThan(s[2]!);
    expect(vars.userBias.dataSync()).toEqual(new Float32Array(nu));
    const wrong = wm.tensor(new Int32Array(n), [n], 'int32');
    expect(() => bprTrainEpoch({ vars, data, negatives: wrong, layout, rule: { type: 'sgd', learningRate: 0.1 } })).toThrow(
      /bprTrainEpoch: negatives must be int32 \[positions = 600, candidates >= 1\], got \[600\]/,
    );
    wm.dispose([wrong, data.users, data.items, layout.order, layout.offsets, ...Object.values(vars)]);
  });

  it('with a context: matches one hand-computed step, and checks the context tensors', () => {
    const k = 2;
    const s = oneSample();
    const { vars, data, layout, negs } = s;
    const S = wm.variable(wm.tensor([0.5, 0.1, 0, 0, 0.3, -0.3], [3, k]));
    // Context: items 0 and 2, and one padding entry.
    const ctx = { factors: S, items: wm.tensor([0, -1, 2], [1, 3], 'int32'), l2: 0.1 };
    const lr = LR,
      l2 = L2;
    // x = b0 - b1 + (p + (s0 + s2) / 2) · (q0 - q1)
    const ue = [0.1 + (0.5 + 0.3) / 2, 0.2 + (0.1 - 0.3) / 2],
      d = [0.3 - 0.2, -0.1 - 0.4];
    const x = 0.05 + 0.02 + ue[0]! * d[0]! + ue[1]! * d[1]!;
    const g = stepOnce(s, { context: ctx }, x, d);
    expectClose(
      S.dataSync() as Float32Array,
      [
        0.5 + lr * ((g * d[0]!) / 2 - 0.1 * 0.5),
        0.1 + lr * ((g * d[1]!) / 2 - 0.1 * 0.1),
        0,
        0,
        0.3 + lr * ((g * d[0]!) / 2 - 0.1 * 0.3),
        -0.3 + lr * ((g * d[1]!) / 2 + 0.1 * 0.3),
      ],
      1e-5,
      1e-6,
      'S',
    );
    expectClose(
      (vars.itemFactors.dataSync() as Float32Array).slice(0, 2),
      [0.3 + lr * (g * ue[0]! - l2 * 0.3), -0.1 + lr * (g * ue[1]! + l2 * 0.1)],
      1e-5,
      1e-6,
      'q0',
    );
    const before = S.dataSync().slice();
    const bad = wm.tensor([0, 1], [1, 2], 'float32');
    expect(() =>
      bprTrainEpoch({ vars, data, negatives: negs, layout, rule: { type: 'sgd' }, context: { factors: S, items: bad } }),
    ).toThrow(/context.items must be int32 \[samples = 1, length >= 1\], got \[1,2\] \(float32\)/);
    const st = mfAdamState(vars);
    expect(() => bprTrainEpoch({ vars, data, negatives: negs, layout, rule: { type: 'adam' }, adam: st, context: ctx })).toThrow(
      /sgd rule only/,
    );
    st.dispose();
    expect(S.dataSync()).toEqual(before);
    wm.dispose([bad, negs, ctx.items, S, data.users, data.items, layout.order, layout.offsets, ...Object.values(vars)]);
  });

  it('with item features: matches one hand-computed step, and checks the feature tensors', () => {
    const k = 2;
    const s = oneSample();
    const { vars, data, layout, negs } = s;
    // Features: item 0 has {0, 1}, item 1 has {1}, item 2 none.
    const F = wm.variable(wm.tensor([0.2, -0.4, 0.6, 0.1], [2, k])),
      fb = wm.variable(wm.tensor([0.1, -0.3], [2]));
    const feats = {
      factors: F,
      bias: fb,
      offsets: wm.tensor([0, 2, 3, 3], [4], 'int32'),
      ids: wm.tensor([0, 1, 1], [3], 'int32'),
      l2: 0.1,
    };
    const lr = LR;
    // q'0 = q0 + (F0 + F1) / 2, q'1 = q1 + F1; b'0 = b0 + (fb0 + fb1) / 2, b'1 = b1 + fb1.
    const qi = [0.3 + 0.4, -0.1 - 0.15],
      qj = [0.2 + 0.6, 0.4 + 0.1],
      p = [0.1, 0.2];
    const d = [qi[0]! - qj[0]!, qi[1]! - qj[1]!];
    const x = 0.05 - 0.1 - (-0.02 - 0.3) + p[0]! * d[0]! + p[1]! * d[1]!;
    const g = stepOnce(s, { features: feats }, x, d);
    // F0 (item 0 only): + lr (g p / 2 - 0.1 F0). F1 (both): first + lr (g p / 2 - 0.1 F1), then + lr (-g p - 0.1 F1').
    const f1a = [0.6 + lr * ((g * 0.1) / 2 - 0.1 * 0.6), 0.1 + lr * ((g * 0.2) / 2 - 0.1 * 0.1)];
    expectClose(
      F.dataSync() as Float32Array,
      [
        0.2 + lr * ((g * 0.1) / 2 - 0.1 * 0.2),
        -0.4 + lr * ((g * 0.2) / 2 + 0.1 * 0.4),
        f1a[0]! + lr * (-g * 0.1 - 0.1 * f1a[0]!),
        f1a[1]! + lr * (-g * 0.2 - 0.1 * f1a[1]!),
      ],
      1e-5,
      1e-6,
      'F',
    );
    expectClose(fb.dataSync() as Float32Array, [0.1 + (lr * g) / 2, -0.3 + (lr * g) / 2 - lr * g], 1e-5, 1e-6, 'fb');
    const before = F.dataSync().slice();
    const short = wm.tensor([0, 1], [2], 'int32');
    expect(() => bprTrainEpoch({ vars, data, negatives: negs, layout, rule: { type: 'sgd' }, features: { ...feats, ids: short } })).toThrow(
      /features.offsets ends at 3, but features.ids has 2 elements/,
    );
    expect(() =>
      bprTrainEpoch({ vars, data, negatives: negs, layout, rule: { type: 'sgd' }, features: { ...feats, offsets: short } }),
    ).toThrow(/features.offsets has 2 elements, expected numItems \+ 1 = 4/);
    const st = mfAdamState(vars);
    expect(() => bprTrainEpoch({ vars, data, negatives: negs, layout, rule: { type: 'adam' }, adam: st, features: feats })).toThrow(
      /sgd rule only/,
    );
    st.dispose();
    expect(F.dataSync()).toEqual(before);
    wm.dispose([
      short,
      negs,
      feats.offsets,
      feats.ids,
      F,
      fb,
      data.users,
      data.items,
      layout.order,
      layout.offsets,
      ...Object.values(vars),
    ]);
  });
});

describe('mfPredict', () => {
  it('matches tfjs gather / mul / sum plus biases, with cold-start ids adding nothing', () => {
    const nu = 6,
      ni = 8,
      k = 5;
    const d = setup(nu, ni, k, 0, 9);
    const vars = {
      userFactors: wm.variable(wm.tensor(d.P, [nu, k])),
      itemFactors: wm.variable(wm.tensor(d.Q, [ni, k])),
      userBias: wm.variable(wm.tensor(d.bu)),
      itemBias: wm.variable(wm.tensor(d.bi)),
    };
    const us = [0, 5, 3, 2, 2],
      is = [7, 0, 4, 4, 1];
    const got = mfPredict(vars, us, is, 2.5);
    const want = tf.tidy(() => {
      const P = tf.tensor2d(d.P, [nu, k]),
        Q = tf.tensor2d(d.Q, [ni, k]);
      const u = tf.tensor1d(us, 'int32'),
        i = tf.tensor1d(is, 'int32');
      const dot = tf.sum(tf.mul(tf.gather(P, u), tf.gather(Q, i)), 1);
      return tf.add(tf.add(tf.add(dot, tf.gather(tf.tensor1d(d.bu), u)), tf.gather(tf.tensor1d(d.bi), i)), 2.5);
    });
    expectClose(got.dataSync(), want.dataSync() as Float32Array, 1e-5, 1e-6);
    const cold = mfPredict(vars, [-1, 99, 1], [3, 2, 100], 2.5).dataSync();
    expectClose(cold, [2.5 + d.bi[3]!, 2.5 + d.bi[2]!, 2.5 + d.bu[1]!], 1e-6, 1e-6);
    want.dispose();
    wm.dispose([got, ...Object.values(vars)]);
  });
});
