import { describe, expect, it } from 'vitest';
import { tensor } from '@wasmml/tensor';
import {
  adjustBrightness,
  adjustContrast,
  augment,
  channelStats,
  cropAndFlip,
  flipLeftRight,
  fromArrays,
  loadMnist,
  normalize,
  oneHot,
  rotate,
  shaped,
  stratifiedSplit,
  type Shaped,
} from '@wasmml/datasets';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import { take } from './helpers.js';

const dims = { height: 5, width: 4, channels: 3 };
const img = randomFloats(5 * 4 * 3, 1, 0, 1);
const at = (a: Float32Array, y: number, x: number, c: number) => a[(y * 4 + x) * 3 + c]!;

describe('image transforms (reference: direct index arithmetic)', () => {
  it('cropAndFlip shifts within a zero border and mirrors', () => {
    for (const [pad, dy, dx, flip] of [
      [2, 2, 2, false],
      [2, 0, 4, false],
      [1, 2, 0, true],
      [3, 6, 1, true],
      [0, 0, 0, true],
    ] as const) {
      const out = cropAndFlip(img, dims, pad, dy, dx, flip);
      for (let y = 0; y < 5; y++)
        for (let x = 0; x < 4; x++)
          for (let c = 0; c < 3; c++) {
            const sx = (flip ? 3 - x : x) + dx - pad;
            const sy = y + dy - pad;
            const want = sy < 0 || sy >= 5 || sx < 0 || sx >= 4 ? 0 : at(img, sy, sx, c);
            expect(at(out, y, x, c)).toBe(want);
          }
    }
    expect(Array.from(cropAndFlip(img, dims, 2, 2, 2, false))).toEqual(Array.from(img));
    expect(Array.from(flipLeftRight(flipLeftRight(img, dims), dims))).toEqual(Array.from(img));
  });

  it('rotate: 0 is the identity, 90° on a square image permutes pixels exactly', () => {
    const sq = { height: 4, width: 4, channels: 1 };
    const a = Float32Array.from({ length: 16 }, (_, i) => i);
    expectClose(rotate(a, sq, 0), a, 0, 1e-6);
    const r = rotate(a, sq, Math.PI / 2);
    // Output (x, y) samples source (cx - (y - cy), cy + (x - cx)).
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(r[y * 4 + x]).toBeCloseTo(a[x * 4 + (3 - y)]!, 5);
    const half = rotate(
      Float32Array.from({ length: 16 }, () => 1),
      sq,
      Math.PI / 4,
    );
    expect(half[0]).toBeLessThan(1); // corners come from outside: filled
    expect(half[5]).toBeCloseTo(1, 5);
  });

  it('brightness and contrast follow tf.image', () => {
    expectClose(
      adjustBrightness(img, 0.25),
      img.map((v) => v + 0.25),
    );
    const out = adjustContrast(img, dims, 1.5);
    for (let c = 0; c < 3; c++) {
      let mean = 0;
      for (let i = c; i < img.length; i += 3) mean += img[i]! / 20;
      for (let i = c; i < img.length; i += 3) expect(out[i]).toBeCloseTo((img[i]! - mean) * 1.5 + mean, 5);
    }
  });
});

