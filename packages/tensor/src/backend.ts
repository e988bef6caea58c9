// The element-wise kernels as the tensor ops use them: allocate the output,
// call the kernel wrapper. (Dtype rules and gradients live in the ops.)
import {
  binary,
  compare,
  logical,
  predicate,
  select,
  unary,
  unaryGrad,
  INT32_UNARY_OPS,
  type BinaryOp,
  type CompareOp,
  type LogicalOp,
  type UnaryOp,
} from '@wasmml/kernels';
import type { DataType } from './dtype.js';
import { type Tensor, emptyTensor } from './tensor.js';
import { castRaw } from './ops/cast.js';

export type BinaryKind = BinaryOp;
export type CompareKind = CompareOp;
export type LogicalKind = LogicalOp;
export type UnaryKind = UnaryOp | 'isNaN' | 'isFinite' | 'isInf';

/** out = a (op) b with broadcasting into outShape; a and b already have `dtype`. */
export function binaryInto(kind: BinaryKind, a: Tensor, b: Tensor, outShape: number[], dtype: DataType): Tensor {
  const out = emptyTensor(outShape, dtype);
  if (out.size > 0) binary(kind, dtype as 'float32' | 'int32', a.ptr, a.shape, b.ptr, b.shape, out.ptr, outShape);
  return out;
}

function numeric(t: Tensor): Tensor {
  return t.dtype === 'bool' ? castRaw(t, 'int32') : t;
}

/** out (bool) = a (cmp) b with broadcasting; a and b have the same dtype. */
export function compareInto(kind: CompareKind, a: Tensor, b: Tensor, outShape: number[]): Tensor {
  const out = emptyTensor(outShape, 'bool');
  if (out.size > 0) {
    const x = numeric(a),
      y = numeric(b);
    compare(kind, x.dtype as 'float32' | 'int32', x.ptr, x.shape, y.ptr, y.shape, out.ptr, outShape);
  }
  return out;
}

/** out (bool) = a (and/or/xor) b with broadcasting. */
export function logicalInto(kind: LogicalKind, a: Tensor, b: Tensor, outShape: number[]): Tensor {
  const out = emptyTensor(outShape, 'bool');
  if (out.size > 0) logical(kind, a.ptr, a.shape, b.ptr, b.shape, out.ptr, outShape);
  return out;
}

/** out = cond ? a : b with broadcasting of all three (a and b of one dtype). */
export function selectInto(cond: Tensor, a: Tensor, b: Tensor, outShape: number[]): Tensor {
  const out = emptyTensor(outShape, a.dtype);
  if (out.size > 0) select(a.dtype === 'bool' ? 1 : 4, cond.ptr, cond.shape, a.ptr, a.shape, b.ptr, b.shape, out.ptr, outShape);
  return out;
}

/**
 * out = f(x); bool output for isNaN/isFinite/isInf. int32 input stays int32:
 * through the int32 kernel where there is one, else computed in float32 and
 * truncated back (exact below 2^24, as tfjs's cpu backend).
 */
export function unaryInto(kind: UnaryKind, x: Tensor, alpha?: number, beta?: number): Tensor {
  if (kind === 'isNaN' || kind === 'isFinite' || kind === 'isInf') {
    const out = emptyTensor(x.shape, 'bool');
    const xf = x.dtype === 'float32' ? x : castRaw(x, 'float32');
    if (out.size > 0) predicate(kind, xf.ptr, out.ptr, out.size);
    return out;
  }
  if (x.dtype === 'int32' && !INT32_UNARY_OPS.includes(kind)) {
    const f = unaryInto(kind, castRaw(x, 'float32'), alpha, beta);
    const out = castRaw(f, 'int32');
    f.dispose();
    return out;
  }
  const out = emptyTensor(x.shape, x.dtype);
  if (out.size > 0) unary(kind, x.dtype as 'float32' | 'int32', x.ptr, out.ptr, out.size, alpha, beta);
  return out;
}

/** dx = dy · f'(x), reading x or y as the kernel needs. */
export function unaryGradInto(kind: UnaryOp, x: Tensor, y: Tensor, dy: Tensor, alpha?: number, beta?: number): Tensor {
  const out = emptyTensor(x.shape, 'float32');
  if (out.size > 0) unaryGrad(kind, x.ptr, y.ptr, dy.ptr, out.ptr, out.size, alpha, beta);
  return out;
}
