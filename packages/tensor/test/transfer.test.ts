// Host <-> arena copies: each one native copy, counted by transferStats(), and
// none where the data never needs to leave the arena.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { tf } from './harness.js';

await wm.ready();

/** What `fn` copied between JavaScript and the arena. */
function copies<T>(fn: () => T): { up: number; down: number; uploads: number; readbacks: number; result: T } {
  const a = wm.transferStats();
  const result = fn();
  const b = wm.transferStats();
  return {
    up: b.bytesUploaded - a.bytesUploaded,
    down: b.bytesReadBack - a.bytesReadBack,
    uploads: b.uploads - a.uploads,
    readbacks: b.readbacks - a.readbacks,
    result,
  };
}

describe('host transfers', () => {
  it('tensor() uploads its bytes once and dataSync() reads them back once, into unshared memory', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => i * 0.25 - 7);
    const made = copies(() => wm.tensor(values, [10, 100]));
    expect([made.up, made.uploads, made.down]).toEqual([4000, 1, 0]);
    const read = copies(() => made.result.dataSync());
    expect([read.down, read.readbacks, read.up]).toEqual([4000, 1, 0]);
    expect(read.result).toBeInstanceOf(Float32Array);
    expect(read.result.buffer).toBeInstanceOf(ArrayBuffer); // a copy, not a view of the shared memory
    expect(read.result).toEqual(values);
    // The copy does not change when the tensor's memory is reused.
    made.result.dispose();
    const other = wm.fill([1000], 3);
    expect(read.result[1]).toBe(-6.75);
    other.dispose();
  });

  it('every creation path converts like tfjs in one copy', () => {
    const cases: Array<[unknown, number[] | undefined, 'float32' | 'int32' | 'bool' | undefined]> = [
      [new Float32Array([1.7, -2.7, 3e9, Number.NaN, 0.5]), undefined, 'int32'],
      [new Int32Array([1, -2, 2 ** 30, 7]), undefined, 'float32'],
      [new Uint8Array([0, 1, 255]), undefined, undefined],
      [[1.9, -1.9, 4], [3], 'int32'],
      [[true, false, true], undefined, undefined],
      [[true, false, true], undefined, 'float32'],
      [[2, 0, -1, 0.5], undefined, 'bool'],
      [new Float32Array([2, 0, -1, 0.5]), undefined, 'bool'],
      [
        [
          [1, 2],
          [3, 4],
        ],
        undefined,
        'int32',
      ],
    ];
    for (const [values, shape, dtype] of cases) {
      const c = copies(() => wm.tensor(values as never, shape, dtype));
      const t = c.result;
      const ref = tf.tensor(values as never, shape, dtype);
      expect(t.dtype).toBe(ref.dtype);
      expect(t.shape).toEqual(ref.shape);
      expect(Array.from(t.dataSync())).toEqual(Array.from(ref.dataSync()));
      expect(c.uploads).toBe(1);
      expect(c.up).toBe(t.size * (t.dtype === 'bool' ? 1 : 4));
      expect(c.down).toBe(0);
      t.dispose();
      ref.dispose();
    }
    // A single value with a shape fills it (tfjs would throw): still one copy.
    const c = copies(() => wm.tensor(7, [2, 3], 'int32'));
    expect([c.uploads, c.up]).toEqual([1, 24]);
    expect(Array.from(c.result.dataSync())).toEqual([7, 7, 7, 7, 7, 7]);
    c.result.dispose();
  });

  it('data(), array() and arraySync() copy once and agree with dataSync()', async () => {
    const t = wm.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const a = copies(() => t.data());
    expect([a.down, a.readbacks]).toEqual([24, 1]); // the copy is made at the call, not later
    expect(Array.from(await a.result)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await t.array()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = wm.tensor([[true], [false]]);
    expect(b.arraySync()).toEqual([[true], [false]]);
    expect(wm.scalar(true).arraySync()).toBe(true);
    t.dispose();
    await expect(t.data()).rejects.toThrow(/data|dataSync.*disposed/);
    b.dispose();
  });

  it('variables, assign, clones and in-place updates copy inside the arena, never through JavaScript', () => {
    const init = wm.tensor([1, 2, 3, 4]),
      next = wm.tensor([5, 6, 7, 8]),
      grad = wm.ones([4]);
    const c = copies(() => {
      const v = wm.variable(init);
      v.assign(next);
      const alias = v.clone();
      wm.fusedOptimizerStep({ type: 'sgd', learningRate: 1 }, [v], [grad], [[]]);
      return { v, alias };
    });
    expect([c.up, c.down]).toEqual([0, 0]);
    expect(Array.from(c.result.v.dataSync())).toEqual([4, 5, 6, 7]);
    expect(Array.from(c.result.alias.dataSync())).toEqual([5, 6, 7, 8]);
    wm.dispose([init, next, grad, c.result.v, c.result.alias]);
  });

  it('oneHot compares in the arena: the indices are not read back', () => {
    const ids = wm.tensor([0, 2, 5, -1, 1], undefined, 'int32');
    for (const [on, off, dtype] of [
      [1, 0, 'int32'],
      [1, 0, 'float32'],
      [5, -2, 'float32'],
      [1, 0, 'bool'],
    ] as const) {
      const c = copies(() => wm.oneHot(ids, 3, on, off, dtype));
      expect(c.down).toBe(0);
      expect(c.up).toBeLessThanOrEqual(3 * 4 + 2 * 4); // the class numbers, and on/off when not 1/0
      const ref = tf.oneHot(tf.tensor1d([0, 2, 5, -1, 1], 'int32'), 3, on, off, dtype);
      expect(c.result.dtype).toBe(ref.dtype);
      expect(Array.from(c.result.dataSync())).toEqual(Array.from(ref.dataSync()));
      c.result.dispose();
      ref.dispose();
    }
    ids.dispose();
  });

  it('kernel scratch blocks count their writes and reads', () => {
    const c = copies(() => {
      const s = wm.kernelScratch(Int32Array.of(1, 2, 3));
      const back = s.read('int32');
      s.dispose();
      return back;
    });
    expect(Array.from(c.result)).toEqual([1, 2, 3]);
    expect([c.up, c.down]).toEqual([12, 12]);
  });
});
