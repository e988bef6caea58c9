// The one seeded generator of wasmml: tensor's random ops and global seed,
// datasets' shuffles, splits and augmentation, nlp's masking, the recommenders'
// initialisation and sampling. sfc32 (a small fast counter generator that
// passes PractRand) seeded through splitmix32, so that nearby seeds (1, 2, 3...)
// still give unrelated streams. (This was @wasmml/datasets' generator; its
// streams are kept, the other two generators of earlier versions are gone.)

/** A seed: a number, or a string hashed to one (tfjs accepts string seeds). */
export type Seed = number | string;

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Maps a seed to 32 bits; strings through FNV-1a, numbers mixed with their fractional part. */
export function seedToInt(seed: Seed): number {
  if (typeof seed === 'string') {
    let h = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number or a string, got ${seed}`);
  return (Math.floor(seed) ^ Math.floor((seed % 1) * 0x100000000)) >>> 0;
}

/** Derives an independent stream seed from a base seed and a counter (epoch, worker, image...). */
export function deriveSeed(base: number, k: number): number {
  const g = splitmix32((base ^ Math.imul(k + 1, 0x27d4eb2f)) >>> 0);
  g();
  return g();
}

/** A seeded generator of uniform and normal variates. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  /** Same seed, same sequence. */
  constructor(seed: Seed) {
    const g = splitmix32(seedToInt(seed));
    this.a = g();
    this.b = g();
    this.c = g();
    this.d = g();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal variate (Marsaglia polar method; the second value is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T extends ArrayLike<unknown> & { [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
