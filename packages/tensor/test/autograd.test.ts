import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { compareOp, tf } from './harness.js';

describe('arithmetic and matMul vs tfjs (values and gradients)', () => {
  const shapes: Array<[number[], number[]]> = [
    [[3], [3]],
    [[2, 3], [3]],
    [
      [2, 1],
      [1, 5],
    ],
    [[], [4, 5]],
    [
      [4, 1, 3],
      [2, 1],
    ],
    [[0, 3], [3]],
    [
      [2, 3, 1, 4, 5],
      [3, 1, 1, 5],
    ],
  ];
  for (const [sa, sb] of shapes) {
    it(`add/sub/mul/div ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, () => {
      compareOp('add', wm.add, tf.add, [{ shape: sa }, { shape: sb }]);
      compareOp('sub', wm.sub, tf.sub, [{ shape: sa }, { shape: sb }]);
      compareOp('mul', wm.mul, tf.mul, [{ shape: sa }, { shape: sb }]);
      compareOp('div', wm.div, tf.div, [{ shape: sa }, { shape: sb, range: [0.5, 2] }]);
    });
  }

  it('int32 arithmetic keeps int32', () => {
    compareOp('add', wm.add, tf.add, [
      { shape: [5], dtype: 'int32' },
      { shape: [5], dtype: 'int32' },
    ]);
    compareOp('mul', wm.mul, tf.mul, [
      { shape: [2, 3], dtype: 'int32' },
      { shape: [3], dtype: 'int32' },
    ]);
  });

  const mm: Array<[number[], number[], boolean, boolean]> = [
    [[3, 4], [4, 5], false, false],
    [[4, 3], [4, 5], true, false],
    [[3, 4], [5, 4], false, true],
    [[4, 3], [5, 4], true, true],
    [[2, 3, 4], [2, 4, 5], false, false],
    [[2, 3, 4], [4, 5], false, false],
    [[4, 5], [3, 5, 6], false, false],
    [[1, 7], [7, 1], false, false],
    [[33, 65], [65, 17], false, false],
  ];
  for (const [sa, sb, tA, tB] of mm) {
    it(`matMul ${JSON.stringify(sa)} x ${JSON.stringify(sb)} tA=${tA} tB=${tB}`, () => {
      // tfjs's own gradient fails on broadcast batches (shape mismatch); those are checked below.
      const grad = sa.length === sb.length;
      compareOp(
        'matMul',
        (a, b) => wm.matMul(a!, b!, tA, tB),
        (a, b) => tf.matMul(a!, b!, tA, tB),
        [{ shape: sa }, { shape: sb }],
        { grad },
      );
    });
  }

  it('matMul gradient over a broadcast batch sums over the batch', () => {
    // d/dB sum(A_b · B) = sum_b A_bᵀ · 1, checked against explicit per-batch products.
    const a = wm.randomNormal([3, 2, 4], 0, 1, 'float32', 1),
      b = wm.randomNormal([4, 5], 0, 1, 'float32', 2);
    const [, gb] = wm.grads((x, y) => wm.matMul(x!, y!).sum())([a, b]);
    const ta = tf.tensor(Array.from(a.dataSync()), [3, 2, 4]);
    const want = tf.tidy(() => tf.sum(tf.matMul(ta, tf.ones([3, 2, 5]), true, false), 0).dataSync());
    expect(Array.from(gb!.dataSync()).map((v) => Math.round(v * 1e4))).toEqual(Array.from(want).map((v) => Math.round(v * 1e4)));
    wm.dispose([a, b, gb!]);
    ta.dispose();
  });

  it('matMul shape errors name op, shapes and dtypes and leave inputs intact', () => {
    const a = wm.ones([2, 3]),
      b = wm.ones([4, 5]);
    expect(() => wm.matMul(a, b)).toThrow(/matMul: inner dimensions do not match: a \[2,3\] \(float32\), b \[4,5\] \(float32\)/);
    expect(a.isDisposed || b.isDisposed).toBe(false);
    expect(Array.from(a.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    wm.dispose([a, b]);
  });

  it('sum and reshape gradients', () => {
    compareOp(
      'sum',
      (x) => wm.sum(x!, 1),
      (x) => tf.sum(x!, 1),
      [{ shape: [3, 4, 5] }],
    );
    compareOp(
      'sum all',
      (x) => wm.sum(x!),
      (x) => tf.sum(x!),
      [{ shape: [3, 4] }],
    );
    compareOp(
      'sum keepDims',
      (x) => wm.sum(x!, [0, 2], true),
      (x) => tf.sum(x!, [0, 2], true),
      [{ shape: [3, 4, 5] }],
    );
    compareOp(
      'reshape',
      (x) => wm.reshape(x!, [4, -1]).mul(2),
      (x) => tf.mul(tf.reshape(x!, [4, -1]), 2),
      [{ shape: [2, 6] }],
    );
  });
});

describe('gradient API', () => {
  it('grad, valueAndGrad, grads, valueAndGrads', () => {
    const f = (x: wm.Tensor) => x.mul(x).sum();
    const g = wm.grad(f)(wm.tensor([1, 2, 3]));
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
    const { value, grad } = wm.valueAndGrad(f)(wm.tensor([3]));
    expect(value.dataSync()[0]).toBe(9);
    expect(grad.dataSync()[0]).toBe(6);
    const [ga, gb] = wm.grads((a, b) => a!.mul(b!))([wm.tensor([2]), wm.tensor([5])]);
    expect([ga!.dataSync()[0], gb!.dataSync()[0]]).toEqual([5, 2]);
    const vg = wm.valueAndGrads((a, b) => a!.add(b!).sum())(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
    );
    expect(vg.value.dataSync()[0]).toBe(10);
    wm.dispose([g, value, grad, ga!, gb!, vg.value, vg.grads]);
  });

  it('unconnected input throws a tfjs-like error', () => {
    const x = wm.tensor([1]),
      y = wm.tensor([2]);
    expect(() => wm.grads((_a) => y.mul(2))([x])).toThrow(/cannot compute the gradient/);
    wm.dispose([x, y]);
  });

  it('variableGrads and customGrad', () => {
    const w = wm.variable(wm.tensor([1, 2]), true, 'vg_w');
    const frozen = wm.variable(wm.tensor([3]), false, 'vg_frozen');
    const { value, grads } = wm.variableGrads(() => w.mul(w).sum().mul(frozen).sum());
    expect(value.dataSync()[0]).toBe(15);
    expect(Object.keys(grads)).toEqual(['vg_w']);
    expect(Array.from(grads.vg_w!.dataSync())).toEqual([6, 12]);
    const square = wm.customGrad((x, save) => {
      (save as wm.SaveFunc)([x as wm.Tensor]);
      return { value: (x as wm.Tensor).mul(x as wm.Tensor), gradFunc: (dy, [s]) => dy.mul(s!).mul(10) };
    });
    const cg = wm.grad((x) => square(x).sum())(wm.tensor([1, 2]));
    expect(Array.from(cg.dataSync())).toEqual([10, 20]);
    wm.dispose([w, frozen, value, cg]);
    wm.dispose(grads);
  });

  it('10,000 gradient steps keep memory flat', () => {
    const w = wm.variable(wm.randomNormal([8, 4], 0, 1, 'float32', 2), true, 'flat10k');
    const x = wm.randomNormal([16, 8], 0, 1, 'float32', 3);
    const step = () =>
      wm.tidy(() => {
        const { value, grads } = wm.variableGrads(() => x.matMul(w).relu().square().mean(), [w]);
        w.assign(w.sub(grads.flat10k!.mul(0.01)));
        return value.dataSync()[0]!;
      });
    const first = step();
    const before = wm.memory();
    let last = first;
    for (let i = 0; i < 10_000; i++) last = step();
    const after = wm.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.arena.bytesInUse).toBe(before.arena.bytesInUse);
    expect(last).toBeLessThan(first);
    wm.dispose([w, x]);
  });

  it('a 10-10-1 MLP trained by hand with valueAndGrads: MSE falls 100-fold', () => {
    wm.setSeed(1);
    const x = wm.randomUniform([64, 10], -1, 1);
    const trueW = wm.randomNormal([10, 1]);
    const y = x.matMul(trueW);
    let w1 = wm.randomNormal([10, 10], 0, 0.5),
      b1 = wm.zeros([10]),
      w2 = wm.randomNormal([10, 1], 0, 0.5),
      b2 = wm.zeros([1]);
    const loss = (a: wm.Tensor, b: wm.Tensor, c: wm.Tensor, d: wm.Tensor) => {
      const h = x.matMul(a).add(b);
      const diff = h.relu().matMul(c).add(d).sub(y);
      return diff.mul(diff).sum().div(64);
    };
    const before = wm.memory().numTensors;
    let first = 0,
      last = 0;
    for (let step = 0; step < 300; step++) {
      const { value, grads } = wm.valueAndGrads(loss)([w1, b1, w2, b2]);
      const l = value.dataSync()[0]!;
      if (step === 0) first = l;
      last = l;
      const next = wm.tidy(() => [w1, b1, w2, b2].map((p, i) => p.sub(grads[i]!.mul(0.1))));
      wm.dispose([w1, b1, w2, b2, value, grads]);
      [w1, b1, w2, b2] = next as [wm.Tensor, wm.Tensor, wm.Tensor, wm.Tensor];
    }
    expect(wm.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first / 100);
    wm.dispose([x, trueW, y, w1, b1, w2, b2]);
  });
});

describe('tidy inside a gradient function', () => {
  it('keeps what the backward pass needs (tfjs-layers losses and regularizers use tidy) and frees it afterwards', () => {
    const x = wm.variable(wm.tensor([1, 2, 3]), true, 'tidy_in_grad_x');
    const before = wm.memory().numTensors;
    const { value, grads } = wm.variableGrads(() => wm.tidy(() => wm.sum(x.mul(x)).mul(0.5)), [x]);
    expect(Array.from(grads.tidy_in_grad_x!.dataSync())).toEqual([1, 2, 3]);
    expect(value.dataSync()[0]).toBe(7);
    wm.dispose([value, grads.tidy_in_grad_x!]);
    expect(wm.memory().numTensors).toBe(before);
    x.dispose();
  });
});
