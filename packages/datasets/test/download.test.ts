import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecksumError, DownloadError, download, parseChecksum } from '@wasmml/datasets';
import { serve, tempDir } from './helpers.js';

const good = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);
const sha256 = createHash('sha256').update(good).digest('hex');
const md5 = createHash('md5').update(good).digest('hex');

let server: Awaited<ReturnType<typeof serve>>;
const tmp = tempDir();
beforeAll(async () => {
  server = await serve({
    '/good.bin': { body: good },
    '/truncated.bin': { body: good.subarray(0, 50_000), announce: good.length },
    '/altered.bin': { body: good.map((v, i) => (i === 1234 ? v ^ 1 : v)) },
    '/missing.bin': { body: new Uint8Array(0), status: 404 },
  });
});
afterAll(async () => {
  await server.close();
  tmp.remove();
});

const noPartFiles = (dir: string) => expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);

describe('download', () => {
  it('downloads, verifies sha256 or md5, and reuses the verified cached file', async () => {
    const cacheDir = join(tmp.dir, 'c1');
    const res = await download(`${server.url}/good.bin`, { cacheDir, subdir: 'set', checksum: `sha256:${sha256}`, size: good.length });
    expect(res.name).toBe(join(cacheDir, 'set', 'good.bin'));
    expect(new Uint8Array(readFileSync(res.name))).toEqual(good);
    expect(await res.bytes()).toEqual(good);
    const again = await download(`${server.url}/good.bin`, { cacheDir, subdir: 'set', checksum: { md5 } });
    expect(again.name).toBe(res.name);
    expect(server.hits['/good.bin']).toBe(1);
    noPartFiles(join(cacheDir, 'set'));
  });

  it('re-downloads a cached file that no longer matches its checksum', async () => {
    const cacheDir = join(tmp.dir, 'c2');
    const before = server.hits['/good.bin'] ?? 0;
    const res = await download(`${server.url}/good.bin`, { cacheDir, checksum: md5 });
    writeFileSync(res.name, 'tampered');
    const again = await download(`${server.url}/good.bin`, { cacheDir, checksum: md5 });
    expect(await again.bytes()).toEqual(good);
    expect(server.hits['/good.bin']).toBe(before + 2);
  });

  it('rejects a truncated transfer and caches nothing', async () => {
    const cacheDir = join(tmp.dir, 'c3');
    const err = await download(`${server.url}/truncated.bin`, { cacheDir }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toContain(`${server.url}/truncated.bin`);
    expect(err.message).toMatch(/50000|truncated|connection/);
    expect(existsSync(join(cacheDir, 'truncated.bin'))).toBe(false);
    noPartFiles(cacheDir);
  });

  it('rejects a wrong checksum with expected and actual values, and caches nothing', async () => {
    const cacheDir = join(tmp.dir, 'c4');
    const err = await download(`${server.url}/altered.bin`, { cacheDir, checksum: sha256 }).catch((e) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err.expected).toBe(sha256);
    expect(err.message).toContain(`download ${server.url}/altered.bin: sha256 mismatch: expected ${sha256}, got `);
    expect(existsSync(join(cacheDir, 'altered.bin'))).toBe(false);
    noPartFiles(cacheDir);
    // And a later correct download of the same name is not fooled by anything left behind.
    const size = await download(`${server.url}/good.bin`, { cacheDir, fileName: 'altered.bin', size: good.length + 1 }).catch((e) => e);
    expect(size.message).toMatch(/size mismatch: expected 200001 bytes, received 200000/);
    expect(existsSync(join(cacheDir, 'altered.bin'))).toBe(false);
  });

  it('reports HTTP errors and bad checksum specs', async () => {
    await expect(download(`${server.url}/missing.bin`, { cacheDir: join(tmp.dir, 'c5') })).rejects.toThrow(
      `download ${server.url}/missing.bin: HTTP 404`,
    );
    expect(() => parseChecksum('abc')).toThrow(/64 hex digits/);
    expect(parseChecksum(`MD5:${md5.toUpperCase()}`)).toEqual({ algorithm: 'md5', hex: md5 });
  });
});