describe('augment', () => {
  const opts = { seed: 11, cropPadding: 2, flip: true, rotation: 10, brightness: 0.1, contrast: 0.2, noise: 0.05 };

  it('is reproducible for a seed and differs across seeds and calls', async () => {
    const ds = fromArrays(Array.from({ length: 6 }, () => ({ xs: shaped(img, [5, 4, 3]), ys: 1 })));
    const run = (seed: number) => ds.map(augment({ ...opts, seed })).toArray();
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.map((e) => Array.from(e.xs.data))).toEqual(b.map((e) => Array.from(e.xs.data)));
    expect(Array.from(a[0]!.xs.data)).not.toEqual(Array.from(c[0]!.xs.data));
    expect(Array.from(a[0]!.xs.data)).not.toEqual(Array.from(a[1]!.xs.data));
    expect(a[0]!.ys).toBe(1);
    expect(Array.from(img)).toEqual(Array.from(randomFloats(60, 1, 0, 1))); // the source is untouched
  });

  it('crop + flip alone only moves pixels: every output value comes from the image or the zero border', () => {
    const f = augment<Shaped<Float32Array>>({ seed: 3, cropPadding: 1, flip: 0.5 });
    const values = new Set(img);
    values.add(0);
    let flipped = 0;
    for (let k = 0; k < 40; k++) {
      const out = f(shaped(img, [5, 4, 3])).data;
      for (const v of out) expect(values.has(v)).toBe(true);
      if (out[0] !== 0 && out[0] === at(img, 0, 3, 0)) flipped++;
    }
    expect(flipped).toBeGreaterThan(0);
  });

  it('noise has the requested spread; clamp bounds the result', () => {
    const zeros = new Float32Array(64 * 64);
    const out = augment<Shaped<Float32Array>>({ seed: 1, noise: 0.1 })(shaped(zeros, [64, 64, 1])).data;
    const mean = out.reduce((a, b) => a + b, 0) / out.length;
    const sd = Math.sqrt(out.reduce((a, b) => a + (b - mean) ** 2, 0) / out.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(sd).toBeGreaterThan(0.095);
    expect(sd).toBeLessThan(0.105);
    const clamped = augment<Shaped<Float32Array>>({ seed: 1, noise: 1, clamp: [0, 1] })(shaped(zeros, [64, 64, 1])).data;
    expect(Math.min(...clamped)).toBe(0);
    expect(Math.max(...clamped)).toBeLessThanOrEqual(1);
  });

  it('works per batch on NHWC Shaped arrays and float tensors, image by image', () => {
    const batch = new Float32Array(3 * 60);
    batch.set(img, 0);
    batch.set(img, 60);
    batch.set(img, 120);
    const perBatch = augment<Shaped<Float32Array>>({ seed: 5, cropPadding: 1, flip: true })(shaped(batch, [3, 5, 4, 3])).data;
    const one = augment<Shaped<Float32Array>>({ seed: 5, cropPadding: 1, flip: true });
    const perImage = [0, 1, 2].flatMap(() => Array.from(one(shaped(img, [5, 4, 3])).data));
    expect(Array.from(perBatch)).toEqual(perImage);
    const t = tensor(batch, [3, 5, 4, 3]);
    const out = augment<{ xs: unknown }>({ seed: 5, cropPadding: 1, flip: true })({ xs: t });
    expect(t.isDisposed).toBe(true);
    expect(take(out.xs).values).toEqual(perImage);
    expect(() => augment()(shaped(new Float32Array(4), [4]))).toThrow(/expected an HWC image or an NHWC batch/);
    expect(() => augment()({ image: 1 })).toThrow(/no "xs" key/);
  });

  it('keeps up with training: a shuffled, augmented, batched epoch of the embedded digits', async () => {
    const set = await loadMnist({ source: 'embedded' });
    const ds = set
      .dataset()
      .shuffle(10_000, { seed: 1 })
      .map(augment({ seed: 2, cropPadding: 2, flip: true }))
      .batch(32);
    let n = 0;
    for await (const b of ds) {
      n += take(b.xs).shape[0]!;
      take(b.ys);
    }
    expect(n).toBe(10_000);
  });
});

describe('preprocessing', () => {
  it('channelStats and normalize give zero mean and unit std per channel', () => {
    const stats = channelStats(img, 3);
    const out = normalize(img, stats);
    const after = channelStats(out, 3);
    after.mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-6));
    after.std.forEach((s) => expect(s).toBeCloseTo(1, 5));
    expect(() => normalize(img, { mean: [0, 0, 0], std: [1, 0, 1] })).toThrow(/std of channel 1 is 0/);
  });

  it('oneHot', () => {
    expect(Array.from(oneHot(2, 4))).toEqual([0, 0, 1, 0]);
    expect(Array.from(oneHot([1, 0], 2))).toEqual([0, 1, 1, 0]);
    expect(() => oneHot([3], 3)).toThrow('oneHot: label 3 at index 0 is outside 0..2');
  });

  it('stratifiedSplit keeps class proportions, covers every index once, and is seeded', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i < 950 ? 1 : 2));
    const [train, test] = stratifiedSplit(labels, [0.8, 0.2], { seed: 4 });
    expect(train!.length + test!.length).toBe(1000);
    expect(new Set([...train!, ...test!]).size).toBe(1000);
    const count = (idx: Uint32Array, c: number) => Array.from(idx).filter((i) => labels[i] === c).length;
    expect([count(test!, 0), count(test!, 1), count(test!, 2)]).toEqual([140, 50, 10]);
    expect(Array.from(stratifiedSplit(labels, [0.8, 0.2], { seed: 4 })[1]!)).toEqual(Array.from(test!));
    expect(Array.from(stratifiedSplit(labels, [0.8, 0.2], { seed: 5 })[1]!)).not.toEqual(Array.from(test!));
    // Many small classes: rounding must not drift the total.
    const many = Array.from({ length: 95 }, (_, i) => i % 19);
    const [, t] = stratifiedSplit(many, [0.9, 0.1]);
    expect(Math.abs(t!.length - 9.5)).toBeLessThanOrEqual(1);
  });
});
