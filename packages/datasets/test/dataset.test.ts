import { describe, expect, it } from 'vitest';
import { Tensor } from '@wasmml/tensor';
import { Dataset, fromArrays, fromGenerator, shaped, zip } from '@wasmml/datasets';
import { take } from './helpers.js';

const range = (n: number) => fromArrays(Array.from({ length: n }, (_, i) => i));

describe('Dataset basics', () => {
  it('fromArrays, map, filter, take, skip, toArray and sizes', async () => {
    const ds = range(10);
    expect(ds.size).toBe(10);
    expect(await ds.map((x) => x * 2).toArray()).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(await ds.filter((x) => x % 3 === 0).toArray()).toEqual([0, 3, 6, 9]);
    expect(ds.filter(() => true).size).toBeNull();
    expect(await ds.take(3).toArray()).toEqual([0, 1, 2]);
    expect(ds.take(3).size).toBe(3);
    expect(await ds.skip(7).toArray()).toEqual([7, 8, 9]);
    expect(ds.skip(12).size).toBe(0);
    expect(
      await ds
        .map(async (x) => x + 1)
        .take(2)
        .toArray(),
    ).toEqual([1, 2]);
  });

  it('re-iterates from the start each time and supports for await', async () => {
    const ds = range(3);
    const seen: number[] = [];
    for await (const x of ds) seen.push(x);
    for await (const x of ds) seen.push(x);
    expect(seen).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('take stops pulling from the source', async () => {
    let pulled = 0;
    const ds = fromGenerator(function* () {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    });
    expect(await ds.take(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(pulled).toBe(5);
  });

  it('repeat, concatenate, zip', async () => {
    expect(await range(3).repeat(2).toArray()).toEqual([0, 1, 2, 0, 1, 2]);
    expect(range(3).repeat(2).size).toBe(6);
    expect(range(3).repeat().size).toBe(Infinity);
    expect(await range(3).repeat().take(7).toArray()).toEqual([0, 1, 2, 0, 1, 2, 0]);
    await expect(range(3).repeat().toArray()).rejects.toThrow(/endless/);
    expect(await range(0).repeat().toArray()).toEqual([]);
    expect(
      await fromArrays<number>([])
        .filter(() => true)
        .repeat()
        .take(3)
        .toArray(),
    ).toEqual([]);
    expect(await range(2).concatenate(range(3)).toArray()).toEqual([0, 1, 0, 1, 2]);
    expect(await zip({ a: range(3), b: range(5).map((x) => x * 10) }).toArray()).toEqual([
      { a: 0, b: 0 },
      { a: 1, b: 10 },
      { a: 2, b: 20 },
    ]);
    expect(await zip([range(2), range(2).map(String)]).toArray()).toEqual([
      [0, '0'],
      [1, '1'],
    ]);
  });

  it('fromGenerator accepts sync and async generators and is re-invoked per iteration', async () => {
    let calls = 0;
    const ds = fromGenerator(async function* () {
      calls++;
      yield 'a';
      yield 'b';
    });
    expect(await ds.toArray()).toEqual(['a', 'b']);
    expect(await ds.toArray()).toEqual(['a', 'b']);
    expect(calls).toBe(2);
    expect(await fromGenerator(() => [1, 2, 3]).toArray()).toEqual([1, 2, 3]);
  });

  it('fromArrays with columns slices Shaped columns without copying', async () => {
    const images = new Float32Array(3 * 2 * 2).map((_, i) => i);
    const ds = fromArrays({ xs: shaped(images, [3, 2, 2]), ys: new Uint8Array([5, 6, 7]) });
    const els = await ds.toArray();
    expect(els.length).toBe(3);
    expect(els[1]!.ys).toBe(6);
    expect(els[1]!.xs.shape).toEqual([2, 2]);
    expect(Array.from(els[1]!.xs.data)).toEqual([4, 5, 6, 7]);
    expect(els[1]!.xs.data.buffer).toBe(images.buffer);
    expect(() => fromArrays({ a: [1, 2], b: [1] })).toThrow(/column "b" has 1 elements but column "a" has 2/);
  });

  it('prefetch keeps order and values, and surfaces errors', async () => {
    const ds = range(20).map(async (x) => {
      await new Promise((r) => setTimeout(r, x % 3));
      return x;
    });
    expect(await ds.prefetch(4).toArray()).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const bad = range(5)
      .map((x) => {
        if (x === 3) throw new Error('boom at 3');
        return x;
      })
      .prefetch(8);
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const x of bad) got.push(x);
      })(),
    ).rejects.toThrow('boom at 3');
    expect(got).toEqual([0, 1, 2]);
  });
});

