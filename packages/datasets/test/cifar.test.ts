import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTarGzip } from 'nanotar';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, loadCifar10, parseCifarBatch } from '@wasmml/datasets';
import { rng } from '@wasmml/test-utils';
import { serve, take, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** n random records in the CIFAR-10 binary layout: label byte, then R, G, B planes of 32x32. */
function batchFile(n: number, seed: number): { bytes: Uint8Array; labels: number[] } {
  const r = rng(seed);
  const bytes = new Uint8Array(n * 3073);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = Math.floor(r() * 10);
    labels.push(label);
    bytes[i * 3073] = label;
    for (let j = 1; j < 3073; j++) bytes[i * 3073 + j] = Math.floor(r() * 256);
  }
  return { bytes, labels };
}

/** Pixel (y, x, channel c) of record i, read straight from the planar file. */
const planar = (bytes: Uint8Array, i: number, y: number, x: number, c: number) => bytes[i * 3073 + 1 + c * 1024 + y * 32 + x]!;

describe('CIFAR-10 binary format', () => {
  const dir = join(tmp.dir, 'cifar-10-batches-bin');
  mkdirSync(dir);
  const files = [1, 2, 3, 4, 5].map((b) => batchFile(4 + b, b));
  const test = batchFile(6, 99);
  files.forEach((f, i) => writeFileSync(join(dir, `data_batch_${i + 1}.bin`), f.bytes));
  writeFileSync(join(dir, 'test_batch.bin'), test.bytes);

  it('reads the training batches from a directory, converting planar RGB to HWC', async () => {
    const set = await loadCifar10({ source: tmp.dir }); // finds cifar-10-batches-bin/ inside
    expect(set.count).toBe(5 + 6 + 7 + 8 + 9);
    expect([set.height, set.width, set.channels]).toEqual([32, 32, 3]);
    expect(set.classNames).toEqual(CIFAR10_CLASSES);
    expect(Array.from(set.labels)).toEqual(files.flatMap((f) => f.labels));
    // Image 7 is record 2 of batch 2.
    for (const [y, x, c] of [
      [0, 0, 0],
      [5, 17, 1],
      [31, 31, 2],
      [12, 3, 2],
    ] as const) {
      expect(set.images[7 * 3072 + (y * 32 + x) * 3 + c]).toBe(planar(files[1]!.bytes, 2, y, x, c));
    }
    const two = await loadCifar10({ source: dir, batches: [2] });
    expect(two.count).toBe(6);
    const t = await loadCifar10({ source: dir, split: 'test' });
    expect(Array.from(t.labels)).toEqual(test.labels);
    const b = (await t.dataset({ normalize: false }).batch(6).toArray())[0]!;
    const xs = take(b.xs);
    expect(xs.shape).toEqual([6, 32, 32, 3]);
    expect(xs.values[(5 * 1024 + 10 * 32 + 4) * 3 + 1]).toBe(planar(test.bytes, 5, 10, 4, 1));
    take(b.ys);
  });

  it('reads from the .tar.gz archive at a URL', async () => {
    const tgz = await createTarGzip([
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: CIFAR10_CLASSES.join('\n') },
      ...files.map((f, i) => ({ name: `cifar-10-batches-bin/data_batch_${i + 1}.bin`, data: f.bytes })),
      { name: 'cifar-10-batches-bin/test_batch.bin', data: test.bytes },
    ]);
    const server = await serve({ '/c/cifar-10-binary.tar.gz': { body: tgz } });
    try {
      const set = await loadCifar10({
        source: `${server.url}/c/cifar-10-binary.tar.gz`,
        split: 'test',
        download: { cacheDir: join(tmp.dir, 'cache') },
      });
      expect(Array.from(set.labels)).toEqual(test.labels);
      expect(set.images[3 * 3072 + (1 * 32 + 2) * 3 + 0]).toBe(planar(test.bytes, 3, 1, 2, 0));
    } finally {
      await server.close();
    }
  });

  it('rejects truncated files and bad labels with the file and position', async () => {
    const bad = join(tmp.dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'test_batch.bin'), test.bytes.subarray(0, 3073 * 2 + 100));
    await expect(loadCifar10({ source: bad, split: 'test' })).rejects.toThrow(
      `${join(bad, 'test_batch.bin')}: truncated CIFAR-10 batch: 6246 bytes is not a whole number of 3073-byte records (record 2 is cut at byte 6246)`,
    );
    const wrong = test.bytes.slice();
    wrong[3073 * 4] = 12;
    expect(() => parseCifarBatch(wrong, 'f.bin')).toThrow('f.bin: record 4 (byte 12292) has label 12; CIFAR-10 labels are 0-9');
    await expect(loadCifar10({ source: bad, batches: [6] })).rejects.toThrow(/training batches are 1-5/);
    await expect(loadCifar10({ source: bad })).rejects.toThrow(/data_batch_1\.bin not found/);
  });
});
