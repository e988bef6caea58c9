// The Dataset pipeline: a recipe for an async stream of elements, in the spirit
// of tf.data. Every transformation returns a new Dataset; nothing runs until the
// dataset is iterated, and each iteration starts again from the source.
import { stackBatch, type Batched } from './batch.js';
import { deriveSeed, randomSeed, Random, seedToInt, type Seed } from './random.js';

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /** Seed; the same seed gives the same order on every run. Random when omitted. */
  seed?: Seed;
  /** Draw a new order on each iteration (epoch), still determined by the seed. Default true. */
  reshuffleEachIteration?: boolean;
}

/** Options of {@link Dataset.split}. */
export interface SplitOptions {
  /** Seed of the assignment of elements to parts. Default 0 (splits should be stable). */
  seed?: Seed;
}

/** The number of elements, `Infinity` for an endless dataset, or `null` when unknown. */
export type DatasetSize = number | null;

/** What a {@link Dataset} is made from: a function returning a fresh iterator for iteration number `i`. */
export type DatasetSource<T> = (iteration: number) => AsyncIterator<T>;

function addSizes(a: DatasetSize, b: DatasetSize): DatasetSize {
  return a === null || b === null ? null : a + b;
}

/**
 * An ordered, re-iterable, lazily computed collection of elements: numbers,
 * typed arrays, {@link Shaped} arrays, strings, and arrays/objects of them.
 * `for await (const x of ds)` iterates it; {@link Dataset.batch} stacks elements into tensors.
 */
export class Dataset<T> implements AsyncIterable<T> {
  private iterations = 0;

  /**
   * Low-level constructor: `source(i)` returns a fresh iterator for the i-th
   * iteration. Prefer {@link fromArrays}, {@link fromGenerator} or {@link fromCsv}.
   * @param source Makes the iterator of each iteration.
   * @param size The number of elements, `Infinity` or `null` (unknown); see {@link DatasetSize}.
   */
  constructor(
    private readonly source: DatasetSource<T>,
    readonly size: DatasetSize = null,
  ) {}

  /** A fresh iterator over the elements. */
  iterator(): AsyncIterator<T> {
    return this.source(this.iterations++);
  }

  /** Async iteration: `for await (const element of dataset)`. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.iterator();
  }

  private derive<U>(size: DatasetSize, gen: (iteration: number) => AsyncGenerator<U>): Dataset<U> {
    return new Dataset<U>(gen, size);
  }

  private elements(): AsyncIterable<T> {
    return { [Symbol.asyncIterator]: () => this.iterator() };
  }

  /** Applies `fn` to every element; `fn` may be async. */
  map<U>(fn: (element: T) => U | Promise<U>): Dataset<U> {
    const src = this.elements();
    return this.derive(this.size, async function* () {
      for await (const x of src) yield await fn(x);
    });
  }

  /** Keeps the elements for which `predicate` is true; it may be async. */
  filter(predicate: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    const src = this.elements();
    return this.derive(this.size === Infinity ? Infinity : null, async function* () {
      for await (const x of src) if (await predicate(x)) yield x;
    });
  }

  /** Calls `fn` on every element, in order; resolves when the dataset is exhausted. */
  async forEachAsync(fn: (element: T) => void | Promise<void>): Promise<void> {
    for await (const x of this.elements()) await fn(x);
  }

  /** All elements in an array (throws for an endless dataset rather than hanging). */
  async toArray(): Promise<T[]> {
    if (this.size === Infinity) throw new Error('toArray: the dataset is endless (repeat() without a count?)');
    const out: T[] = [];
    for await (const x of this.elements()) out.push(x);
    return out;
  }

  /** The first `count` elements (all of them when count is negative or past the end). */
  take(count: number): Dataset<T> {
    const src = this.elements();
    const n = count < 0 ? Infinity : Math.floor(count);
    const size = this.size === null ? null : Math.min(this.size, n);
    return this.derive(size, async function* () {
      if (n <= 0) return;
      let i = 0;
      for await (const x of src) {
        yield x;
        if (++i >= n) return;
      }
    });
  }

