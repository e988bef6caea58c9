import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { tf } from './harness.js';

describe('creation', () => {
  it('tensor infers shape and dtype like tfjs', () => {
    const cases: unknown[] = [
      5,
      [1, 2, 3],
      [
        [1, 2],
        [3, 4],
      ],
      [[[true, false]]],
      new Int32Array([1, 2]),
      new Float32Array([0.5]),
    ];
    for (const c of cases) {
      const a = wm.tensor(c as never),
        b = tf.tensor(c as never);
      expect(a.shape).toEqual(b.shape);
      expect(a.dtype).toEqual(b.dtype);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      a.dispose();
      b.dispose();
    }
  });

  it('tensor with explicit shape and dtype, and clear errors', () => {
    const t = wm.tensor([1.7, -2.7, 3], [3, 1], 'int32');
    expect(t.shape).toEqual([3, 1]);
    expect(Array.from(t.dataSync())).toEqual([1, -2, 3]);
    expect(() => wm.tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2,2\]/);
    expect(() => wm.tensor([[1, 2], [3]])).toThrow(/not rectangular/);
    expect(() => wm.tensor([1], [1], 'float64' as never)).toThrow(/unknown dtype/);
    t.dispose();
  });

  it('non-numeric values are an error naming tensor and what was given, not a 0 or NaN scalar', () => {
    const before = wm.memory().numTensors;
    expect(() => wm.tensor(null as never)).toThrow(/^tensor: values must be a number.*; got null$/);
    expect(() => wm.tensor(undefined as never)).toThrow(/^tensor: .*got undefined$/);
    expect(() => wm.tensor('3' as never)).toThrow(/^tensor: .*got a string \("3"\)$/);
    expect(() => wm.tensor({ a: 1 } as never)).toThrow(/^tensor: .*got an object \(Object\)$/);
    expect(() => wm.tensor(() => 1 as never)).toThrow(/^tensor: .*got a function$/);
    expect(() => wm.tensor1d(null as never)).toThrow(/^tensor1d: .*got null$/);
    expect(() => wm.tensor([1, null, 3] as never)).toThrow(/^tensor: element at depth 1 is null; expected a number or boolean/);
    expect(() => wm.tensor([[1], [undefined]] as never)).toThrow(/^tensor: element at depth 2 is undefined/);
    expect(wm.memory().numTensors).toBe(before);
  });

  it('zeros, ones, fill, eye, range, linspace, oneHot match tfjs', () => {
    const pairs: Array<[wm.Tensor, tf.Tensor]> = [
      [wm.zeros([2, 3]), tf.zeros([2, 3])],
      [wm.ones([4], 'int32'), tf.ones([4], 'int32')],
      [wm.fill([2, 2], 7), tf.fill([2, 2], 7)],
      [wm.eye(3, 4), tf.eye(3, 4)],
      [wm.eye(2, 2, [3]), tf.eye(2, 2, [3])],
      [wm.range(0, 10, 3), tf.range(0, 10, 3)],
      [wm.range(5, 0, -2, 'int32'), tf.range(5, 0, -2, 'int32')],
      [wm.linspace(0, 1, 5), tf.linspace(0, 1, 5)],
      [wm.oneHot(wm.tensor([0, 2, 5], undefined, 'int32'), 3), tf.oneHot(tf.tensor1d([0, 2, 5], 'int32'), 3)],
      [wm.zeros([0, 3]), tf.zeros([0, 3])],
    ];
    for (const [a, b] of pairs) {
      expect(a.shape).toEqual(b.shape);
      expect(a.dtype).toEqual(b.dtype);
      const av = Array.from(a.dataSync()),
        bv = Array.from(b.dataSync());
      expect(av.map((v) => Math.fround(v))).toEqual(bv.map((v) => Math.fround(v)));
      a.dispose();
      b.dispose();
    }
  });

  it('random ops are seeded and have the right moments', () => {
    const a = wm.randomNormal([10000], 2, 3, 'float32', 42),
      b = wm.randomNormal([10000], 2, 3, 'float32', 42);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const v = a.dataSync();
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    expect(mean).toBeCloseTo(2, 1);
    expect(sd).toBeCloseTo(3, 1);
    const t = wm.truncatedNormal([5000], 0, 1, 'float32', 1).dataSync();
    expect(Math.max(...t.map(Math.abs))).toBeLessThanOrEqual(2);
    const u = wm.randomUniform([5000], -1, 3, 'float32', 3).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(3);
    wm.setSeed(5);
    const s1 = wm.randomUniform([5]).dataSync();
    wm.setSeed(5);
    const s2 = wm.randomUniform([5]).dataSync();
    expect(Array.from(s1)).toEqual(Array.from(s2));
    wm.dispose([a, b]);
  });

  it('array, arraySync, data, toString', async () => {
    const t = wm.tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(t.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await t.array()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4]);
    expect(wm.scalar(3).arraySync()).toBe(3);
    expect(wm.tensor([true, false]).arraySync()).toEqual([true, false]);
    expect(t.toString()).toContain('[[1, 2],');
    expect(t.rank).toBe(2);
    expect(t.size).toBe(4);
    t.dispose();
  });
});

