import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { alloc, f32View, free, gather, gatherND, i32View, scatterND, u8View, unsortedSegmentSum } from '@wasmml/kernels';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { get, put, release, setup, singleAndThreaded } from './helpers.js';

beforeAll(async () => {
  await setup(2);
  tf.env().set('PROD', true); // no tfjs-node banner
  await tf.setBackend('cpu');
});

function putInts(v: ArrayLike<number>): number {
  const p = alloc(Math.max(16, v.length * 4));
  i32View(p, v.length).set(Array.from(v));
  return p;
}

function randomInts(n: number, lo: number, hi: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo)));
}

const size = (s: number[]) => s.reduce((a, d) => a * d, 1);

function checkGather(xShape: number[], idxShape: number[], axis: number, batchDims = 0, seed = 1) {
  const X = randomFloats(size(xShape), seed);
  const ids = randomInts(size(idxShape), 0, xShape[axis]!, seed + 1);
  const x = put(X),
    idx = putInts(ids);
  const ref = tf.gather(tf.tensor(X, xShape), tf.tensor(ids, idxShape, 'int32'), axis, batchDims);
  const n = ref.size;
  const { single, threaded } = singleAndThreaded(() => {
    const y = alloc(Math.max(16, n * 4));
    const shape = gather(x, idx, y, xShape, idxShape, axis, { batchDims });
    expect(shape).toEqual(ref.shape);
    const out = get(y, n);
    free(y);
    return out;
  });
  expect(Array.from(single), `gather [${xShape}] [${idxShape}] axis ${axis} batchDims ${batchDims}`).toEqual(Array.from(ref.dataSync()));
  expect(threaded).toEqual(single);
  release(x, idx);
  ref.dispose();
}

describe('gather', () => {
  it('matches tf.gather for several axes, index shapes and batchDims', () => {
    checkGather([5], [3], 0);
    checkGather([5], [0], 0);
    checkGather([7, 3], [4], 0);
    checkGather([7, 3], [2, 5], 1);
    checkGather([4, 6, 5], [3, 2], 1);
    checkGather([4, 6, 5], [9], 2);
    checkGather([3, 6, 5], [3, 4], 1, 1);
    checkGather([2, 3, 6, 5], [2, 3, 4], 2, 2);
    checkGather([2, 3, 6, 5], [2, 7], 3, 1);
    checkGather([500, 24], [16, 20], 0, 0, 9);
  });

  it('1-byte elements', () => {
    const X = Uint8Array.from({ length: 24 }, (_, i) => (i * 37) & 255);
    const x = alloc(32);
    u8View(x, 24).set(X);
    const idx = putInts([2, 0, 2]),
      y = alloc(32);
    expect(gather(x, idx, y, [4, 6], [3], 0, { elementBytes: 1 })).toEqual([3, 6]);
    expect(Array.from(u8View(y, 18))).toEqual([...X.slice(12, 18), ...X.slice(0, 6), ...X.slice(12, 18)]);
    release(x, idx, y);
  });

  it('an out-of-range index throws before anything is written', () => {
    const x = put([1, 2, 3, 4, 5, 6]),
      idx = putInts([1, 3]),
      y = put([9, 9, 9, 9]);
    expect(() => gather(x, idx, y, [3, 2], [2], 0)).toThrow(/index 3 at position 1 .* not in \[0, 2\]/);
    i32View(idx, 2).set([-1, 0]);
    expect(() => gather(x, idx, y, [3, 2], [2], 0)).toThrow(/index -1 at position 0/);
    expect(Array.from(get(y, 4))).toEqual([9, 9, 9, 9]);
    expect(() => gather(x, idx, y, [3, 2], [2], 2)).toThrow(/axis 2 is out of range/);
    release(x, idx, y);
  });
});

function refSegmentSum(D: ArrayLike<number>, ids: ArrayLike<number>, inner: number, segments: number, int: boolean) {
  const out = new Array<number>(segments * inner).fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= segments) continue;
    for (let j = 0; j < inner; j++)
      out[s * inner + j] = int ? (out[s * inner + j]! + D[i * inner + j]!) | 0 : out[s * inner + j]! + D[i * inner + j]!;
  }
  return out;
}

