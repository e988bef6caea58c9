// Seeded pseudo-random numbers (xoshiro128**, seeded through splitmix32). The
// same seed gives the same stream on every runtime.

export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | undefined;

  constructor(seed: number) {
    this.reseed(seed);
  }

  reseed(seed: number): void {
    let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() || 1;
    this.spare = undefined;
  }

  /** Next 32 random bits. */
  nextU32(): number {
    const r = Math.imul(((Math.imul(this.s1, 5) << 7) | (Math.imul(this.s1, 5) >>> 25)), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return r;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

let global = new Random(Date.now());
/** The stream of the synchronous section running now (see withGenerator), if any. */
let scoped: Random | undefined;

/** Seeds the global generator: every later random op without its own seed follows from it. */
export function setSeed(seed: number): void {
  global = new Random(seed);
}

/**
 * A 32-bit seed drawn from the global generator: libraries seed their own
 * streams with it so that `setSeed` makes whole training runs reproducible.
 */
export function nextSeed(): number {
  return (scoped ?? global).nextU32();
}

/** The generator for one call: its own when a seed is given, else the scoped or global one. */
export function generator(seed?: number): Random {
  return seed === undefined ? (scoped ?? global) : new Random(seed);
}

/** An independent random stream, seeded from the global generator now; run code on it with {@link withGenerator}. */
export function forkGenerator(): Random {
  return new Random(nextSeed());
}

/**
 * Runs `f` (synchronous) with every unseeded random op drawing from `stream`
 * instead of the global generator. A training loop forks a stream when it
 * starts and runs each step on it, so two loops interleaved by `await` draw
 * exactly what each would draw alone.
 */
export function withGenerator<T>(stream: Random, f: () => T): T {
  const prev = scoped;
  scoped = stream;
  try {
    return f();
  } finally {
    scoped = prev;
  }
}
