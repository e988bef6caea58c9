// The numbers of int8 quantisation, in plain TypeScript: per-channel symmetric
// weight scales and asymmetric 7-bit activation ranges (see assembly/int8.ts
// for why 7 bits).
import type { Int8InputQuant } from '@wasmml/tensor';

/** Per-column symmetric int8 quantisation of a row-major [k][n] matrix: w ≈ q · scales[j]. */
export function quantizeColumns(w: Float32Array, k: number, n: number): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) scales[j] = Math.max(scales[j]!, Math.abs(w[i * n + j]!));
  for (let j = 0; j < n; j++) scales[j] = scales[j]! / 127;
  const values = new Int8Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) {
      const s = scales[j]!;
      values[i * n + j] = s === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(w[i * n + j]! / s)));
    }
  }
  return { values, scales };
}

/** The u7 quantisation of a calibrated range [min, max] (widened to hold 0, so zero is exact). */
export function rangeQuant(min: number, max: number): Int8InputQuant {
  const lo = Math.min(min, 0),
    hi = Math.max(max, 0);
  const scale = hi > lo ? (hi - lo) / 127 : 1;
  const zeroPoint = Math.max(0, Math.min(127, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}

/** Rounds w to its per-column int8 grid in place (fake quantisation, for QAT). */
export function fakeQuantizeColumns(w: Float32Array, k: number, n: number): Float32Array {
  const { values, scales } = quantizeColumns(w, k, n);
  for (let i = 0; i < k * n; i++) w[i] = values[i]! * scales[i % n]!;
  return w;
}
