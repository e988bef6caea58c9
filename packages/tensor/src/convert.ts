// Turning user input (numbers, arrays, typed arrays) into tensors.
import { isDataType, type DataType, type TypedArray } from './dtype.js';
import { fmtShape, sizeOf } from './shape.js';
import { emptyTensor, Tensor, writeData, type NestedArray } from './tensor.js';

/** Values an op accepts in place of a tensor. */
export type TensorLike = number | boolean | TypedArray | NestedArray | number[] | boolean[];

function inferShape(values: unknown, op: string): number[] {
  if (ArrayBuffer.isView(values)) return [(values as TypedArray).length];
  if (!Array.isArray(values)) return [];
  const shape: number[] = [];
  let cur: unknown = values;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  if (ArrayBuffer.isView(cur)) shape.push((cur as TypedArray).length);
  checkNested(values, shape, 0, op);
  return shape;
}

/** How a value the user gave looks, for errors: `null`, `undefined`, `a string ("3")`, `an object`. */
function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}...` : v)})`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return `a ${typeof v}`;
}

function checkNested(values: unknown, shape: number[], dim: number, op: string): void {
  if (dim === shape.length) {
    if (Array.isArray(values) || (typeof values !== 'number' && typeof values !== 'boolean')) {
      throw new Error(
        `${op}: element at depth ${dim} is ${describe(values)}; expected a number or boolean (nested arrays must be rectangular, inferred shape ${fmtShape(shape)})`,
      );
    }
    return;
  }
  const arr = values as ArrayLike<unknown>;
  if ((!Array.isArray(values) && !ArrayBuffer.isView(values)) || arr.length !== shape[dim]) {
    throw new Error(
      `${op}: nested arrays are not rectangular: expected length ${shape[dim]} at depth ${dim} (inferred shape ${fmtShape(shape)})`,
    );
  }
  if (ArrayBuffer.isView(values)) return;
  for (const v of values as unknown[]) checkNested(v, shape, dim + 1, op);
}

function flatten(values: unknown, out: Array<number | boolean>): void {
  if (Array.isArray(values)) for (const v of values) flatten(v, out);
  else if (ArrayBuffer.isView(values)) for (const v of values as TypedArray) out.push(v);
  else out.push(values as number | boolean);
}

function inferDtype(values: unknown): DataType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray) return 'int32';
  let cur: unknown = values;
  while (Array.isArray(cur)) cur = cur[0];
  if (typeof cur === 'boolean') return 'bool';
  return 'float32';
}

/** Makes a tensor from values (tfjs `tensor`): shape inferred from nesting unless given. */
export function makeTensor(values: TensorLike, shape: number[] | undefined, dtype: DataType | undefined, op: string): Tensor {
  if (dtype !== undefined && !isDataType(dtype)) {
    throw new Error(`${op}: unknown dtype ${String(dtype)}; expected 'float32', 'int32' or 'bool'`);
  }
  if (!Array.isArray(values) && !ArrayBuffer.isView(values) && typeof values !== 'number' && typeof values !== 'boolean') {
    throw new Error(`${op}: values must be a number, a boolean, a (nested) array of them or a typed array; got ${describe(values)}`);
  }
  let first: unknown = values;
  while (Array.isArray(first)) first = first[0];
  if (typeof first === 'string') {
    throw new Error(`${op}: string tensors are not supported`);
  }
  const inferred = inferShape(values, op);
  const dt = dtype ?? inferDtype(values);
  let flat: ArrayLike<number | boolean>;
  if (ArrayBuffer.isView(values)) flat = values as TypedArray;
  else if (Array.isArray(values)) {
    const out: Array<number | boolean> = [];
    flatten(values, out);
    flat = out;
  } else flat = [values as number | boolean];
  let finalShape = shape ?? inferred;
  if (shape !== undefined) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: shape ${fmtShape(shape)} has an invalid dimension ${d}`);
    }
    const n = sizeOf(shape);
    if (flat.length === 1 && n !== 1 && !Array.isArray(values) && !ArrayBuffer.isView(values)) {
      flat = new Array<number | boolean>(n).fill(flat[0]!);
    } else if (flat.length !== n) {
      throw new Error(`${op}: ${flat.length} values do not fill shape ${fmtShape(shape)} (${n} elements)`);
    }
    finalShape = [...shape];
  }
  const t = emptyTensor(finalShape, dt);
  // One copy into the arena, converting on the way (a Float32Array of the right dtype is copied as is).
  writeData(t, flat);
  return t;
}

/** Returns x if it is a tensor, else a new tensor of it (dtype from `dtype` or inferred). */
export function convert(x: Tensor | TensorLike, name: string, op: string, dtype?: DataType): Tensor {
  if (x instanceof Tensor) {
    x.assertLive(op);
    return x;
  }
  if (x === null || x === undefined) throw new Error(`${op}: argument '${name}' is ${x}; expected a Tensor or values`);
  return makeTensor(x, undefined, dtype ?? (typeof x === 'number' ? 'float32' : undefined), op);
}

/** Converts the second operand of a binary op so a bare number takes the first's dtype (tfjs behaviour). */
export function convertPair(a: Tensor | TensorLike, b: Tensor | TensorLike, op: string): [Tensor, Tensor] {
  if (a instanceof Tensor && !(b instanceof Tensor)) {
    return [convert(a, 'a', op), convert(b, 'b', op, typeof b === 'number' ? a.dtype : undefined)];
  }
  if (b instanceof Tensor && !(a instanceof Tensor)) {
    return [convert(a, 'a', op, typeof a === 'number' ? b.dtype : undefined), convert(b, 'b', op)];
  }
  return [convert(a, 'a', op), convert(b, 'b', op)];
}
