// Copying N-d blocks between buffers with arbitrary element strides: the
// engine of slice, pad, concat, reverse and tile. Contiguous innermost runs go
// through TypedArray.set (a native memcpy); everything else is a tight loop.
import type { TypedArray } from './dtype.js';

/**
 * For every index i of `shape`: dst[dOff + Σ i_k·dStr_k] = src[sOff + Σ i_k·sStr_k].
 * Strides are in elements and may be negative (reverse) or zero (broadcast).
 */
export function copyBlock(src: TypedArray, sOff: number, sStr: readonly number[], dst: TypedArray, dOff: number,
  dStr: readonly number[], shape: readonly number[]): void {
  const rank = shape.length;
  for (const d of shape) if (d === 0) return;
  if (rank === 0) {
    dst[dOff] = src[sOff]!;
    return;
  }
  const inner = shape[rank - 1]!;
  const si = sStr[rank - 1]!, di = dStr[rank - 1]!;
  const contiguous = si === 1 && di === 1;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let s = sOff, d = dOff;
  for (;;) {
    if (contiguous) dst.set(src.subarray(s, s + inner), d);
    else for (let j = 0, a = s, b = d; j < inner; j++, a += si, b += di) dst[b] = src[a]!;
    let k = rank - 2;
    for (; k >= 0; k--) {
      idx[k]!++;
      s += sStr[k]!;
      d += dStr[k]!;
      if (idx[k]! < shape[k]!) break;
      s -= sStr[k]! * shape[k]!;
      d -= dStr[k]! * shape[k]!;
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}