describe('memory', () => {
  it('tidy frees intermediates and keeps results', () => {
    const before = wm.memory().numTensors;
    const kept = wm.tidy(() => {
      const a = wm.ones([10]);
      const b = a.add(1).mul(2);
      wm.keep(wm.zeros([2]));
      return { b, list: [a.sum()] };
    });
    expect(wm.memory().numTensors).toBe(before + 3);
    expect(Array.from(kept.b.dataSync())).toEqual(new Array(10).fill(4));
    wm.dispose(kept);
    expect(wm.memory().numTensors).toBe(before + 1);
  });

  it('using a disposed tensor throws a clear error', () => {
    const a = wm.tensor([1, 2]);
    a.dispose();
    expect(a.isDisposed).toBe(true);
    expect(() => a.dataSync()).toThrow(/is disposed/);
    expect(() => wm.add(a, 1)).toThrow(/add.*disposed|disposed/);
    a.dispose();
  });

  it('reshape shares buffers; bytes are counted once and freed with the last user', () => {
    const m0 = wm.memory();
    const a = wm.zeros([4, 4]);
    const b = a.reshape([16]);
    expect(wm.memory().numBytes - m0.numBytes).toBe(64);
    expect(wm.memory().numDataBuffers - m0.numDataBuffers).toBe(1);
    a.dispose();
    expect(b.dataSync().length).toBe(16);
    b.dispose();
    expect(wm.memory().numBytes).toBe(m0.numBytes);
  });

  it('variables: assign, names, not freed by tidy', () => {
    const v = wm.variable(wm.tensor([1, 2, 3]), true, 'v_test');
    wm.tidy(() => {
      v.assign(wm.tensor([4, 5, 6]));
    });
    expect(Array.from(v.dataSync())).toEqual([4, 5, 6]);
    expect(() => v.assign(wm.tensor([1, 2]))).toThrow(/shape \[3\]/);
    expect(() => wm.variable([1], true, 'v_test')).toThrow(/already exists/);
    v.dispose();
  });
});

describe('rank-checked constructors', () => {
  it('tensor1d(values, dtype) and tensor2d(values, shape, dtype) follow tfjs', () => {
    const a = wm.tensor1d([1, 2, 3], 'int32');
    expect(a.dtype).toBe('int32');
    const b = wm.tensor2d([1, 2, 3, 4], [2, 2], 'float32');
    expect(b.shape).toEqual([2, 2]);
    expect(() => wm.tensor2d([1, 2, 3])).toThrow(/rank 1/);
    wm.dispose([a, b]);
  });
});
