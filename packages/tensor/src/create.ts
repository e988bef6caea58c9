// Tensor creation: tensor, scalar, zeros, ones, fill, ranges, eye, oneHot,
// random tensors, clone.
import { newTypedArray, toTypedArray, type DataType } from './dtype.js';
import { convert, makeTensor, type TensorLike } from './convert.js';
import { generator } from './random.js';
import { fmtShape, sizeOf } from './shape.js';
import { emptyTensor, type Tensor, viewOf, writeData } from './tensor.js';
import { record } from './engine.js';
import { fillIn } from './transfer.js';
import { compareInto, selectInto } from './backend.js';
import { castRaw } from './ops/cast.js';

function checkShape(shape: number[], op: string): number[] {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: shape ${fmtShape(shape)} has an invalid dimension ${d}`);
  }
  return [...shape];
}

/** Creates a tensor from values; shape is inferred from nested arrays unless given. */
export function tensor(values: TensorLike, shape?: number[], dtype?: DataType): Tensor {
  return makeTensor(values, shape, dtype, 'tensor');
}

/** A rank-0 tensor. */
export function scalar(value: number | boolean, dtype?: DataType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new Error(`scalar: expected a number or boolean, got ${typeof value}`);
  }
  return makeTensor(value, [], dtype, 'scalar');
}

/** tensor1d/2d/3d/4d: `tensor` with a rank check (tfjs compatibility). */
function rankChecked(rank: number) {
  return (values: TensorLike, shape?: number[], dtype?: DataType): Tensor => {
    const t = makeTensor(values, shape, dtype, `tensor${rank}d`);
    if (t.rank !== rank) {
      t.dispose();
      throw new Error(`tensor${rank}d: values have rank ${t.rank} (shape ${fmtShape(t.shape)}); expected rank ${rank}`);
    }
    return t;
  };
}
/** A rank-1 tensor (tfjs `tensor1d(values, dtype)`). */
export function tensor1d(values: TensorLike, dtype?: DataType): Tensor {
  return rankChecked(1)(values, undefined, dtype);
}
/** A rank-2 tensor (tfjs `tensor2d(values, shape?, dtype?)`); throws if the values do not have rank 2. */
export const tensor2d = rankChecked(2);
/** A rank-3 tensor (tfjs `tensor3d(values, shape?, dtype?)`); throws if the values do not have rank 3. */
export const tensor3d = rankChecked(3);
/** A rank-4 tensor (tfjs `tensor4d(values, shape?, dtype?)`); throws if the values do not have rank 4. */
export const tensor4d = rankChecked(4);

/** A tensor of `shape` with every element `value`. */
export function fill(shape: number[], value: number | boolean, dtype?: DataType): Tensor {
  const s = checkShape(shape, 'fill');
  const dt = dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  const t = emptyTensor(s, dt);
  fillIn(t.ptr, t.size, dt, toTypedArray([value], dt)[0]!);
  return t;
}

/** A tensor of `shape` filled with 0 (default dtype float32). */
export function zeros(shape: number[], dtype: DataType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

/** A tensor of `shape` filled with 1 (default dtype float32). */
export function ones(shape: number[], dtype: DataType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

/** Zeros of the shape and dtype of `x`. */
export function zerosLike(x: Tensor | TensorLike): Tensor {
  const t = convert(x, 'x', 'zerosLike');
  return zeros(t.shape, t.dtype);
}

/** Ones of the shape and dtype of `x`. */
export function onesLike(x: Tensor | TensorLike): Tensor {
  const t = convert(x, 'x', 'onesLike');
  return ones(t.shape, t.dtype);
}

/** A copy of x (sharing its buffer, which is never written in place). */
export function clone(x: Tensor | TensorLike): Tensor {
  const t = convert(x, 'x', 'clone');
  const out = viewOf(t, t.shape);
  record('Clone', [t], [out], ([dy]) => [dy]);
  return out;
}

/** Numbers from start (inclusive) to stop (exclusive) by step. */
export function range(start: number, stop: number, step = 1, dtype: 'float32' | 'int32' = 'float32'): Tensor {
  if (step === 0) throw new Error('range: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const v = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = start + i * step;
  const t = emptyTensor([n], dtype);
  writeData(t, v);
  return t;
}

/** num evenly spaced numbers from start to stop, both included. */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num <= 0) throw new Error(`linspace: num must be a positive integer, got ${num}`);
  const v = new Float32Array(num);
  const step = num === 1 ? 0 : (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) v[i] = start + i * step;
  const t = emptyTensor([num], 'float32');
  writeData(t, v);
  return t;
}

/** Identity matrices, optionally batched. */
export function eye(numRows: number, numColumns = numRows, batchShape: number[] = [], dtype: DataType = 'float32'): Tensor {
  const shape = checkShape([...batchShape, numRows, numColumns], 'eye');
  const values = newTypedArray(dtype, sizeOf(shape));
  const per = numRows * numColumns;
  for (let b = 0; b < sizeOf(batchShape); b++) {
    for (let i = 0; i < Math.min(numRows, numColumns); i++) values[b * per + i * numColumns + i] = 1;
  }
  const t = emptyTensor(shape, dtype);
  writeData(t, values);
  return t;
}

/** One-hot encoding of int32 indices: shape [...indices.shape, depth]. Out-of-range indices give all off. */
export function oneHot(indices: Tensor | TensorLike, depth: number, onValue = 1, offValue = 0, dtype: DataType = 'int32'): Tensor {
  const idx = convert(indices, 'indices', 'oneHot', 'int32');
  if (idx.dtype !== 'int32') throw new Error(`oneHot: indices must be int32, got ${idx.dtype} (shape ${fmtShape(idx.shape)})`);
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth must be a positive integer, got ${depth}`);
  // indices[..., 1] == [0, 1, ..., depth - 1] by the compare kernel: the indices never leave the arena
  // (sparse losses one-hot their labels every training step).
  const outShape = [...idx.shape, depth];
  const column = viewOf(idx, [...idx.shape, 1]);
  const classes = range(0, depth, 1, 'int32');
  const hot = compareInto('equal', column, classes, outShape);
  column.dispose();
  classes.dispose();
  if (onValue === 1 && offValue === 0) {
    const out = castRaw(hot, dtype);
    hot.dispose();
    return out;
  }
  const on = fill([], onValue, dtype),
    off = fill([], offValue, dtype);
  const out = selectInto(hot, on, off, outShape);
  for (const t of [hot, on, off]) t.dispose();
  return out;
}

