import { describe, expect, it } from 'vitest';
import { deriveSeed, Random, seedToInt } from '../src/index.js';

describe('Random (sfc32 through splitmix32): the one seeded generator', () => {
  it('keeps the streams of the generator that @wasmml/datasets had (so seeded results stay put)', () => {
    const r = new Random(42);
    expect([r.uint32(), r.uint32(), r.uint32()]).toEqual([1028872839, 2516511472, 400437680]);
    expect(new Random('seed-string').uint32()).toBe(2365715733);
  });

  it('same seed, same stream; string seeds hash; nearby seeds are unrelated', () => {
    const a = new Random(7),
      b = new Random(7),
      c = new Random(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(seedToInt('abc')).toBe(seedToInt('abc'));
    expect(() => seedToInt(Number.NaN)).toThrow(/seed must be a finite number/);
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, 1));
  });

  it('uniform, normal and permutation have the right moments and shape', () => {
    const r = new Random(3);
    const n = 20000;
    let s = 0,
      s2 = 0,
      u = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      u += r.next();
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    expect(Math.abs(u / n - 0.5)).toBeLessThan(0.01);
    expect([...r.permutation(10)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
