// The two thread splits of gemm (4-row panels, or 16-column groups over every
// row) side by side on the shapes few-row products take in training and
// inference: the seed CNN's dense layer forward (32x128x5408) and input
// gradient (32x5408x128, Bᵀ), batch-1 and batch-4 decoding, and small layers.
// Prints GFLOP/s of each and cols/rows (gemm takes the column split up to 128 rows).
//   THREADS=2 node bench/gemm-split.mjs
import { alloc, f32View, free, gemm, init } from '@wasmml/kernels';
import { round } from './harness.mjs';

await init({ threads: Number(process.env.THREADS ?? 2) });
const shapes = [
  [32, 128, 5408, false, false],
  [32, 5408, 128, false, true],
  [32, 10, 128, false, false],
  [1, 768, 768, false, false],
  [1, 2304, 768, false, false],
  [4, 512, 2048, false, true],
  [16, 256, 256, false, false],
  [64, 1024, 1024, false, false],
  [128, 1024, 1024, false, false],
  [256, 512, 512, false, false],
  [128, 128, 5408, false, false],
];
const buf = (n) => {
  const p = alloc(Math.max(4, n * 4));
  const v = f32View(p, n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i) * 0.1;
  return p;
};
function time(fn) {
  for (let i = 0; i < 3; i++) fn();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const reps = 20;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best;
}
for (const [m, n, k, tA, tB] of shapes) {
  const a = buf(m * k),
    b = buf(k * n),
    c = buf(m * n);
  const flop = 2 * m * n * k;
  const ms = {};
  for (const split of ['rows', 'cols']) {
    ms[split] = time(() => gemm(a, b, c, m, n, k, { transposeA: tA, transposeB: tB, split }));
  }
  console.log(
    JSON.stringify({
      shape: `${m}x${n}x${k}${tB ? ' Bᵀ' : ''}`,
      rows_gflops: round(flop / ms.rows / 1e6),
      cols_gflops: round(flop / ms.cols / 1e6),
      cols_over_rows: round(ms.rows / ms.cols),
    }),
  );
  free(a);
  free(b);
  free(c);
}
