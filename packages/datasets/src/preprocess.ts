// Preprocessing on typed arrays: per-channel normalisation, one-hot labels,
// and class-balanced (stratified) splits.
import { Random, seedToInt, type Seed } from './random.js';
import { isPlainObject, Shaped } from './types.js';

/** Per-channel mean and standard deviation. */
export interface ChannelStats {
  /** Mean of each channel. */
  mean: number[];
  /** Standard deviation of each channel. */
  std: number[];
}

/** Mean and (population) standard deviation of each channel of channel-last data (HWC, NHWC...). */
export function channelStats(data: ArrayLike<number>, channels: number): ChannelStats {
  if (data.length % channels !== 0) throw new Error(`channelStats: ${data.length} values are not a multiple of ${channels} channels`);
  const n = data.length / channels;
  const mean: number[] = [];
  const std: number[] = [];
  for (let k = 0; k < channels; k++) {
    let s = 0;
    for (let i = k; i < data.length; i += channels) s += data[i]!;
    const m = s / n;
    let v = 0;
    for (let i = k; i < data.length; i += channels) v += (data[i]! - m) ** 2;
    mean.push(m);
    std.push(Math.sqrt(v / n));
  }
  return { mean, std };
}

/** `(x - mean[c]) / std[c]` for channel-last data; writes into `out` when given (may be `data` itself). */
export function normalize(data: Float32Array, stats: ChannelStats, out?: Float32Array): Float32Array {
  const c = stats.mean.length;
  if (stats.std.length !== c) throw new Error(`normalize: ${c} means but ${stats.std.length} standard deviations`);
  if (data.length % c !== 0) throw new Error(`normalize: ${data.length} values are not a multiple of ${c} channels`);
  const dst = out ?? new Float32Array(data.length);
  const inv = stats.std.map((s, k) => {
    if (!(s > 0)) throw new Error(`normalize: std of channel ${k} is ${s}; it must be positive`);
    return 1 / s;
  });
  for (let i = 0; i < data.length; i += c) for (let k = 0; k < c; k++) dst[i + k] = (data[i + k]! - stats.mean[k]!) * inv[k]!;
  return dst;
}

/** A map function normalising the {@link Shaped} image under `key` (default 'xs'), or the element itself. */
export function normalizer<E>(stats: ChannelStats, key = 'xs'): (element: E) => E {
  const apply = (x: unknown): Shaped<Float32Array> => {
    if (!(x instanceof Shaped) || !(x.data instanceof Float32Array)) throw new Error('normalizer: expected a Shaped float32 image');
    return new Shaped(normalize(x.data, stats), x.shape);
  };
  return (element: E): E => (isPlainObject(element) ? ({ ...element, [key]: apply(element[key]) } as E) : (apply(element) as E));
}

/** One-hot encoding: a label gives a vector of `numClasses`; an array of n labels gives n×numClasses values. */
export function oneHot(labels: number | ArrayLike<number>, numClasses: number): Float32Array {
  const list = typeof labels === 'number' ? [labels] : labels;
  const out = new Float32Array(list.length * numClasses);
  for (let i = 0; i < list.length; i++) {
    const l = list[i]!;
    if (!Number.isInteger(l) || l < 0 || l >= numClasses)
      throw new Error(`oneHot: label ${l} at index ${i} is outside 0..${numClasses - 1}`);
    out[i * numClasses + l] = 1;
  }
  return out;
}

/** Options of {@link stratifiedSplit}. */
export interface StratifiedSplitOptions {
  /** Seed of the assignment (default 0). */
  seed?: Seed;
}

/**
 * Splits indices 0..n-1 into parts with the given fractions (e.g. `[0.8, 0.2]`)
 * so that every class keeps its proportion in every part (within one element).
 * Seeded; each part's indices come in ascending order.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  fractions: readonly number[],
  options: StratifiedSplitOptions = {},
): Uint32Array[] {
  if (fractions.length < 2 || fractions.some((f) => !(f >= 0)) || Math.abs(fractions.reduce((a, b) => a + b, 0) - 1) > 1e-6) {
    throw new Error(`stratifiedSplit: fractions must be 2 or more non-negative numbers summing to 1, got [${fractions.join(', ')}]`);
  }
  const rng = new Random(seedToInt(options.seed ?? 0));
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    let list = byClass.get(l);
    if (!list) byClass.set(l, (list = []));
    list.push(i);
  }
  const parts: number[][] = fractions.map(() => []);
  // Rounding per class would drift (10 classes × ±0.5); carry the remainders across classes instead.
  const carried = fractions.map(() => 0);
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = rng.shuffle(byClass.get(cls)!);
    let at = 0;
    fractions.forEach((f, p) => {
      if (p === fractions.length - 1) {
        parts[p]!.push(...idx.slice(at));
        return;
      }
      const want = f * idx.length + carried[p]!;
      const take = Math.min(idx.length - at, Math.max(0, Math.round(want)));
      carried[p] = want - take;
      parts[p]!.push(...idx.slice(at, at + take));
      at += take;
    });
  }
  return parts.map((p) => Uint32Array.from(p).sort());
}
