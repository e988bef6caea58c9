import { describe, expect, it } from 'vitest';
import { tensor } from '@wasmml/tensor';
import { coreFilter, IdMap, leaveOneOut, randomSplit, temporalSplit, toInteractions, UserItems } from '@wasmml/recommenders';
import { rng } from '@wasmml/test-utils';

function table(n: number, nu: number, ni: number, seed: number) {
  const r = rng(seed);
  return {
    users: Int32Array.from({ length: n }, () => Math.floor(r() * nu)),
    items: Int32Array.from({ length: n }, () => Math.floor(r() * ni)),
    ratings: Float32Array.from({ length: n }, () => 1 + Math.floor(r() * 5)),
    timestamps: Float64Array.from({ length: n }, () => Math.floor(r() * 1000)),
  };
}

const rowsOf = (d: { users: Int32Array; items: Int32Array; timestamps?: Float64Array }) =>
  Array.from(d.users, (u, k) => `${u}:${d.items[k]}:${d.timestamps?.[k] ?? ''}`).sort();

describe('IdMap', () => {
  it('maps ids to dense indices and back, -1 for unknown ids', () => {
    const { map, indices } = IdMap.fromColumn(['b', 'a', 'b', 'c', 'a']);
    expect(Array.from(indices)).toEqual([0, 1, 0, 2, 1]);
    expect(map.size).toBe(3);
    expect(map.indexOf('c')).toBe(2);
    expect(map.indexOf('zz')).toBe(-1);
    expect(map.idOf(1)).toBe('a');
    expect(map.idOf(3)).toBeUndefined();
    expect(Array.from(map.indicesOf(['a', 'q', 'b']))).toEqual([1, -1, 0]);
    expect(() => new IdMap([1, 2, 1])).toThrow(/id 1 appears at indices 0 and 2/);
  });
});

describe('toInteractions', () => {
  it('accepts typed arrays, plain arrays and tensors, and names the bad entry', () => {
    const u = tensor([0, 1, 2], [3], 'int32');
    const d = toInteractions({ users: u, items: [2, 1, 0], ratings: new Float32Array([1, 2, 3]) }, 'test', 3, 3);
    expect(Array.from(d.users)).toEqual([0, 1, 2]);
    expect(Array.from(d.items)).toEqual([2, 1, 0]);
    expect(() => toInteractions({ users: [0, 1], items: [0] }, 'op')).toThrow(/op: users has 2 entries but items has 1/);
    expect(() => toInteractions({ users: [0, 5], items: [0, 1] }, 'op', 5)).toThrow(/op: users\[1\] = 5 is not an index in \[0, 5\)/);
    expect(() => toInteractions({ users: [0, 1.5], items: [0, 1] }, 'op')).toThrow(/users\[1\] = 1.5/);
    expect(() => toInteractions({ users: [0], items: [0], ratings: [Number.NaN] }, 'op')).toThrow(/ratings\[0\] = NaN is not finite/);
    u.dispose();
  });
});

describe('UserItems', () => {
  it("holds each user's distinct sorted items and answers membership", () => {
    const s = new UserItems(Int32Array.from([2, 0, 2, 2, 0]), Int32Array.from([5, 3, 1, 5, 9]), 4);
    expect(Array.from(s.of(2))).toEqual([1, 5]);
    expect(Array.from(s.of(0))).toEqual([3, 9]);
    expect(s.count(1)).toBe(0);
    expect(s.has(2, 5)).toBe(true);
    expect(s.has(2, 3)).toBe(false);
    expect(s.has(7, 5)).toBe(false);
    const r = rng(3);
    const users = Int32Array.from({ length: 2000 }, () => Math.floor(r() * 30));
    const items = Int32Array.from({ length: 2000 }, () => Math.floor(r() * 200));
    const big = new UserItems(users, items, 30);
    const sets = Array.from({ length: 30 }, () => new Set<number>());
    users.forEach((u, k) => sets[u]!.add(items[k]!));
    for (let u = 0; u < 30; u++) for (let i = 0; i < 200; i++) expect(big.has(u, i)).toBe(sets[u]!.has(i));
  });
});