describe('unsortedSegmentSum', () => {
  const cases: Array<[number, number, number]> = [
    [1, 1, 1],
    [5, 3, 2],
    [7, 5, 9],
    [40, 13, 3],
    [100, 1, 37],
    [2000, 64, 300],
    [300, 70, 2],
  ];
  for (const [n, inner, segments] of cases) {
    it(`n=${n} inner=${inner} segments=${segments} (ids with duplicates and out-of-range)`, () => {
      const D = randomFloats(n * inner, n + inner);
      const ids = randomInts(n, -1, segments + 1, n * 3);
      const d = put(D),
        sid = putInts(ids);
      const { single, threaded } = singleAndThreaded(() => {
        const out = put(new Float32Array(segments * inner).fill(NaN));
        unsortedSegmentSum(d, sid, out, n, inner, segments);
        const v = get(out, segments * inner);
        release(out);
        return v;
      });
      expectClose(single, refSegmentSum(D, ids, inner, segments, false), 1e-5, 1e-5);
      expect(threaded).toEqual(single);
      release(d, sid);
    });
  }

  it('int32 data, and agreement with tf.unsortedSegmentSum', () => {
    const D = randomInts(60, -1000, 1000, 4),
      ids = randomInts(20, 0, 4, 5);
    const d = putInts(D),
      sid = putInts(ids),
      out = alloc(4 * 3 * 4);
    unsortedSegmentSum(d, sid, out, 20, 3, 4, 'int32');
    expect(Array.from(i32View(out, 12))).toEqual(refSegmentSum(D, ids, 3, 4, true));
    const F = randomFloats(60, 6);
    const fp = put(F);
    unsortedSegmentSum(fp, sid, out, 20, 3, 4);
    const ref = tf.unsortedSegmentSum(tf.tensor2d(F, [20, 3]), tf.tensor1d(ids, 'int32'), 4);
    expectClose(f32View(out, 12), ref.dataSync(), 1e-5, 1e-6);
    ref.dispose();
    release(d, sid, out, fp);
  });
});

describe('gatherND / scatterND', () => {
  it('gatherND matches tf.gatherND', () => {
    for (const [pShape, iShape, hi] of [
      [
        [4, 5, 3],
        [6, 2],
        [4, 5],
      ],
      [
        [4, 5, 3],
        [2, 3, 3],
        [4, 5, 3],
      ],
      [[7, 2], [3, 1], [7]],
      [[3, 4], [2, 0], []],
    ] as Array<[number[], number[], number[]]>) {
      const P = randomFloats(size(pShape), 2);
      const k = iShape[iShape.length - 1]!;
      const I = Int32Array.from({ length: size(iShape) }, (_, i) => Math.floor((((i * 7919) % 97) / 97) * hi[i % k]!));
      const p = put(P),
        ip = putInts(I);
      const ref = tf.gatherND(tf.tensor(P, pShape), tf.tensor(I, iShape, 'int32'));
      const y = alloc(Math.max(16, ref.size * 4));
      expect(gatherND(p, ip, y, pShape, iShape)).toEqual(ref.shape);
      expect(Array.from(get(y, ref.size))).toEqual(Array.from(ref.dataSync()));
      release(p, ip, y);
      ref.dispose();
    }
  });

  it('gatherND rejects an index outside the flattened range', () => {
    const p = put([1, 2, 3, 4, 5, 6]),
      ip = putInts([0, 1, 3, 0]),
      y = alloc(16);
    expect(() => gatherND(p, ip, y, [3, 2], [2, 2])).toThrow(/index \[3,0\] \(tuple 1\) does not index into \[3,2\]/);
    release(p, ip, y);
  });

  it('scatterND sums duplicates like tf.scatterND, single and threaded alike', () => {
    const shape = [6, 4, 3];
    const I = Int32Array.from([0, 1, 5, 3, 0, 1, 2, 2, 5, 3, 5, 0]);
    const U = randomFloats(6 * 3, 8);
    const ip = putInts(I),
      up = put(U);
    const ref = tf.scatterND(tf.tensor2d(I, [6, 2], 'int32'), tf.tensor2d(U, [6, 3]), shape);
    const { single, threaded } = singleAndThreaded(() => {
      const out = put(new Float32Array(72).fill(NaN));
      scatterND(ip, up, out, [6, 2], shape);
      const v = get(out, 72);
      release(out);
      return v;
    });
    expectClose(single, ref.dataSync(), 1e-6, 1e-7);
    expect(threaded).toEqual(single);
    i32View(ip, 12)[11] = 4;
    const out = alloc(72 * 4);
    expect(() => scatterND(ip, up, out, [6, 2], shape)).toThrow(/scatterND: index \[5,4\]/);
    release(ip, up, out);
    ref.dispose();
  });
});
