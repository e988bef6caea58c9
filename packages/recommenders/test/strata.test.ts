import { describe, expect, it } from 'vitest';
import { Random } from '@wasmml/datasets';
import { balancedGroups, Stratifier } from '@wasmml/recommenders';
import { rng } from '@wasmml/test-utils';

describe('balancedGroups', () => {
  it('keeps group loads within the largest single weight of each other', () => {
    const r = rng(2);
    const w = Float64Array.from({ length: 500 }, () => Math.floor(r() ** 4 * 300));
    const g = balancedGroups(w, 8);
    const load = new Float64Array(8);
    w.forEach((x, i) => (load[g[i]!]! += x));
    expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(Math.max(...w));
  });
});

describe('Stratifier', () => {
  const r = rng(5);
  const n = 4000,
    nu = 90,
    ni = 140;
  // Skewed ids, like real interaction data.
  const users = Int32Array.from({ length: n }, () => Math.floor(r() ** 2 * nu));
  const items = Int32Array.from({ length: n }, () => Math.floor(r() ** 3 * ni));

  for (const B of [1, 3, 8]) {
    it(`B=${B}: every sample once; the cells of a pass share no user and no item`, () => {
      const s = new Stratifier(users, items, nu, ni, B);
      const lay = s.layout(new Random(1));
      expect(lay.offsets.length).toBe(B * B + 1);
      expect(lay.offsets[B * B]).toBe(n);
      expect(Array.from(lay.order).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, k) => k));
      for (let pass = 0; pass < B; pass++) {
        const userCell = new Map<number, number>(),
          itemCell = new Map<number, number>();
        for (let b = 0; b < B; b++) {
          for (let p = lay.offsets[pass * B + b]!; p < lay.offsets[pass * B + b + 1]!; p++) {
            const k = lay.order[p]!;
            expect(userCell.get(users[k]!) ?? b).toBe(b);
            expect(itemCell.get(items[k]!) ?? b).toBe(b);
            userCell.set(users[k]!, b);
            itemCell.set(items[k]!, b);
          }
        }
      }
      // Every item belongs to exactly one group list, the one itemGroup names.
      const all = s.groupItems.flatMap((g) => Array.from(g)).sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: ni }, (_, i) => i));
      s.groupItems.forEach((g, gi) => g.forEach((i) => expect(s.itemGroup[i]).toBe(gi)));
    });
  }

  it('is seeded: the same generator state gives the same layout, another seed a different order', () => {
    const s = new Stratifier(users, items, nu, ni, 4);
    const a = s.layout(new Random(9)),
      b = s.layout(new Random(9)),
      c = s.layout(new Random(10));
    expect(a.order).toEqual(b.order);
    expect(a.offsets).toEqual(b.offsets);
    expect(a.order).not.toEqual(c.order);
  });
});
