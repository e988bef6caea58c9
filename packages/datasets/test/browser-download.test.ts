// The browser path of download(): no file system, bytes verified in memory and
// kept in Cache Storage. Runs in Node with the platform swapped for the web one
// and a small in-memory CacheStorage.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serve } from './helpers.js';

vi.mock('@wasmml/platform', async () => ({ ...(await import('@wasmml/platform')), ...(await import('@wasmml/platform/web')) }));
const { download, loadMnist, ChecksumError } = await import('@wasmml/datasets');

class MemoryCache {
  store = new Map<string, Uint8Array>();
  async match(url: string) {
    const b = this.store.get(url);
    return b && new Response(b.slice());
  }
  async put(url: string, res: Response) {
    this.store.set(url, new Uint8Array(await res.arrayBuffer()));
  }
  async delete(url: string) {
    return this.store.delete(url);
  }
}
const cache = new MemoryCache();

const body = new Uint8Array(10_000).map((_, i) => i % 256);
const md5 = createHash('md5').update(body).digest('hex');
let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  vi.stubGlobal('caches', { open: async () => cache });
  server = await serve({ '/b.bin': { body }, '/short.bin': { body: body.subarray(0, 10), announce: body.length } });
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await server.close();
});

describe('download in a browser-like runtime', () => {
  it('verifies in memory, keeps the bytes in Cache Storage and serves them from there', async () => {
    const url = `${server.url}/b.bin`;
    const res = await download(url, { checksum: md5 });
    expect(await res.bytes()).toEqual(body);
    expect(cache.store.get(url)).toEqual(body);
    await download(url, { checksum: md5 });
    expect(server.hits['/b.bin']).toBe(1);
    // An altered cache entry is dropped and fetched again.
    cache.store.set(url, new Uint8Array(5));
    expect(await (await download(url, { checksum: md5 })).bytes()).toEqual(body);
    expect(server.hits['/b.bin']).toBe(2);
  });

  it('never caches a bad download', async () => {
    const url = `${server.url}/b.bin?x`;
    await expect(download(url, { checksum: 'f'.repeat(32) })).rejects.toBeInstanceOf(ChecksumError);
    await expect(download(`${server.url}/short.bin`)).rejects.toThrow(/short\.bin/);
    expect(cache.store.has(url)).toBe(false);
    expect(cache.store.has(`${server.url}/short.bin`)).toBe(false);
  });

  it('refuses local paths clearly', async () => {
    await expect(loadMnist({ source: '/some/dir', split: 'test' })).rejects.toThrow(/no file system; pass a URL or the bytes/);
  });
});
