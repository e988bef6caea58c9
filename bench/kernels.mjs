// Raw kernels against tfjs-backend-wasm: GEMM (and convolution once it lands),
// at 1 and 2 threads; then our fused activation epilogues and recurrent
// sequences on their own (no peer: their speed is tracked against earlier runs).
import { init, setThreads, alloc, f32View, gemm, backendInfo, lstmForward, gruForward } from '@wasmml/kernels';
import { report, tfjs, time, round } from './harness.mjs';

const tf = await tfjs('wasm');
await init();
const maxThreads = backendInfo().requestedThreads;

function fill(p, n, seed) {
  const v = f32View(p, n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
  }
}

for (const [m, n, k, tA, tB] of [
  [1024, 1024, 1024, false, false],
  [256, 256, 256, false, false],
  [1024, 1024, 1024, true, false],
  [1024, 1024, 1024, false, true],
  [32, 128, 784, false, false],
]) {
  const a = alloc(m * k * 4),
    b = alloc(k * n * 4),
    c = alloc(m * n * 4);
  fill(a, m * k, 1);
  fill(b, k * n, 2);
  const ta = tf.randomUniform(tA ? [k, m] : [m, k]),
    tb = tf.randomUniform(tB ? [n, k] : [k, n]);
  const tfMs = time(() => tf.matMul(ta, tb, tA, tB).dataSync());
  const flop = 2 * m * n * k;
  for (const threads of [...new Set([1, maxThreads])]) {
    await setThreads(threads);
    const ms = time(() => gemm(a, b, c, m, n, k, { transposeA: tA, transposeB: tB }));
    report(`gemm ${m}x${n}x${k}${tA ? ' tA' : ''}${tB ? ' tB' : ''} threads=${threads}`, ms, tfMs, {
      gflops: round(flop / ms / 1e6, 1),
      tfjs_gflops: round(flop / tfMs / 1e6, 1),
      variant: backendInfo().variant,
    });
  }
  tf.dispose([ta, tb]);
}

// A GEMM with a short k, so the fused bias + activation epilogue is a large part of the time.
await setThreads(maxThreads);
{
  const [m, n, k] = [4096, 256, 16];
  const a = alloc(m * k * 4),
    b = alloc(k * n * 4),
    c = alloc(m * n * 4),
    bias = alloc(n * 4);
  fill(a, m * k, 3);
  fill(b, k * n, 4);
  fill(bias, n, 5);
  for (const activation of ['linear', 'relu', 'elu', 'sigmoid', 'tanh']) {
    const ms = time(() => gemm(a, b, c, m, n, k, { bias, activation }));
    report(`fused gemm ${m}x${n}x${k} + bias + ${activation} threads=${maxThreads}`, ms, undefined);
  }
}

// Whole recurrent sequences (the gates' sigmoid and tanh run in the fused cell).
{
  const [batch, steps, units] = [32, 100, 128];
  for (const [name, g] of [
    ['lstm', 4],
    ['gru', 3],
  ]) {
    const gates = alloc(batch * steps * g * units * 4),
      u = alloc(units * g * units * 4);
    const h0 = alloc(batch * units * 4),
      c0 = alloc(batch * units * 4);
    const h = alloc(batch * steps * units * 4),
      c = alloc(batch * steps * units * 4);
    fill(u, units * g * units, 6);
    fill(h0, batch * units, 7);
    fill(c0, batch * units, 8);
    const fresh = () => fill(gates, batch * steps * g * units, 9);
    const s = { gates, recurrentKernel: u, h0, batch, steps, units, recurrentActivation: 'sigmoid' };
    const run =
      name === 'lstm'
        ? () => {
            fresh();
            lstmForward({ ...s, c0, h, c });
          }
        : () => {
            fresh();
            gruForward({ ...s, h, rh: c });
          };
    const ms = time(run);
    fresh();
    const fillMs = time(fresh);
    report(`${name} forward batch ${batch} x ${steps} steps x ${units} units threads=${maxThreads}`, ms - fillMs, undefined, {
      fill_ms: round(fillMs),
    });
  }
}
process.exit(0);
