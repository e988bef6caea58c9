// Raw kernels against tfjs-backend-wasm: GEMM (and convolution once it lands),
// at 1 and 2 threads.
import { init, setThreads, alloc, f32View, gemm, backendInfo } from '@wasmml/kernels';
import { report, tfjs, time, round } from './harness.mjs';

const tf = await tfjs('wasm');
await init();
const maxThreads = backendInfo().requestedThreads;

function fill(p, n, seed) {
  const v = f32View(p, n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) >>> 0; v[i] = s / 2 ** 32 - 0.5; }
}

for (const [m, n, k, tA, tB] of [[1024, 1024, 1024, false, false], [256, 256, 256, false, false], [1024, 1024, 1024, true, false], [1024, 1024, 1024, false, true], [32, 128, 784, false, false]]) {
  const a = alloc(m * k * 4), b = alloc(k * n * 4), c = alloc(m * n * 4);
  fill(a, m * k, 1); fill(b, k * n, 2);
  const ta = tf.randomUniform(tA ? [k, m] : [m, k]), tb = tf.randomUniform(tB ? [n, k] : [k, n]);
  const tfMs = time(() => tf.matMul(ta, tb, tA, tB).dataSync());
  const flop = 2 * m * n * k;
  for (const threads of [...new Set([1, maxThreads])]) {
    await setThreads(threads);
    const ms = time(() => gemm(a, b, c, m, n, k, { transposeA: tA, transposeB: tB }));
    report(`gemm ${m}x${n}x${k}${tA ? ' tA' : ''}${tB ? ' tB' : ''} threads=${threads}`, ms, tfMs, {
      gflops: round(flop / ms / 1e6, 1), tfjs_gflops: round(flop / tfMs / 1e6, 1), variant: backendInfo().variant,
    });
  }
  tf.dispose([ta, tb]);
}
process.exit(0);
