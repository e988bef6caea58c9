import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { platform } from '../src/node.js';
import { platform as web } from '../src/web.js';

const dir = mkdtempSync(join(tmpdir(), 'wasmml-platform-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node entry: files', () => {
  it('writeFileAtomic replaces the file and leaves no temporary file', async () => {
    const path = platform.join(dir, 'sub', 'x.bin');
    await platform.mkdirp(platform.dirname(path));
    await platform.writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    await platform.writeFileAtomic(path, new Uint8Array([4, 5]));
    expect([...readFileSync(path)]).toEqual([4, 5]);
    expect(readdirSync(platform.dirname(path))).toEqual(['x.bin']);
    expect(await platform.fileSize(path)).toBe(2);
    expect([...(await platform.readFile(path))]).toEqual([4, 5]);
  });

  it('a failed atomic write leaves the target as it was', async () => {
    const path = platform.join(dir, 'missing-dir', 'y.bin');
    await expect(platform.writeFileAtomic(path, new Uint8Array(1))).rejects.toThrow(/ENOENT/);
    expect(await platform.fileSize(path)).toBeUndefined();
  });

  it('text, missing files, streams and removal', async () => {
    const path = platform.join(dir, 't.txt');
    await platform.writeFileAtomic(path, new TextEncoder().encode('héllo'));
    expect(await platform.readText(path)).toBe('héllo');
    expect(await platform.readTextIfExists(platform.join(dir, 'none.txt'))).toBeUndefined();
    await expect(platform.openRead(platform.join(dir, 'none.txt'))).rejects.toThrow(/none\.txt/);
    const chunks: Uint8Array[] = [];
    for await (const c of await platform.openRead(path)) chunks.push(c);
    expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe('héllo');
    await platform.remove(path);
    await platform.remove(path); // a missing file is not an error
    expect(await platform.fileSize(path)).toBeUndefined();
  });

  it('loads bytes beside a package from file: URLs, synchronously too', async () => {
    const url = new URL('../package.json', import.meta.url);
    const sync = platform.loadBytesSync(url)!;
    expect(JSON.parse(new TextDecoder().decode(sync)).name).toBe('@wasmml/platform');
    expect([...(await platform.loadBytes(url))]).toEqual([...sync]);
    expect(platform.loadBytesSync(new URL('https://example.invalid/x.wasm'))).toBeUndefined();
  });

  it('cache directory from the environment', () => {
    const before = process.env.WASMML_CACHE_DIR;
    process.env.WASMML_CACHE_DIR = '/tmp/c';
    expect(platform.cacheDir()).toBe('/tmp/c');
    if (before === undefined) delete process.env.WASMML_CACHE_DIR;
    else process.env.WASMML_CACHE_DIR = before;
  });
});

describe('browser entry', () => {
  it('has no file system and says so, naming the operation', async () => {
    expect(web.hasFileSystem).toBe(false);
    await expect(web.readFile('/x')).rejects.toThrow(/readFile: this runtime has no file system; pass a URL or the bytes/);
    await expect(web.writeFileAtomic('/x', new Uint8Array(1))).rejects.toThrow(/writeFileAtomic: this runtime has no file system/);
    expect(await web.fileSize('/x')).toBeUndefined();
    expect(web.cacheDir()).toBeUndefined();
  });
});
