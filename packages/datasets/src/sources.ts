// Ways to make a Dataset: from in-memory arrays, from a generator, or by zipping.
import { Dataset, type DatasetSize } from './dataset.js';
import { isPlainObject, isTypedArray, Shaped, type TypedArray } from './types.js';

/** A column for {@link fromArrays}: one value per element, or a Shaped array sliced along its first axis. */
export type Column = readonly unknown[] | TypedArray | Shaped<TypedArray>;

/** The element type of a column. */
export type ColumnElement<C> =
  C extends Shaped<infer A> ? Shaped<A> : C extends TypedArray ? number : C extends readonly (infer E)[] ? E : never;

function columnLength(c: Column): number {
  return c instanceof Shaped ? (c.shape[0] ?? 0) : c.length;
}

function columnAt(c: Column): (i: number) => unknown {
  if (c instanceof Shaped) {
    const inner = c.shape.slice(1);
    const size = inner.reduce((a, b) => a * b, 1);
    // subarray: elements share the column's memory, so slicing costs nothing.
    return (i) => new Shaped(c.data.subarray(i * size, (i + 1) * size), inner);
  }
  return (i) => c[i];
}

/**
 * A dataset over in-memory data, like `tf.data.array`. Given an array, its items
 * are the elements. Given an object of columns (`{xs: images, ys: labels}`), the
 * i-th element is `{xs: images[i], ys: labels[i]}`; a {@link Shaped} column of
 * shape `[n, ...rest]` yields views of shape `rest` (no copies).
 */
export function fromArrays<T>(items: readonly T[]): Dataset<T>;
export function fromArrays<C extends Record<string, Column>>(columns: C): Dataset<{ [K in keyof C]: ColumnElement<C[K]> }>;
export function fromArrays(data: readonly unknown[] | Record<string, Column>): Dataset<unknown> {
  if (Array.isArray(data)) {
    const items = data.slice();
    return new Dataset(() => {
      let i = 0;
      return {
        next: () => Promise.resolve(i < items.length ? { done: false, value: items[i++] } : { done: true, value: undefined }),
        return: () => {
          i = items.length;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    }, items.length);
  }
  if (!isPlainObject(data)) throw new Error('fromArrays: expected an array of elements or an object of columns');
  const keys = Object.keys(data);
  if (keys.length === 0) throw new Error('fromArrays: the object of columns is empty');
  const cols = data as Record<string, Column>;
  for (const k of keys) {
    const c = cols[k];
    if (!(Array.isArray(c) || isTypedArray(c) || c instanceof Shaped)) {
      throw new Error(`fromArrays: column "${k}" must be an array, a typed array or a Shaped array`);
    }
  }
  const n = columnLength(cols[keys[0]!]!);
  for (const k of keys) {
    const len = columnLength(cols[k]!);
    if (len !== n) throw new Error(`fromArrays: column "${k}" has ${len} elements but column "${keys[0]}" has ${n}`);
  }
  const getters = keys.map((k) => columnAt(cols[k]!));
  return new Dataset(
    () =>
      (async function* () {
        for (let i = 0; i < n; i++) {
          const el: Record<string, unknown> = {};
          for (let k = 0; k < keys.length; k++) el[keys[k]!] = getters[k]!(i);
          yield el;
        }
      })(),
    n,
  );
}

/**
 * A dataset whose elements come from `generator`, called anew for each
 * iteration (like `tf.data.generator`). It may return a sync or async iterator
 * or iterable, so both `function*` and `async function*` work.
 */
export function fromGenerator<T>(
  generator: () => Iterator<T> | AsyncIterator<T> | Iterable<T> | AsyncIterable<T>,
  size: DatasetSize = null,
): Dataset<T> {
  return new Dataset<T>(() => {
    const g = generator() as any;
    const it =
      typeof g?.[Symbol.asyncIterator] === 'function'
        ? g[Symbol.asyncIterator]()
        : typeof g?.[Symbol.iterator] === 'function'
          ? g[Symbol.iterator]()
          : g;
    if (typeof it?.next !== 'function') throw new Error('fromGenerator: the function must return an iterator or an iterable');
    return toAsync(it as Iterator<T> | AsyncIterator<T>);
  }, size);
}

function toAsync<T>(it: Iterator<T> | AsyncIterator<T>): AsyncIterator<T> {
  return {
    next: async () => it.next(),
    return: async (v?: unknown) => (it.return ? it.return(v as T) : { done: true, value: v as T }),
  };
}

/**
 * Combines datasets element-wise into arrays or objects, like `tf.data.zip`:
 * `zip({xs, ys})` yields `{xs: x_i, ys: y_i}`. Stops at the shortest dataset.
 */
export function zip<T extends readonly Dataset<unknown>[]>(
  datasets: T,
): Dataset<{ [K in keyof T]: T[K] extends Dataset<infer E> ? E : never }>;
export function zip<T extends Record<string, Dataset<unknown>>>(
  datasets: T,
): Dataset<{ [K in keyof T]: T[K] extends Dataset<infer E> ? E : never }>;
export function zip(datasets: readonly Dataset<unknown>[] | Record<string, Dataset<unknown>>): Dataset<unknown> {
  const isArray = Array.isArray(datasets);
  const keys = isArray ? [] : Object.keys(datasets);
  const list = isArray ? (datasets as readonly Dataset<unknown>[]) : keys.map((k) => (datasets as Record<string, Dataset<unknown>>)[k]!);
  if (list.length === 0) throw new Error('zip: no datasets given');
  if (list.some((d) => !(d instanceof Dataset))) throw new Error('zip: every member must be a Dataset');
  const sizes = list.map((d) => d.size);
  const size = sizes.includes(null) ? null : Math.min(...(sizes as number[]));
  return new Dataset(
    () =>
      (async function* () {
        const its = list.map((d) => d.iterator());
        try {
          for (;;) {
            const rs = await Promise.all(its.map((it) => it.next()));
            if (rs.some((r) => r.done)) return;
            if (isArray) yield rs.map((r) => r.value);
            else {
              const el: Record<string, unknown> = {};
              keys.forEach((k, i) => {
                el[k] = rs[i]!.value;
              });
              yield el;
            }
          }
        } finally {
          await Promise.all(its.map((it) => it.return?.()));
        }
      })(),
    size,
  );
}
