// profile(): the kernels that ran, how often, in which scope and phase, with
// their memory figures, and the wall / kernel / overhead split.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';

await wm.ready();

describe('profile', () => {
  it('lists every kernel call of the work with counts, bytes and tfjs ProfileInfo fields', async () => {
    const a = wm.randomNormal([64, 32], 0, 1, 'float32', 1),
      b = wm.randomNormal([32, 16], 0, 1, 'float32', 2);
    const before = wm.memory().numBytes;
    const info = await wm.profile(() => {
      const s = wm.tidy(() => wm.sum(wm.relu(wm.matMul(a, b)).add(wm.relu(wm.matMul(a, b))), 1));
      const first = s.dataSync()[0];
      s.dispose();
      return first;
    });
    // Two products, two relus, an add, a sum: by name and count.
    const count = (re: RegExp) => info.kernels.filter((k) => re.test(k.name)).length;
    expect(count(/^gemm_f32$/)).toBe(2);
    expect(count(/^relu_f32$/)).toBe(2);
    expect(count(/^add_f32$/)).toBe(1);
    expect(count(/^reduce_sum_/)).toBeGreaterThanOrEqual(1);
    expect(info.kernelNames).toEqual([...new Set(info.kernels.map((k) => k.name))]);
    expect(info.byKernel.find((k) => k.name === 'relu_f32')?.calls).toBe(2);
    expect(info.byKernel.reduce((s, k) => s + k.share, 0)).toBeCloseTo(1, 5);
    expect(typeof info.result).toBe('number');
    // Memory: the first product allocates its [64, 16] output before its kernels (pack, multiply) run.
    const first = info.kernels.findIndex((k) => k.name === 'gemm_f32');
    const gemm = info.kernels[first]!;
    expect(info.kernels.slice(0, first + 1).reduce((s, k) => s + k.bytesAdded, 0)).toBe(64 * 16 * 4);
    expect(info.kernels.slice(0, first + 1).reduce((s, k) => s + k.tensorsAdded, 0)).toBe(1);
    expect(gemm.threads).toBeGreaterThanOrEqual(1);
    expect(gemm.items).toBeGreaterThan(0);
    expect(info.newBytes).toBe(0);
    expect(info.newTensors).toBe(0);
    // Live at once at the peak: both products and both relus of the tidy (4 x 4 KiB) at least.
    expect(info.peakBytes - before).toBeGreaterThanOrEqual(4 * 64 * 16 * 4);
    expect(info.kernels.at(-1)!.totalBytesSnapshot).toBeGreaterThanOrEqual(before);
    // Times add up: kernels inside the wall time, the rest is overhead.
    expect(info.kernelMs).toBeGreaterThan(0);
    expect(info.kernelMs).toBeLessThanOrEqual(info.wallMs);
    expect(info.overheadMs).toBeCloseTo(info.wallMs - info.kernelMs, 6);
    // The readback of the sum: 64 floats.
    expect(info.transfers.bytesReadBack).toBe(64 * 4);
    wm.dispose([a, b]);
  });

  it('attributes forward and gradient kernels to the scope their op ran in', async () => {
    const w = wm.variable(wm.randomNormal([8, 4], 0, 1, 'float32', 3), true, 'profile_w');
    const x = wm.randomNormal([16, 8], 0, 1, 'float32', 4);
    const info = await wm.profile(() => {
      const { value, grads } = wm.variableGrads(() =>
        wm.profileScope('head', () => wm.profileScope('inner', () => wm.sigmoid(wm.matMul(x, w))).sum()),
      );
      wm.dispose([value, ...Object.values(grads)]);
    });
    const inner = info.kernels.filter((k) => k.scope === 'head/inner');
    expect(inner.filter((k) => k.phase === 'forward').map((k) => k.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^gemm_f32/), 'sigmoid_f32']),
    );
    // The gradient of the product (a transposed product) and of the sigmoid count for the same scope.
    const back = inner.filter((k) => k.phase === 'backward').map((k) => k.name);
    expect(back.some((n) => n.startsWith('gemm_f32'))).toBe(true);
    expect(back.some((n) => n.startsWith('sigmoid'))).toBe(true);
    expect(info.kernels.some((k) => k.scope === 'head' && /^reduce_sum_/.test(k.name))).toBe(true);
    const byName = new Map(info.byScope.map((s) => [s.name, s]));
    const s = byName.get('head/inner')!;
    expect(s.kernelCalls).toBe(inner.length);
    expect(s.forwardKernelMs).toBeGreaterThan(0);
    expect(s.backwardKernelMs).toBeGreaterThan(0);
    expect(s.forwardMs).toBeGreaterThanOrEqual(s.forwardKernelMs);
    expect(s.overheadMs).toBeCloseTo(s.forwardMs + s.backwardMs - s.forwardKernelMs - s.backwardKernelMs, 6);
    // Exclusive times cover the wall time: the scopes plus what ran outside them.
    const total = info.byScope.reduce((t, x) => t + x.forwardMs + x.backwardMs, 0);
    expect(total).toBeCloseTo(info.wallMs, 1);
    wm.dispose([w, x]);
  });

  it('waits for async work, refuses to nest, and stops observing when it ends', async () => {
    const x = wm.ones([4, 4]);
    const info = await wm.profile(async () => {
      await new Promise((r) => setTimeout(r, 1));
      return wm.exp(x);
    });
    expect(info.kernelNames).toEqual(['exp_f32']);
    expect(info.newTensors).toBe(1);
    expect(info.newBytes).toBe(64);
    info.result.dispose();
    await expect(wm.profile(() => wm.profile(() => 1))).rejects.toThrow(/profiles do not nest/);
    // A later profile sees only its own kernels; scopes outside a profile only run their function.
    expect(wm.profileScope('idle', () => 7)).toBe(7);
    const next = await wm.profile(() => wm.tidy(() => wm.neg(x)).dispose());
    expect(next.kernelNames).toEqual(['neg_f32']);
    expect(next.byScope.map((s) => s.name)).toEqual(['(outside scopes)']);
    x.dispose();
  });
});
