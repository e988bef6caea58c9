// Copying N-d blocks between buffers with arbitrary element strides: the
// engine of slice, pad, concat, reverse and tile. Contiguous innermost runs go
// through TypedArray.set (a native memcpy); everything else is a tight loop.
import type { TypedArray } from './dtype.js';

/**
 * For every index i of `shape`: dst[dOff + Σ i_k·dStr_k] = src[sOff + Σ i_k·sStr_k].
 * Strides are in elements and may be negative (reverse) or zero (broadcast).
 */
export function copyBlock(
  src: TypedArray,
  sOff: number,
  sStr0: readonly number[],
  dst: TypedArray,
  dOff: number,
  dStr0: readonly number[],
  shape0: readonly number[],
): void {
  for (const d of shape0) if (d === 0) return;
  const { shape, sStr, dStr } = collapse(shape0, sStr0, dStr0);
  const rank = shape.length;
  if (rank === 0) {
    dst[dOff] = src[sOff]!;
    return;
  }
  const inner = shape[rank - 1]!;
  const si = sStr[rank - 1]!,
    di = dStr[rank - 1]!;
  // Short runs are cheaper as a loop than as a subarray + set.
  const contiguous = si === 1 && di === 1 && inner >= 16;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let s = sOff,
    d = dOff;
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

/**
 * The same copy over fewer dimensions: size-1 dimensions dropped, and each
 * dimension merged into the next when both sides step through them as one
 * (e.g. slicing rows of [n, 28, 28, 1] is one contiguous run per call, not one
 * per element).
 */
function collapse(
  shape: readonly number[],
  sStr: readonly number[],
  dStr: readonly number[],
): { shape: number[]; sStr: number[]; dStr: number[] } {
  const out = { shape: [] as number[], sStr: [] as number[], dStr: [] as number[] };
  for (let k = 0; k < shape.length; k++) {
    const n = shape[k]!;
    if (n === 1) continue;
    const last = out.shape.length - 1;
    if (last >= 0 && out.sStr[last] === sStr[k]! * n && out.dStr[last] === dStr[k]! * n) {
      out.shape[last]! *= n;
      out.sStr[last] = sStr[k]!;
      out.dStr[last] = dStr[k]!;
    } else {
      out.shape.push(n);
      out.sStr.push(sStr[k]!);
      out.dStr.push(dStr[k]!);
    }
  }
  return out;
}