describe('shuffle', () => {
  it('is a permutation, reproducible for a seed, different across epochs and seeds', async () => {
    const ds = range(100).shuffle(100, { seed: 42 });
    const a = await ds.toArray();
    const b = await ds.toArray();
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(b); // reshuffled each iteration
    const again = range(100).shuffle(100, { seed: 42 });
    expect(await again.toArray()).toEqual(a);
    expect(await again.toArray()).toEqual(b);
    expect(await range(100).shuffle(100, { seed: 43 }).toArray()).not.toEqual(a);
    const fixed = range(100).shuffle(100, { seed: 7, reshuffleEachIteration: false });
    expect(await fixed.toArray()).toEqual(await fixed.toArray());
    expect(await range(100).shuffle(100, 'seed-string').toArray()).toEqual(
      await range(100).shuffle(100, { seed: 'seed-string' }).toArray(),
    );
  });

  it('a small buffer only moves elements locally; a full buffer mixes uniformly', async () => {
    const local = await range(1000).shuffle(10, { seed: 1 }).toArray();
    local.forEach((v, i) => expect(v).toBeLessThanOrEqual(i + 10));
    // Position of element 0 over many epochs should spread over the whole range.
    const ds = range(50).shuffle(50, { seed: 3 });
    const positions: number[] = [];
    for (let e = 0; e < 200; e++) positions.push((await ds.toArray()).indexOf(0));
    const mean = positions.reduce((a, b) => a + b, 0) / positions.length;
    expect(mean).toBeGreaterThan(24.5 - 5);
    expect(mean).toBeLessThan(24.5 + 5);
  });
});

describe('split', () => {
  it('exact, disjoint, covering, seeded parts for a known size', async () => {
    const [train, test] = range(103).split([0.8, 0.2], { seed: 5 });
    const a = await train!.toArray();
    const b = await test!.toArray();
    expect(train!.size).toBe(82);
    expect(a.length).toBe(82);
    expect(b.length).toBe(21);
    expect(new Set([...a, ...b]).size).toBe(103);
    expect(await range(103).split([0.8, 0.2], { seed: 5 })[1]!.toArray()).toEqual(b);
    expect(await range(103).split([0.8, 0.2], { seed: 6 })[1]!.toArray()).not.toEqual(b);
    const three = range(10).split([0.5, 0.3, 0.2]);
    expect(await Promise.all(three.map((d) => d.toArray().then((x) => x.length)))).toEqual([5, 3, 2]);
  });

  it('assigns by position when the size is unknown', async () => {
    const src = range(2000).filter(() => true);
    const [a, b] = src.split([0.75, 0.25], { seed: 1 });
    const xa = await a!.toArray();
    const xb = await b!.toArray();
    expect(xa.length + xb.length).toBe(2000);
    expect(new Set([...xa, ...xb]).size).toBe(2000);
    expect(xb.length).toBeGreaterThan(400);
    expect(xb.length).toBeLessThan(600);
    expect(() => range(3).split([0.5, 0.6])).toThrow(/summing to 1/);
  });
});

