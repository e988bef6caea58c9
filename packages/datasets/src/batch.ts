// Stacking a list of elements into one batch element, following tfjs-data's
// rules: numbers, booleans, typed arrays, Shaped arrays, tensors and nested
// number arrays are leaves stacked along a new first axis; objects and arrays
// holding anything else are containers whose members are stacked one by one.
import { isTensor, makeTensor, readTensor, type Tensor } from './tensors.js';
import { dtypeOf, isPlainObject, isTypedArray, Shaped, type DType, type TypedArray } from './types.js';

/** What `batch` makes of an element type: leaves become tensors, containers keep their keys. */
export type Batched<T> = T extends number | boolean | TypedArray | Shaped<any> | Tensor | readonly number[] | readonly (readonly number[])[]
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { [K in keyof T]: Batched<T[K]> }
      : T extends object
        ? { [K in keyof T]: Batched<T[K]> }
        : never;

function isNumericNested(x: unknown): boolean {
  while (Array.isArray(x)) {
    if (x.length === 0) return true;
    x = x[0];
  }
  return typeof x === 'number' || typeof x === 'boolean';
}

function nestedShape(x: unknown): number[] {
  const shape: number[] = [];
  while (Array.isArray(x)) {
    shape.push(x.length);
    x = x[0];
  }
  return shape;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (isTypedArray(x)) return `${x.constructor.name}(${x.length})`;
  if (x instanceof Shaped) return `Shaped[${x.shape.join(', ')}]`;
  if (isTensor(x)) return `Tensor[${x.shape.join(', ')}]`;
  if (Array.isArray(x)) return `array(${x.length})`;
  return typeof x;
}

function fail(path: string, i: number, what: string): never {
  throw new Error(`batch: element ${i} at ${path || 'the top level'}: ${what}`);
}

function flattenNested(x: unknown, shape: number[], out: Float32Array, offset: number, path: string, i: number): number {
  const walk = (v: unknown, d: number): void => {
    if (d === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') fail(path, i, `expected a number, found ${describe(v)}`);
      out[offset++] = Number(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      fail(path, i, `expected nested arrays of shape [${shape.join(', ')}] like element 0, found ${describe(v)} at depth ${d}`);
    }
    for (const e of v) walk(e, d + 1);
  };
  walk(x, 0);
  return offset;
}

function stackLeaves(rows: readonly unknown[], path: string): Tensor {
  const n = rows.length;
  const first = rows[0];
  if (typeof first === 'number' || typeof first === 'boolean') {
    const isBool = typeof first === 'boolean';
    const out = isBool ? new Uint8Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = rows[i];
      if (typeof v !== typeof first) fail(path, i, `expected a ${typeof first} like element 0, found ${describe(v)}`);
      out[i] = Number(v);
    }
    return makeTensor(out, [n], isBool ? 'bool' : 'float32');
  }
  let inner: readonly number[];
  let dtype: DType;
  if (isTypedArray(first)) {
    inner = [first.length];
    dtype = dtypeOf(first);
  } else if (first instanceof Shaped) {
    inner = first.shape;
    dtype = dtypeOf(first.data);
  } else if (isTensor(first)) {
    inner = first.shape;
    dtype = first.dtype;
  } else {
    const nested = nestedShape(first);
    const size = nested.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n * size);
    let offset = 0;
    for (let i = 0; i < n; i++) offset = flattenNested(rows[i], nested, out, offset, path, i);
    return makeTensor(out, [n, ...nested], 'float32');
  }
  const size = inner.reduce((a, b) => a * b, 1);
  const out = dtype === 'float32' ? new Float32Array(n * size) : dtype === 'int32' ? new Int32Array(n * size) : new Uint8Array(n * size);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    let data: TypedArray;
    if (isTypedArray(r) && isTypedArray(first)) data = r;
    else if (r instanceof Shaped && first instanceof Shaped && sameShape(r.shape, inner)) data = r.data;
    else if (isTensor(r) && isTensor(first) && sameShape(r.shape, inner)) data = readTensor(r).values;
    else return fail(path, i, `expected ${describe(first)} like element 0, found ${describe(r)}`);
    if (data.length !== size) fail(path, i, `expected ${size} values like element 0, found ${data.length}`);
    out.set(data, i * size);
  }
  return makeTensor(out, [n, ...inner], dtype);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

/** Stacks `rows` (at least one) into one batch; `path` names the member in error messages. */
export function stackBatch(rows: readonly unknown[], path = ''): unknown {
  if (rows.length === 0) throw new Error('batch: cannot stack an empty list of elements');
  const first = rows[0];
  if (first === null || first === undefined) fail(path, 0, `cannot batch ${describe(first)}`);
  if (typeof first === 'string') {
    return rows.map((r, i) => (typeof r === 'string' ? r : fail(path, i, `expected a string, found ${describe(r)}`)));
  }
  if (
    typeof first === 'number' ||
    typeof first === 'boolean' ||
    isTypedArray(first) ||
    first instanceof Shaped ||
    isTensor(first) ||
    (Array.isArray(first) && isNumericNested(first))
  ) {
    return stackLeaves(rows, path);
  }
  if (Array.isArray(first)) {
    return first.map((_, k) =>
      stackBatch(
        rows.map((r, i) => {
          if (!Array.isArray(r) || r.length !== first.length)
            fail(path, i, `expected an array of ${first.length} like element 0, found ${describe(r)}`);
          return r[k];
        }),
        `${path}[${k}]`,
      ),
    );
  }
  if (isPlainObject(first)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = stackBatch(
        rows.map((r, i) => {
          if (!isPlainObject(r) || !(key in r)) fail(path, i, `missing key "${key}" that element 0 has`);
          return r[key];
        }),
        path ? `${path}.${key}` : key,
      );
    }
    return out;
  }
  return fail(path, 0, `cannot batch ${describe(first)}`);
}
