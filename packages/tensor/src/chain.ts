// Method chaining (`a.add(b).relu()`): the common ops as Tensor methods.
import type { DataType } from './dtype.js';
import type { TensorLike } from './convert.js';
import { Tensor } from './tensor.js';
import { add, sub, mul, div } from './ops/arithmetic.js';
import { cast } from './ops/cast.js';
import { matMul, dot } from './ops/matmul.js';
import { reshape, expandDims, squeeze, flatten } from './ops/reshape.js';
import { sum } from './ops/reduce.js';
import { clone } from './create.js';

type T = Tensor | TensorLike;

declare module './tensor.js' {
  interface Tensor {
    add(b: T): Tensor;
    sub(b: T): Tensor;
    mul(b: T): Tensor;
    div(b: T): Tensor;
    matMul(b: T, transposeA?: boolean, transposeB?: boolean): Tensor;
    dot(b: T): Tensor;
    reshape(shape: number[]): Tensor;
    expandDims(axis?: number): Tensor;
    squeeze(axis?: number | number[]): Tensor;
    flatten(): Tensor;
    sum(axis?: number | number[] | null, keepDims?: boolean): Tensor;
    cast(dtype: DataType): Tensor;
    clone(): Tensor;
    asType(dtype: DataType): Tensor;
    as1D(): Tensor;
    as2D(rows: number, columns: number): Tensor;
  }
}

const p = Tensor.prototype;
p.add = function (b) { return add(this, b); };
p.sub = function (b) { return sub(this, b); };
p.mul = function (b) { return mul(this, b); };
p.div = function (b) { return div(this, b); };
p.matMul = function (b, tA, tB) { return matMul(this, b, tA, tB); };
p.dot = function (b) { return dot(this, b); };
p.reshape = function (shape) { return reshape(this, shape); };
p.expandDims = function (axis) { return expandDims(this, axis); };
p.squeeze = function (axis) { return squeeze(this, axis); };
p.flatten = function () { return flatten(this); };
p.sum = function (axis, keepDims) { return sum(this, axis, keepDims); };
p.cast = function (dtype) { return cast(this, dtype); };
p.asType = function (dtype) { return cast(this, dtype); };
p.clone = function () { return clone(this); };
p.as1D = function () { return reshape(this, [this.size]); };
p.as2D = function (r, c) { return reshape(this, [r, c]); };
