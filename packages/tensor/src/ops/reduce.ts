// Reductions (tfjs semantics): sum, mean, max, min, prod, logSumExp, argMax,
// argMin, all, any, plus norm, moments and cumsum built on them.
import { reduce as reduceKernel, type ReduceOp } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape, normAxes, normAxis, sizeOf } from '../shape.js';
import { emptyTensor, type Tensor, viewData, viewOf } from '../tensor.js';
import { transposeRaw } from './transpose.js';
import { cast } from './cast.js';
import { reshape } from './reshape.js';
import { broadcastToShape } from './broadcast.js';

function reducedShape(shape: number[], axes: number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** @internal Reduces over axes (kernel dtype rules), moving them together first if needed; no recording. */
export function reduceRaw(op: ReduceOp, t: Tensor, axes: number[], outDtype: Tensor['dtype']): Tensor {
  let src = t;
  let ax = axes;
  const contiguous = ax.length === 0 || ax[ax.length - 1]! - ax[0]! === ax.length - 1;
  if (!contiguous) {
    const keep = t.shape.map((_, i) => i).filter((i) => !ax.includes(i));
    src = transposeRaw(t, [...keep, ...ax]);
    ax = ax.map((_, i) => keep.length + i);
  }
  const out = emptyTensor(
    src.shape.filter((_, i) => !ax.includes(i)),
    outDtype,
  );
  if (out.size > 0) reduceKernel(op, src.ptr, out.ptr, src.shape, ax, src.dtype);
  if (src !== t) src.dispose();
  return out;
}

function reduction(
  name: string,
  op: ReduceOp,
  x: Tensor | TensorLike,
  axis: number | number[] | null | undefined,
  keepDims: boolean,
  grad?: (dy: Tensor, x: Tensor, y: Tensor, axes: number[]) => Tensor,
): Tensor {
  let t = convert(x, 'x', name);
  const axes = normAxes(axis, t.rank, name);
  if (t.dtype === 'bool' && op !== 'all' && op !== 'any') t = cast(t, 'int32');
  const outDtype = op === 'mean' || op === 'logSumExp' ? 'float32' : t.dtype;
  const src = (op === 'mean' || op === 'logSumExp') && t.dtype !== 'float32' ? cast(t, 'float32') : t;
  const raw = reduceRaw(op, src, axes, outDtype);
  const out = viewOf(raw, reducedShape(t.shape, axes, keepDims));
  raw.dispose();
  if (grad) {
    const xt = src;
    record(name, [xt], [out], ([dy]) => {
      const kept = reducedShape(xt.shape, axes, true);
      return [grad(reshape(dy!, kept), xt, reshape(out, kept), axes)];
    });
  }
  return out;
}

/** Sum over axes (all by default). */
export function sum(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  return reduction('Sum', 'sum', x, axis, keepDims, (dy, xt) => broadcastToShape(dy, xt.shape));
}

/** Mean over axes. */
export function mean(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  return reduction('Mean', 'mean', x, axis, keepDims, (dy, xt, _y, axes) => {
    const n = axes.reduce((p, a) => p * xt.shape[a]!, 1);
    return broadcastToShape(scaled(dy, 1 / n), xt.shape);
  });
}

/** Product over axes. */
export function prod(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  return reduction('Prod', 'prod', x, axis, keepDims, (dy, xt, y) => mulB(broadcastToShape(mulB(dy, y), xt.shape), recip(xt)));
}

function extremumGrad(dy: Tensor, xt: Tensor, y: Tensor): Tensor {
  // tfjs: every element equal to the extreme receives the gradient.
  const mask = equalMask(xt, y);
  const g = mulB(broadcastToShape(dy, xt.shape), mask);
  mask.dispose();
  return g;
}

/** Maximum over axes. */
export function max(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  return reduction('Max', 'max', x, axis, keepDims, extremumGrad);
}

/** Minimum over axes. */
export function min(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  return reduction('Min', 'min', x, axis, keepDims, extremumGrad);
}

/** log(sum(exp(x))) over axes, computed stably. */
export function logSumExp(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  return reduction('LogSumExp', 'logSumExp', x, axis, keepDims, (dy, xt, y) => {
    const e = expOfDiff(xt, y);
    const g = mulB(broadcastToShape(dy, xt.shape), e);
    e.dispose();
    return g;
  });
}

/** Logical AND over axes of a bool tensor. */
export function all(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  const t = convert(x, 'x', 'all');
  return reduction('All', 'all', t.dtype === 'bool' ? t : cast(t, 'bool'), axis, keepDims);
}

/** Logical OR over axes of a bool tensor. */
export function any(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  const t = convert(x, 'x', 'any');
  return reduction('Any', 'any', t.dtype === 'bool' ? t : cast(t, 'bool'), axis, keepDims);
}

function argReduce(name: 'argMax' | 'argMin', x: Tensor | TensorLike, axis = 0): Tensor {
  let t = convert(x, 'x', name);
  if (t.dtype === 'bool') t = cast(t, 'int32');
  const ax = normAxis(axis, t.rank, name);
  if (t.rank === 0) throw new Error(`${name}: input must have rank >= 1, got a scalar`);
  if (t.shape[ax] === 0) throw new Error(`${name}: axis ${ax} of shape ${fmtShape(t.shape)} is empty`);
  const out = emptyTensor(
    t.shape.filter((_, i) => i !== ax),
    'int32',
  );
  if (out.size > 0) reduceKernel(name, t.ptr, out.ptr, t.shape, [ax], t.dtype);
  return out;
}

/** Index of the maximum along an axis (first on ties). */
export function argMax(x: Tensor | TensorLike, axis = 0): Tensor {
  return argReduce('argMax', x, axis);
}

/** Index of the minimum along an axis (first on ties). */
export function argMin(x: Tensor | TensorLike, axis = 0): Tensor {
  return argReduce('argMin', x, axis);
}

// Element-wise helpers for the gradients above, imported lazily from the
// element-wise ops to keep this file free of a cycle at load time.
import { mul as mulB, exp, sub, equal, reciprocal } from './elementwise.js';
function scaled(t: Tensor, s: number): Tensor {
  return mulB(t, s);
}
function recip(t: Tensor): Tensor {
  return reciprocal(t);
}
function equalMask(x: Tensor, y: Tensor): Tensor {
  return cast(equal(x, y), 'float32');
}
function expOfDiff(x: Tensor, y: Tensor): Tensor {
  return exp(sub(x, y));
}

/** The Euclidean (or other) norm over axes: ord 'euclidean'/2, 1, Infinity, 'fro'. */
export function norm(
  x: Tensor | TensorLike,
  ord: number | 'euclidean' | 'fro' = 'euclidean',
  axis?: number | number[] | null,
  keepDims = false,
): Tensor {
  const t = convert(x, 'x', 'norm');
  const { abs, sqrt } = elementwiseOps();
  if (ord === 1) return sum(abs(t), axis, keepDims);
  if (ord === Infinity) return max(abs(t), axis, keepDims);
  if (ord === -Infinity) return min(abs(t), axis, keepDims);
  if (ord === 'euclidean' || ord === 'fro' || ord === 2) return sqrt(sum(mulB(t, t), axis, keepDims));
  throw new Error(`norm: unsupported ord ${String(ord)} (expected 1, 2, Infinity, -Infinity, 'euclidean' or 'fro')`);
}

import * as elementwise from './elementwise.js';
function elementwiseOps() {
  return elementwise;
}

/**
 * Mean and variance over axes (tfjs `moments`); all axes when `axis` is null or omitted.
 * @property __type.mean Mean over the axes (the axes kept with size 1 when keepDims).
 * @property __type.variance Population variance (divided by n) over the axes.
 */
export function moments(x: Tensor | TensorLike, axis?: number | number[] | null, keepDims = false): { mean: Tensor; variance: Tensor } {
  const t = convert(x, 'x', 'moments');
  const axes = normAxes(axis, t.rank, 'moments');
  const m = mean(t, axes, true);
  const d = elementwise.squaredDifference(t, m);
  const variance = mean(d, axes, keepDims);
  return { mean: keepDims ? m : reshape(m, reducedShape(t.shape, axes, false)), variance };
}

/** Cumulative sum along an axis (tfjs `cumsum`, with exclusive and reverse). */
export function cumsum(x: Tensor | TensorLike, axis = 0, exclusive = false, reverse = false): Tensor {
  const t = convert(x, 'x', 'cumsum');
  const ax = normAxis(axis, t.rank, 'cumsum');
  const out = cumsumRaw(t, ax, exclusive, reverse);
  record('Cumsum', [t], [out], ([dy]) => [cumsumRaw(dy!, ax, exclusive, !reverse)]);
  return out;
}

function cumsumRaw(t: Tensor, ax: number, exclusive: boolean, reverse: boolean): Tensor {
  const dtype = t.dtype === 'bool' ? 'int32' : t.dtype;
  const out = emptyTensor(t.shape, dtype);
  if (t.size === 0) return out;
  const n = t.shape[ax]!;
  const inner = sizeOf(t.shape.slice(ax + 1));
  const outer = sizeOf(t.shape.slice(0, ax));
  const src = viewData(t),
    dst = viewData(out);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let k = 0; k < n; k++) {
        const kk = reverse ? n - 1 - k : k;
        const idx = (o * n + kk) * inner + i;
        if (exclusive) {
          dst[idx] = acc;
          acc += src[idx]!;
        } else {
          acc += src[idx]!;
          dst[idx] = acc;
        }
      }
    }
  }
  return out;
}