describe('splits', () => {
  const data = table(3000, 40, 100, 1);

  it('randomSplit: a seeded partition with floor(n * testFraction) test rows', () => {
    const a = randomSplit(data, { testFraction: 0.25, seed: 7 }),
      b = randomSplit(data, { testFraction: 0.25, seed: 7 });
    expect(a.test.count).toBe(750);
    expect(a.train.count).toBe(2250);
    expect(rowsOf(a.test)).toEqual(rowsOf(b.test));
    expect([...rowsOf(a.train), ...rowsOf(a.test)].sort()).toEqual(rowsOf(data as never));
    expect(rowsOf(randomSplit(data, { testFraction: 0.25, seed: 8 }).test)).not.toEqual(rowsOf(a.test));
    expect(() => randomSplit(data, { testFraction: 1.5 })).toThrow(/testFraction = 1.5/);
  });

  it("leaveOneOut by time: each user's latest interaction (later row on ties) is the test row", () => {
    const s = leaveOneOut(data);
    const users = new Set(data.users);
    expect(s.test.count).toBe(users.size);
    for (let k = 0; k < s.test.count; k++) {
      const u = s.test.users[k]!;
      let best = -1;
      data.users.forEach((uu, r) => {
        if (uu === u && (best < 0 || data.timestamps[r]! >= data.timestamps[best]!)) best = r;
      });
      expect(s.test.items[k]).toBe(data.items[best]);
      expect(s.test.timestamps![k]).toBe(data.timestamps[best]);
    }
    expect(s.train.count + s.test.count).toBe(data.users.length);
  });

  it('leaveOneOut at random is seeded and keeps users with too few interactions whole', () => {
    const small = { users: [0, 0, 1, 2, 2, 2], items: [1, 2, 3, 4, 5, 6] };
    const a = leaveOneOut(small, { by: 'random', seed: 3 }),
      b = leaveOneOut(small, { by: 'random', seed: 3 });
    expect(Array.from(a.test.users).sort()).toEqual([0, 2]);
    expect(Array.from(a.test.items)).toEqual(Array.from(b.test.items));
    expect(Array.from(a.train.users)).toContain(1);
    expect(() => leaveOneOut(small, { by: 'time' })).toThrow(/needs timestamps/);
  });

  it('temporalSplit: a global cut after the latest times, or per user', () => {
    const g = temporalSplit(data, { testFraction: 0.1 });
    expect(g.test.count).toBe(300);
    expect(Math.min(...g.test.timestamps!)).toBeGreaterThanOrEqual(Math.max(...g.train.timestamps!));
    const p = temporalSplit(data, { testFraction: 0.2, perUser: true });
    for (const u of new Set(data.users)) {
      const tr = Array.from(p.train.timestamps!).filter((_, k) => p.train.users[k] === u);
      const te = Array.from(p.test.timestamps!).filter((_, k) => p.test.users[k] === u);
      expect(te.length).toBe(Math.floor((tr.length + te.length) * 0.2));
      if (te.length && tr.length) expect(Math.min(...te)).toBeGreaterThanOrEqual(Math.max(...tr));
    }
  });

  it('coreFilter: iterates to the k-core and renumbers densely', () => {
    // user 3 has one item; item 9 is held by one user; after dropping them, item 4 falls below 2.
    const d = { users: [0, 0, 1, 1, 2, 2, 3, 0, 1], items: [1, 2, 1, 2, 1, 9, 4, 4, 5] };
    const f = coreFilter(d, { minUserInteractions: 2, minItemInteractions: 2 });
    expect(Array.from(f.userIndex)).toEqual([0, 1]);
    expect(Array.from(f.itemIndex)).toEqual([1, 2]);
    expect(f.interactions.count).toBe(4);
    expect(Array.from(f.interactions.items).every((i) => i < 2)).toBe(true);
  });
});
