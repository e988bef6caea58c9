// The built kernel package loads and computes under Deno (from the npm package
// `deno`), threads included, and the process exits by itself.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(pkg, '..', '..');
const deno = join(root, 'node_modules', '.bin', 'deno');
const built = existsSync(join(pkg, 'dist', 'index.js')) && existsSync(join(pkg, 'wasm', 'simd-shared.wasm'));
const dir = mkdtempSync(join(tmpdir(), 'wasmml-deno-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = `
import { init, alloc, f32View, gemm, backendInfo, setParallelThreshold } from '@wasmml/kernels';
const info = await init({ threads: 2 });
setParallelThreshold(0);
const n = 37;
const a = alloc(n * n * 4), b = alloc(n * n * 4), c = alloc(n * n * 4);
f32View(a, n * n).fill(1); f32View(b, n * n).fill(2);
gemm(a, b, c, n, n, n);
console.log(JSON.stringify({ runtime: info.runtime, variant: info.variant, threads: backendInfo().threads, c: f32View(c, n * n)[n * n - 1] }));
`;

// Locally a missing build or Deno skips; in CI (CI=1) it must run.
describe.skipIf(!process.env.CI && (!built || !existsSync(deno)))('kernels under Deno', () => {
  it('loads the built package, runs GEMM on two threads and exits', () => {
    // A throwaway project whose node_modules points at the built package, as an install would.
    mkdirSync(join(dir, 'node_modules', '@wasmml'), { recursive: true });
    symlinkSync(pkg, join(dir, 'node_modules', '@wasmml', 'kernels'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', dependencies: { '@wasmml/kernels': '*' } }));
    writeFileSync(join(dir, 'smoke.mjs'), script);
    const out = execFileSync(deno, ['run', '--allow-read', '--allow-env', 'smoke.mjs'], { cwd: dir, timeout: 60_000, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.runtime).toBe('deno');
    expect(r.variant).toMatch(/^(simd|relaxed)-shared$/);
    expect(r.threads).toBe(2);
    expect(r.c).toBe(74);
  });
});
