import { describe, expect, it } from 'vitest';
import { backendInfo, init, alloc, f32View, gemm } from '@wasmml/kernels';

describe('smoke', () => {
  it('loads and multiplies', async () => {
    await init();
    const a = alloc(16),
      b = alloc(16),
      c = alloc(16);
    f32View(a, 4).set([1, 2, 3, 4]);
    f32View(b, 4).set([5, 6, 7, 8]);
    gemm(a, b, c, 2, 2, 2);
    expect(Array.from(f32View(c, 4))).toEqual([19, 22, 43, 50]);
    expect(backendInfo().threads).toBeGreaterThan(0);
  });
});