function randomTensor(shape: number[], dtype: DataType, op: string, sample: () => number): Tensor {
  const s = checkShape(shape, op);
  const n = sizeOf(s);
  const vals = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) vals[i] = sample();
  const t = emptyTensor(s, dtype);
  writeData(t, vals);
  return t;
}

/** Normally distributed values (seeded by `seed`, else the global generator of `setSeed`). */
export function randomNormal(shape: number[], mean = 0, stdDev = 1, dtype: 'float32' | 'int32' = 'float32', seed?: number): Tensor {
  const g = generator(seed);
  return randomTensor(shape, dtype, 'randomNormal', () => mean + stdDev * g.normal());
}

/** Normal values redrawn when more than two standard deviations from the mean. */
export function truncatedNormal(shape: number[], mean = 0, stdDev = 1, dtype: 'float32' | 'int32' = 'float32', seed?: number): Tensor {
  const g = generator(seed);
  return randomTensor(shape, dtype, 'truncatedNormal', () => {
    let z = g.normal();
    while (Math.abs(z) > 2) z = g.normal();
    return mean + stdDev * z;
  });
}

/** Uniform values in [minval, maxval). */
export function randomUniform(shape: number[], minval = 0, maxval = 1, dtype: DataType = 'float32', seed?: number): Tensor {
  const g = generator(seed);
  if (dtype === 'int32') {
    return randomTensor(shape, dtype, 'randomUniform', () => Math.floor(minval + (maxval - minval) * g.next()));
  }
  if (dtype === 'bool') return randomTensor(shape, dtype, 'randomUniform', () => (g.next() < 0.5 ? 0 : 1));
  return randomTensor(shape, dtype, 'randomUniform', () => minval + (maxval - minval) * g.next());
}
