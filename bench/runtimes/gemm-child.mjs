// Run by bench/runtimes.mjs under Node or Deno: GEMM GFLOP/s of one kernel
// variant (WASMML_RELAXED_SIMD=0/1 picks it) at the given sizes and threads.
// Prints one JSON line.
import { alloc, backendInfo, f32View, gemm, init } from '@wasmml/kernels';

const env = (k, d) => (typeof Deno !== 'undefined' ? Deno.env.get(k) : process.env[k]) ?? d;
const threads = Number(env('THREADS', '2'));
const sizes = env('SIZES', '256,1024').split(',').map(Number);
const info = await init({ threads });
const out = { runtime: info.runtime, variant: info.variant, threads: backendInfo().threads, gflops: {} };
for (const n of sizes) {
  const a = alloc(n * n * 4),
    b = alloc(n * n * 4),
    c = alloc(n * n * 4);
  f32View(a, n * n).fill(0.5);
  f32View(b, n * n).fill(0.25);
  const reps = n >= 1024 ? 5 : 50;
  let best = Infinity;
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) gemm(a, b, c, n, n, n);
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  out.gflops[n] = Math.round((2 * n ** 3) / best / 1e5) / 10;
}
console.log(JSON.stringify(out));
if (typeof Deno !== 'undefined') Deno.exit(0);
else process.exit(0);
