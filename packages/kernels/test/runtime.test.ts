// The loader, arena and pool: memory accounting and growth, out-of-memory
// errors, errors raised in workers, small jobs on the calling thread, process
// exit with live workers, and the single-threaded fallback without shared memory.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Arena,
  OutOfMemoryError,
  alloc,
  backendInfo,
  cast,
  free,
  poolStats,
  runtime,
  setParallelThreshold,
  sizeClass,
} from '@wasmml/kernels';
import { setup } from './helpers.js';

beforeAll(() => setup(2));
const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('arena', () => {
  it('reuses freed blocks, coalesces neighbours and reports its use', () => {
    const mem = new WebAssembly.Memory({ initial: 2, maximum: 8 });
    const a = new Arena(mem, 8 * 65536);
    const p1 = a.alloc(100),
      p2 = a.alloc(100),
      p3 = a.alloc(5000);
    expect(p1 % 16).toBe(0);
    expect(a.stats().blocks).toBe(3);
    expect(a.stats().bytesInUse).toBe(sizeClass(100) * 2 + sizeClass(5000));
    a.free(p2);
    expect(a.alloc(100)).toBe(p2);
    a.free(p1);
    a.free(p2);
    a.free(p3);
    expect(a.stats().bytesInUse).toBe(0);
    // A request larger than any freed block still fits once they are merged.
    const big = a.alloc(65536 - 64);
    expect(big).toBeGreaterThanOrEqual(65536);
    expect(() => a.free(big + 16)).toThrow(/not allocated/);
  });

  it('grows the memory on demand and fails clearly past its limit', () => {
    const mem = new WebAssembly.Memory({ initial: 2, maximum: 4 });
    const a = new Arena(mem, 4 * 65536);
    a.alloc(100_000);
    expect(mem.buffer.byteLength).toBeGreaterThan(2 * 65536);
    let err: unknown;
    try {
      a.alloc(300_000);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect(String((err as Error).message)).toMatch(/out of memory allocating 300000 bytes/);
    expect(a.stats().blocks).toBe(1);
  });

  it('the shared arena grows under tensors and views stay valid', () => {
    const before = backendInfo().memory.memoryBytes;
    const p = alloc(before);
    expect(backendInfo().memory.memoryBytes).toBeGreaterThan(before);
    free(p);
  });
});

describe('pool', () => {
  it('keeps small jobs on the calling thread and splits large ones', () => {
    const x = alloc(4 * 4),
      y = alloc(4 * 4);
    const s0 = poolStats();
    cast(x, y, 4, 'float32', 'int32');
    expect(poolStats().splitCalls).toBe(s0.splitCalls);
    const n = 1 << 20;
    const bx = alloc(n * 4),
      by = alloc(n * 4);
    cast(bx, by, n, 'float32', 'int32');
    expect(poolStats().splitCalls).toBe(s0.splitCalls + 1);
    [x, y, bx, by].forEach(free);
  });

  it('an error thrown in a split kernel surfaces in the caller (whichever thread ran it)', () => {
    // The second half of the range reads past the end of memory; the calling
    // thread or a worker claims those chunks, and either way the caller throws.
    const rt = runtime();
    const end = rt.memory.buffer.byteLength;
    const n = 1 << 16;
    const out = alloc(n * 4);
    setParallelThreshold(0);
    try {
      expect(() => rt.pool.run('cast_f32_i32', [end - (n / 2) * 4, out], n, { cost: 1 })).toThrow(/out of bounds|memory/i);
      // The pool still works afterwards.
      const x = alloc(n * 4);
      cast(x, out, n, 'float32', 'int32');
      free(x);
    } finally {
      setParallelThreshold(1 << 17);
      free(out);
    }
  });

  it('a process with a running pool exits on its own', () => {
    const script = `
      import { init, alloc, gemm, backendInfo } from '@wasmml/kernels';
      await init({ threads: 2 });
      const n = 300, a = alloc(n * n * 4), b = alloc(n * n * 4), c = alloc(n * n * 4);
      gemm(a, b, c, n, n, n);
      console.log(backendInfo().threads);
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkg, timeout: 20_000, encoding: 'utf8' });
    expect(out.trim()).toBe('2');
  });

  it('without SharedArrayBuffer it runs single-threaded on the unshared build', () => {
    const script = `
      delete globalThis.SharedArrayBuffer;
      const { init, alloc, f32View, gemm, backendInfo } = await import('@wasmml/kernels');
      await init();
      const a = alloc(16), b = alloc(16), c = alloc(16);
      f32View(a, 4).set([1, 2, 3, 4]); f32View(b, 4).set([5, 6, 7, 8]);
      gemm(a, b, c, 2, 2, 2);
      const i = backendInfo();
      console.log(JSON.stringify({ variant: i.variant, threads: i.threads, c: Array.from(f32View(c, 4)) }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkg, timeout: 20_000, encoding: 'utf8' });
    const r = JSON.parse(out.trim());
    expect(r.variant).toMatch(/-single$/);
    expect(r.threads).toBe(1);
    expect(r.c).toEqual([19, 22, 43, 50]);
  });
});
