// Top-k selection over a row of scores with a bounded heap: O(n log k).
// Ties rank the lower index first, so results are deterministic.

/** Whether a (score, index) pair ranks below another. */
function below(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

/**
 * The indices of the k highest scores in scores[offset .. offset + n), best
 * first, skipping indices for which `skip` returns true and NaN scores.
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  skip?: (i: number) => boolean,
  offset = 0,
  n = scores.length - offset,
): Int32Array {
  const cap = Math.max(0, Math.min(k, n));
  const hs = new Float64Array(cap),
    hi = new Int32Array(cap);
  let size = 0;
  const siftDown = (p: number) => {
    for (;;) {
      const l = 2 * p + 1,
        r = l + 1;
      let m = p;
      if (l < size && below(hs[l]!, hi[l]!, hs[m]!, hi[m]!)) m = l;
      if (r < size && below(hs[r]!, hi[r]!, hs[m]!, hi[m]!)) m = r;
      if (m === p) return;
      [hs[p], hs[m]] = [hs[m]!, hs[p]!];
      [hi[p], hi[m]] = [hi[m]!, hi[p]!];
      p = m;
    }
  };
  for (let i = 0; i < n && cap > 0; i++) {
    const s = scores[offset + i]!;
    if (Number.isNaN(s) || skip?.(i)) continue;
    if (size < cap) {
      // Sift up into the min-heap (root = the weakest kept pair).
      let c = size++;
      hs[c] = s;
      hi[c] = i;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!below(hs[c]!, hi[c]!, hs[p]!, hi[p]!)) break;
        [hs[p], hs[c]] = [hs[c]!, hs[p]!];
        [hi[p], hi[c]] = [hi[c]!, hi[p]!];
        c = p;
      }
    } else if (below(hs[0]!, hi[0]!, s, i)) {
      hs[0] = s;
      hi[0] = i;
      siftDown(0);
    }
  }
  const out = Array.from({ length: size }, (_, j) => j).sort((a, b) => (below(hs[a]!, hi[a]!, hs[b]!, hi[b]!) ? 1 : -1));
  return Int32Array.from(out, (j) => hi[j]!);
}
