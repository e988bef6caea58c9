// The relaxed-SIMD (FMA) build: chosen when asked for (Node 20 needs its V8
// flag, which init turns on), and computing the same results as the plain
// build within rounding. Run in a child process: V8 flags and the chosen
// variant are process-wide.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('relaxed-SIMD variant', () => {
  it('loads on request and matches a float64 reference', () => {
    const script = `
      const { init, alloc, f32View, gemm, backendInfo, unary, softmax } = await import('@wasmml/kernels');
      await init({ relaxedSimd: true, threads: 2 });
      const m = 37, n = 29, k = 301;
      const A = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)), B = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.7));
      const a = alloc(m * k * 4), b = alloc(k * n * 4), c = alloc(m * n * 4);
      f32View(a, m * k).set(A); f32View(b, k * n).set(B);
      gemm(a, b, c, m, n, k, { activation: 'sigmoid' });
      let err = 0;
      const C = f32View(c, m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        let s = 0; for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * n + j];
        err = Math.max(err, Math.abs(C[i * n + j] - 1 / (1 + Math.exp(-s))));
      }
      const x = alloc(4096 * 4), y = alloc(4096 * 4);
      f32View(x, 4096).set(Float32Array.from({ length: 4096 }, (_, i) => (i - 2048) / 100));
      unary('exp', 'float32', x, y, 4096);
      let expErr = 0;
      const X = f32View(x, 4096), Y = f32View(y, 4096);
      for (let i = 0; i < 4096; i++) expErr = Math.max(expErr, Math.abs(Y[i] - Math.exp(X[i])) / Math.exp(X[i]));
      console.log(JSON.stringify({ variant: backendInfo().variant, relaxed: backendInfo().relaxedSimd, err, expErr }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkg, timeout: 30_000, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.variant).toBe('relaxed-shared');
    expect(r.relaxed).toBe(true);
    expect(r.err).toBeLessThan(1e-5);
    expect(r.expErr).toBeLessThan(1e-6);
  });
});
