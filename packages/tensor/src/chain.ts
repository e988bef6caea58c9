// Method chaining (`a.add(b).relu()`): the common ops as Tensor methods.
import type { DataType } from './dtype.js';
import type { TensorLike } from './convert.js';
import { Tensor } from './tensor.js';
import { logicalNot } from './ops/logical-not.js';
import * as un from './ops/unary.js';
import * as red from './ops/reduce.js';
import { cast } from './ops/cast.js';
import { matMul, dot } from './ops/matmul.js';
import { reshape, expandDims, squeeze, flatten } from './ops/reshape.js';
import { softmax, logSoftmax } from './ops/softmax.js';
import { transpose } from './ops/transpose.js';
import { gather } from './ops/gather.js';
import { slice } from './ops/slice.js';
import { pad, reverse, tile } from './ops/pad.js';
import { clone } from './create.js';
import './chain.generated.js';

type T = Tensor | TensorLike;
type Axis = number | number[] | null;

// These methods are documented by @property tags in the Tensor class comment
// (tensor.ts), which keeps the declarations below several to a line. The unary
// ops that take only x and the binary ops get theirs from the op tables
// (chain.generated.ts).
declare module './tensor.js' {
  interface Tensor {
    logicalNot(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    clipByValue(min: number, max: number): Tensor;
    sum(axis?: Axis, keepDims?: boolean): Tensor;
    mean(axis?: Axis, keepDims?: boolean): Tensor;
    max(axis?: Axis, keepDims?: boolean): Tensor;
    min(axis?: Axis, keepDims?: boolean): Tensor;
    prod(axis?: Axis, keepDims?: boolean): Tensor;
    logSumExp(axis?: Axis, keepDims?: boolean): Tensor;
    argMax(axis?: number): Tensor;
    argMin(axis?: number): Tensor;
    all(axis?: Axis, keepDims?: boolean): Tensor;
    any(axis?: Axis, keepDims?: boolean): Tensor;
    norm(ord?: number | 'euclidean' | 'fro', axis?: Axis, keepDims?: boolean): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    matMul(b: T, transposeA?: boolean, transposeB?: boolean): Tensor;
    dot(b: T): Tensor;
    reshape(shape: number[]): Tensor;
    expandDims(axis?: number): Tensor;
    squeeze(axis?: number | number[]): Tensor;
    flatten(): Tensor;
    transpose(perm?: number[]): Tensor;
    gather(indices: T, axis?: number): Tensor;
    slice(begin: number | number[], size?: number | number[]): Tensor;
    pad(paddings: Array<[number, number]>, value?: number): Tensor;
    reverse(axis?: number | number[]): Tensor;
    tile(reps: number[]): Tensor;
    cast(dtype: DataType): Tensor;
    asType(dtype: DataType): Tensor;
    clone(): Tensor;
    as1D(): Tensor;
    as2D(rows: number, columns: number): Tensor;
    toFloat(): Tensor;
    toInt(): Tensor;
    toBool(): Tensor;
  }
}

const p = Tensor.prototype as unknown as Record<string, (this: Tensor, ...args: never[]) => Tensor>;
p.logicalNot = function () {
  return logicalNot(this);
};
p.leakyRelu = function (alpha?: number) {
  return un.leakyRelu(this, alpha);
};
p.clipByValue = function (lo: number, hi: number) {
  return un.clipByValue(this, lo, hi);
};
for (const name of ['sum', 'mean', 'max', 'min', 'prod', 'logSumExp', 'all', 'any'] as const) {
  p[name] = function (axis?: Axis, keepDims?: boolean) {
    return red[name](this, axis, keepDims);
  };
}
p.argMax = function (axis?: number) {
  return red.argMax(this, axis);
};
p.argMin = function (axis?: number) {
  return red.argMin(this, axis);
};
p.norm = function (ord?: number | 'euclidean' | 'fro', axis?: Axis, keepDims?: boolean) {
  return red.norm(this, ord, axis, keepDims);
};
p.softmax = function (dim?: number) {
  return softmax(this, dim);
};
p.logSoftmax = function (axis?: number) {
  return logSoftmax(this, axis);
};
p.matMul = function (b: T, tA?: boolean, tB?: boolean) {
  return matMul(this, b, tA, tB);
};
p.dot = function (b: T) {
  return dot(this, b);
};
p.reshape = function (shape: number[]) {
  return reshape(this, shape);
};
p.expandDims = function (axis?: number) {
  return expandDims(this, axis);
};
p.squeeze = function (axis?: number | number[]) {
  return squeeze(this, axis);
};
p.flatten = function () {
  return flatten(this);
};
p.transpose = function (perm?: number[]) {
  return transpose(this, perm);
};
p.gather = function (indices: T, axis?: number) {
  return gather(this, indices, axis);
};
p.slice = function (begin: number | number[], size?: number | number[]) {
  return slice(this, begin, size);
};
p.pad = function (paddings: Array<[number, number]>, value?: number) {
  return pad(this, paddings, value);
};
p.reverse = function (axis?: number | number[]) {
  return reverse(this, axis);
};
p.tile = function (reps: number[]) {
  return tile(this, reps);
};
p.cast = function (dtype: DataType) {
  return cast(this, dtype);
};
p.asType = function (dtype: DataType) {
  return cast(this, dtype);
};
p.clone = function () {
  return clone(this);
};
p.as1D = function () {
  return reshape(this, [this.size]);
};
p.as2D = function (r: number, c: number) {
  return reshape(this, [r, c]);
};
p.toFloat = function () {
  return cast(this, 'float32');
};
p.toInt = function () {
  return cast(this, 'int32');
};
p.toBool = function () {
  return cast(this, 'bool');
};
