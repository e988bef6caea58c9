// One join/dirname for every runtime entry, checked against node:path's posix
// and win32 implementations (the entries drifted when each package had its own).
import { posix, win32 } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { dirnamePath, joinPath, normalizePath } from '../src/paths.js';

const joins: string[][] = [
  ['a', 'b'],
  ['a/', '/b'],
  ['a//b', 'c'],
  ['/a', '..', 'b'],
  ['a', '../..', 'b'],
  ['a', '.', 'b/'],
  ['/', 'x'],
  ['', 'a', ''],
  ['', ''],
  ['a', '..'],
  ['/..', 'a'],
  ['./a', './b'],
  ['a\\b', 'c'],
  ['C:\\x', 'y'],
  ['C:/x//', '..', 'z'],
  ['cache', 'wasmml', 'mnist.gz'],
  ['/home/u/.cache', 'wasmml'],
];
const dirnames = ['/a/b', '/a/b/', '/a', '/', 'a', 'a/b', '', '.', 'a/b//', 'C:\\x\\y', 'C:\\x', 'C:\\', 'a\\b'];
// node:path's win32 dirname reads '//a' as a UNC root (not supported here): only the posix result is the contract.
const posixOnly = ['a//b', '//a', '/a//b'];

describe('join and dirname', () => {
  it.each(joins)('join(%j) matches node:path posix and win32', (...parts) => {
    expect(joinPath('/', parts)).toBe(posix.join(...parts));
    expect(joinPath('\\', parts)).toBe(win32.join(...parts));
  });

  it.each(dirnames)('dirname(%j) matches node:path posix and win32', (p) => {
    expect(dirnamePath('/', p)).toBe(posix.dirname(p));
    expect(dirnamePath('\\', p)).toBe(win32.dirname(p));
  });

  it.each(posixOnly)('dirname(%j) matches node:path posix', (p) => {
    expect(dirnamePath('/', p)).toBe(posix.dirname(p));
  });

  it('normalises like node:path.normalize', () => {
    for (const p of ['a//b/../c/', '/../x', '../../a', './', 'a/./b']) expect(normalizePath('/', p)).toBe(posix.normalize(p));
  });

  it('every runtime entry joins the same way (the drift fixed)', async () => {
    const { platform: node } = await import('../src/node.js');
    const { platform: web } = await import('../src/web.js');
    vi.stubGlobal('Deno', { build: { os: 'linux' }, env: { get: () => undefined }, errors: { NotFound: Error } });
    const { platform: deno } = await import('../src/deno.js');
    vi.unstubAllGlobals();
    for (const parts of [
      ['a//b', 'c'],
      ['x/', '/y/'],
      ['/a', '..', 'b'],
    ]) {
      expect(web.join(...parts)).toBe(node.join(...parts));
      expect(deno.join(...parts)).toBe(node.join(...parts));
    }
    expect(deno.dirname('/a/b/c.json')).toBe('/a/b');
    expect(web.dirname('models/m.json')).toBe('models');
  });
});