describe('batch', () => {
  it('stacks numbers, typed arrays, Shaped arrays, nested arrays and objects into tensors', async () => {
    const els = Array.from({ length: 5 }, (_, i) => ({
      xs: shaped(new Float32Array([i, i + 0.5, i + 1, i + 1.5]), [2, 2, 1]),
      ys: i,
      ids: new Int32Array([i, -i]),
      flag: i % 2 === 0,
      pair: [
        [i, 1],
        [2, 3],
      ],
      name: `n${i}`,
    }));
    const batches = await fromArrays(els).batch(2).toArray();
    expect(batches.length).toBe(3);
    const b = batches[0]!;
    expect(b.xs).toBeInstanceOf(Tensor);
    expect(take(b.xs)).toEqual({ values: [0, 0.5, 1, 1.5, 1, 1.5, 2, 2.5], shape: [2, 2, 2, 1], dtype: 'float32' });
    expect(take(b.ys)).toEqual({ values: [0, 1], shape: [2], dtype: 'float32' });
    expect(take(b.ids)).toEqual({ values: [0, 0, 1, -1], shape: [2, 2], dtype: 'int32' });
    expect(take(b.flag)).toEqual({ values: [1, 0], shape: [2], dtype: 'bool' });
    expect(take(b.pair)).toEqual({ values: [0, 1, 2, 3, 1, 1, 2, 3], shape: [2, 2, 2], dtype: 'float32' });
    expect(b.name).toEqual(['n0', 'n1']);
    const last = batches[2]!;
    expect(take(last.ys)).toEqual({ values: [4], shape: [1], dtype: 'float32' });
    for (const x of batches.slice(1)) for (const k of ['xs', 'ids', 'flag', 'pair'] as const) (x[k] as Tensor).dispose();
    expect(fromArrays(els).batch(2, false).size).toBe(2);
    expect(
      (
        await fromArrays(els)
          .map((e) => e.ys)
          .batch(2, false)
          .toArray()
      ).length,
    ).toBe(2);
  });

  it('stacks array elements holding typed arrays as tuples, and number arrays as one tensor (as tfjs)', async () => {
    const tuple = await fromArrays([
      [new Float32Array([1, 2]), 3],
      [new Float32Array([4, 5]), 6],
    ])
      .batch(2)
      .toArray();
    const [xs, ys] = tuple[0] as unknown as [Tensor, Tensor];
    expect(take(xs)).toEqual({ values: [1, 2, 4, 5], shape: [2, 2], dtype: 'float32' });
    expect(take(ys)).toEqual({ values: [3, 6], shape: [2], dtype: 'float32' });
    const vec = await fromArrays([
      [1, 2, 3],
      [4, 5, 6],
    ])
      .batch(2)
      .toArray();
    expect(take(vec[0])).toEqual({ values: [1, 2, 3, 4, 5, 6], shape: [2, 3], dtype: 'float32' });
  });

  it('names the element and member when elements do not match', async () => {
    const ds = fromArrays([{ xs: new Float32Array(3) }, { xs: new Float32Array(4) }]).batch(2);
    await expect(ds.toArray()).rejects.toThrow(/element 1 at xs: expected 3 values like element 0, found 4/);
    await expect(
      fromArrays([{ a: 1 }, { b: 1 }])
        .batch(2)
        .toArray(),
    ).rejects.toThrow(/missing key "a"/);
    expect(() => range(3).batch(0)).toThrow(/positive integer/);
  });

  it('yields {xs, ys} batches ready for fitDataset', async () => {
    const ds = fromArrays({ xs: shaped(new Float32Array(6 * 4), [6, 4]), ys: new Float32Array(6).fill(1) }).batch(4);
    const shapes: number[][] = [];
    for await (const { xs, ys } of ds) {
      shapes.push(take(xs).shape, take(ys).shape);
    }
    expect(shapes).toEqual([[4, 4], [4], [2, 4], [2]]);
  });
});

describe('Dataset constructor', () => {
  it('passes the iteration number to the source', async () => {
    const ds = new Dataset<number>((i) => fromArrays([i]).iterator());
    expect([...(await ds.toArray()), ...(await ds.toArray())]).toEqual([0, 1]);
  });
});