  /** All but the first `count` elements. */
  skip(count: number): Dataset<T> {
    const src = this.elements();
    const n = Math.max(0, Math.floor(count));
    const size = this.size === null ? null : Math.max(0, this.size - n);
    return this.derive(size, async function* () {
      let i = 0;
      for await (const x of src) if (i++ >= n) yield x;
    });
  }

  /**
   * The elements `count` times over (forever when count is omitted or negative).
   * Each pass is a new iteration, so a shuffle upstream draws a new order per pass.
   */
  repeat(count?: number): Dataset<T> {
    const times = count === undefined || count < 0 ? Infinity : Math.floor(count);
    const size = this.size === null ? (times === Infinity ? Infinity : null) : this.size === 0 ? 0 : this.size * times;
    const src = this.elements();
    return this.derive(size, async function* () {
      for (let k = 0; k < times; k++) {
        let any = false;
        for await (const x of src) {
          any = true;
          yield x;
        }
        // An empty dataset repeated forever would spin without yielding.
        if (!any) return;
      }
    });
  }

  /** This dataset's elements followed by `other`'s. */
  concatenate(other: Dataset<T>): Dataset<T> {
    const a = this.elements();
    const b = other.elements();
    return this.derive(addSizes(this.size, other.size), async function* () {
      yield* a;
      yield* b;
    });
  }

  /**
   * Randomly shuffles through a buffer of `bufferSize` elements (a buffer at
   * least the dataset's size gives a uniform shuffle). Seeded: the same seed
   * gives the same orders; with `reshuffleEachIteration` (default) each epoch
   * gets its own order, derived from the seed and the epoch number.
   * A number or string as second argument is taken as the seed, as in tfjs.
   */
  shuffle(bufferSize: number, options: ShuffleOptions | Seed = {}): Dataset<T> {
    if (!(bufferSize >= 1)) throw new Error(`shuffle: bufferSize must be >= 1, got ${bufferSize}`);
    const opts = typeof options === 'object' ? options : { seed: options };
    const base = opts.seed === undefined ? randomSeed() : seedToInt(opts.seed);
    const reshuffle = opts.reshuffleEachIteration ?? true;
    const src = this.elements();
    const cap = Math.floor(bufferSize);
    return this.derive(this.size, async function* (iteration) {
      const rng = new Random(deriveSeed(base, reshuffle ? iteration : 0));
      const buf: T[] = [];
      for await (const x of src) {
        if (buf.length < cap) {
          buf.push(x);
          continue;
        }
        const j = rng.int(cap);
        const out = buf[j]!;
        buf[j] = x;
        yield out;
      }
      // Drain in random order: swap-remove keeps it O(1) per element.
      while (buf.length > 0) {
        const j = rng.int(buf.length);
        const out = buf[j]!;
        buf[j] = buf[buf.length - 1]!;
        buf.pop();
        yield out;
      }
    });
  }

