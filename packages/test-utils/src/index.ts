// Helpers shared by the test suites of every package.

/** A small seeded generator (mulberry32) so failures reproduce. */
export function rng(seed = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n uniform floats in [lo, hi). */
export function randomFloats(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** The first index where |a - b| > atol + rtol*|b|, with both values, or undefined. */
export function firstMismatch(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rtol = 1e-4,
  atol = 1e-5,
): { index: number; actual: number; expected: number } | undefined {
  if (a.length !== b.length) return { index: -1, actual: a.length, expected: b.length };
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = b[i]!;
    if (Number.isNaN(y) ? !Number.isNaN(x) : !(Math.abs(x - y) <= atol + rtol * Math.abs(y)) && x !== y) {
      return { index: i, actual: x, expected: y };
    }
  }
  return undefined;
}

/** Throws with the first mismatch (index and both values) when a and b differ beyond tolerance. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-4, atol = 1e-5, what = ''): void {
  const m = firstMismatch(a, b, rtol, atol);
  if (m) {
    throw new Error(
      m.index < 0
        ? `${what} length ${m.actual} != expected ${m.expected}`
        : `${what} mismatch at ${m.index}: got ${m.actual}, expected ${m.expected} (rtol ${rtol}, atol ${atol})`,
    );
  }
}

/** Reference matmul in float64: C[m][n] = op(A)·op(B). */
export function refMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  transposeA = false,
  transposeB = false,
): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transposeA ? a[p * m + i]! : a[i * k + p]!;
        const bv = transposeB ? b[j * k + p]! : b[p * n + j]!;
        s += av * bv;
      }
      c[i * n + j] = s;
    }
  }
  return c;
}
