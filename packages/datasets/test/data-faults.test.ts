// Corrupted and hostile data files: gzip that expands to gigabytes, IDX files
// whose header disagrees with the data, CSV with a quote that never closes.
// Each fails with an error naming the file, after reading a bounded amount.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError, fromCsv, loadMnist } from '@wasmml/datasets';
import { gunzip } from '../src/io/resource.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** gzip members concatenated (valid gzip): `count` x 16 MiB of zeros from ~4 KiB each after `head`. */
function bomb(count: number, head?: Uint8Array): Uint8Array {
  const zeros = gzipSync(new Uint8Array(16 << 20), { level: 9 });
  return Buffer.concat([...(head ? [gzipSync(head)] : []), ...Array<Uint8Array>(count).fill(zeros)]);
}
const FOUR_GIB = 256; // members of 16 MiB

function idxHeader(type: number, shape: number[]): Uint8Array {
  const b = new Uint8Array(4 + 4 * shape.length);
  b[2] = type;
  b[3] = shape.length;
  shape.forEach((d, i) => new DataView(b.buffer).setUint32(4 + 4 * i, d));
  return b;
}

/** The byte count an error says decompression stopped at. */
const stoppedAt = (e: Error) => Number(/stopped at (\d+)/.exec(e.message)?.[1]);

describe('gzip bombs', () => {
  it('an MNIST file whose gzip expands to 4 GiB stops just past the size its IDX header promises', async () => {
    const dir = join(tmp.dir, 'bomb');
    mkdirSync(dir);
    const labels = new Uint8Array([...idxHeader(8, [10]), ...new Uint8Array(10)]);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
    const gz = bomb(FOUR_GIB, idxHeader(8, [10, 28, 28]));
    expect(gz.byteLength).toBeLessThan(8 << 20);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gz);
    const err = await loadMnist({ source: dir, split: 'test' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /t10k-images-idx3-ubyte\.gz: the gzip data expands past the 7856 bytes its header describes \(stopped at \d+\)/,
    );
    // Bounded: at most one decompressed chunk past the header's size, nowhere near 4 GiB.
    expect(stoppedAt(err as Error)).toBeLessThan(7856 + (16 << 20));
  }, 60_000);

  it('a bad IDX magic inside gzip stops after the first chunk', async () => {
    const dir = join(tmp.dir, 'magic');
    mkdirSync(dir);
    const header = idxHeader(8, [10, 28, 28]);
    header[0] = 0x42;
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), bomb(FOUR_GIB, header));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(new Uint8Array([...idxHeader(8, [10]), ...new Uint8Array(10)])));
    await expect(loadMnist({ source: dir, split: 'test' })).rejects.toThrow(
      /t10k-images-idx3-ubyte\.gz: the gzip data expands past the 4 bytes its header describes/,
    );
  }, 60_000);

  it('gzip with no header to go by stops at the byte limit', async () => {
    const err = await gunzip(bomb(64), 'blob.gz', { maxBytes: 32 << 20 }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /blob\.gz: the gzip data expands past 33554432 bytes \(stopped there: a corrupt file or a decompression bomb/,
    );
    // Honest data under the limit comes back whole.
    const ok = await gunzip(gzipSync(new Uint8Array(1000).fill(7)), 'ok.gz', { maxBytes: 1000 });
    expect(ok.byteLength).toBe(1000);
    expect(ok.every((v) => v === 7)).toBe(true);
  }, 60_000);

  it('truncated gzip says how far it got', async () => {
    const gz = gzipSync(new Uint8Array(200_000).map((_, i) => (i * 2654435761) >>> 24));
    await expect(gunzip(gz.subarray(0, gz.byteLength >> 1), 'cut.gz')).rejects.toThrow(
      /cut\.gz: corrupt or truncated gzip data after \d+ decompressed bytes/,
    );
  });

  it('a CSV whose gzip expands to 4 GiB on one line stops at maxRowLength', async () => {
    const path = join(tmp.dir, 'bomb.csv.gz');
    writeFileSync(path, bomb(FOUR_GIB, new TextEncoder().encode('a,b\n1,2\n')));
    const err = await fromCsv(path)
      .toArray()
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(CsvError);
    expect((err as Error).message).toMatch(new RegExp(`${path}, line 3: a row longer than 4194304 characters \\(maxRowLength\\)`));
  }, 60_000);
});

describe('CSV quotes', () => {
  it('a quote that never closes in a large file fails at its line once the row passes maxRowLength', async () => {
    const path = join(tmp.dir, 'open-quote.csv');
    const rows = ['id,text', '1,fine', '2,"this quote never closes'];
    for (let i = 3; i < 200_000; i++) rows.push(`${i},row ${i}`);
    writeFileSync(path, rows.join('\n'));
    const err = await fromCsv(path, { maxRowLength: 1 << 20 })
      .toArray()
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(CsvError);
    expect((err as CsvError).line).toBe(3);
    expect((err as Error).message).toMatch(
      /line 3: a row longer than 1048576 characters \(maxRowLength\): a quote \("\) opened here is never closed\?/,
    );
    // Under the limit, the parser's own error at the end of the file names the same line.
    await expect(fromCsv(path).toArray()).rejects.toThrow(new RegExp(`${path}, line 3: malformed row: `));
  });
});