  /**
   * Groups `batchSize` consecutive elements and stacks them into tensors of shape
   * `[batchSize, ...elementShape]`: numbers → 1-D, typed arrays → 2-D, Shaped
   * arrays and tensors keep their shape, nested number arrays are leaves as in
   * tfjs, strings become string arrays, and objects/arrays of those become
   * objects/arrays of stacked tensors. The last batch may be smaller unless
   * `smallLastBatch` is false.
   */
  batch(batchSize: number, smallLastBatch = true): Dataset<Batched<T>> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch: batchSize must be a positive integer, got ${batchSize}`);
    const src = this.elements();
    const size =
      this.size === null || this.size === Infinity
        ? this.size
        : smallLastBatch
          ? Math.ceil(this.size / batchSize)
          : Math.floor(this.size / batchSize);
    return this.derive(size, async function* () {
      let rows: T[] = [];
      for await (const x of src) {
        rows.push(x);
        if (rows.length === batchSize) {
          const full = rows;
          rows = [];
          yield stackBatch(full) as Batched<T>;
        }
      }
      if (rows.length > 0 && smallLastBatch) yield stackBatch(rows) as Batched<T>;
    });
  }

  /**
   * Computes up to `bufferSize` elements ahead of the consumer, so that I/O and
   * async work upstream overlap with the training step downstream.
   */
  prefetch(bufferSize: number): Dataset<T> {
    if (!(bufferSize >= 1)) throw new Error(`prefetch: bufferSize must be >= 1, got ${bufferSize}`);
    const cap = Math.floor(bufferSize);
    return new Dataset<T>(() => prefetchIterator(this.iterator(), cap), this.size);
  }

  /**
   * Splits into parts with the given fractions (summing to 1), e.g. `[0.8, 0.2]`
   * for train/test. Each element goes to exactly one part, decided by its position
   * and the seed, so the parts never overlap as long as the dataset yields the
   * same elements in the same order on every iteration (split before shuffling).
   * With a known size the part sizes are exact; otherwise each element is
   * assigned independently with the given probabilities.
   */
  split(fractions: readonly number[], options: SplitOptions = {}): Dataset<T>[] {
    if (fractions.length < 2 || fractions.some((f) => !(f >= 0)) || Math.abs(fractions.reduce((a, b) => a + b, 0) - 1) > 1e-6) {
      throw new Error(`split: fractions must be 2 or more non-negative numbers summing to 1, got [${fractions.join(', ')}]`);
    }
    const seed = seedToInt(options.seed ?? 0);
    const total = this.size;
    let assignment: Uint8Array | undefined;
    let counts: number[] | undefined;
    if (total !== null && total !== Infinity) {
      counts = exactCounts(fractions, total);
      assignment = new Uint8Array(total);
      const perm = new Random(seed).permutation(total);
      let at = 0;
      counts.forEach((c, part) => {
        for (let k = 0; k < c; k++) assignment![perm[at++]!] = part;
      });
    }
    const cumulative = fractions.map((_, i) => fractions.slice(0, i + 1).reduce((a, b) => a + b, 0));
    const partOf = (index: number): number => {
      if (assignment) return index < assignment.length ? assignment[index]! : -1;
      const u = deriveSeed(seed, index) / 4294967296;
      const p = cumulative.findIndex((c) => u < c);
      return p < 0 ? fractions.length - 1 : p;
    };
    const src = this.elements();
    return fractions.map((_, part) =>
      this.derive(counts ? counts[part]! : total === Infinity ? Infinity : null, async function* () {
        let i = 0;
        for await (const x of src) if (partOf(i++) === part) yield x;
      }),
    );
  }
}

function exactCounts(fractions: readonly number[], n: number): number[] {
  const raw = fractions.map((f) => f * n);
  const counts = raw.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) counts[order[k % order.length]![1]]!++;
  return counts;
}

function prefetchIterator<T>(it: AsyncIterator<T>, cap: number): AsyncIterator<T> {
  const queue: Promise<IteratorResult<T>>[] = [];
  let done = false;
  const fill = (): void => {
    while (!done && queue.length < cap) {
      const p = it.next();
      // Rejections surface when the consumer reaches them; never as unhandled.
      p.then(
        (r) => {
          if (r.done) done = true;
        },
        () => {
          done = true;
        },
      );
      queue.push(p);
    }
  };
  return {
    async next() {
      fill();
      const head = queue.shift();
      if (!head) return { done: true, value: undefined };
      const r = await head;
      if (r.done) queue.length = 0;
      else fill();
      return r;
    },
    async return(value?: unknown) {
      done = true;
      queue.length = 0;
      await it.return?.(value);
      return { done: true, value: undefined };
    },
  };
}
