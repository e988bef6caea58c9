// Gather along an axis and its gradient (unsorted segment sum), and gatherND /
// scatterND built from the same two kernels. Out-of-range indices are checked
// here, before any kernel runs, and rejected with an error (as tfjs's cpu
// backend does); nothing is written then. Segment ids outside
// [0, numSegments) are dropped, as in tfjs.
import { checkCounts } from './checks.js';
import { runtime } from '../runtime.js';
import { i32View } from '../views.js';
import type { ElementBytes } from './transpose.js';

function checkInt(what: string, k: string, v: number): void {
  checkCounts(what, { [k]: v });
}

function checkShape(what: string, k: string, shape: readonly number[]): void {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new RangeError(`wasmml ${what}: bad ${k} shape [${shape}]`);
}

const prod = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

/** Options of `gather`. */
export interface GatherOptions {
  /** Leading dims shared by x and indices (tfjs batchDims; default 0). */
  batchDims?: number;
  /** Bytes per element of x and y: 4 (float32, int32; default) or 1 (bool). */
  elementBytes?: ElementBytes;
}

/**
 * y = tf.gather(x, indices, axis, batchDims): x of `xShape`, int32 indices of
 * `indicesShape`; y has shape x[:axis] ++ indices[batchDims:] ++ x[axis+1:],
 * which is returned. Throws (writing nothing) if an index is outside
 * [0, xShape[axis]).
 */
export function gather(
  x: number,
  indices: number,
  y: number,
  xShape: readonly number[],
  indicesShape: readonly number[],
  axis: number,
  opts: GatherOptions = {},
): number[] {
  checkShape('gather', 'x', xShape);
  checkShape('gather', 'indices', indicesShape);
  const rank = xShape.length;
  const ax = axis < 0 ? axis + rank : axis;
  const bd = opts.batchDims ?? 0;
  const bdim = bd < 0 ? bd + indicesShape.length : bd;
  if (!Number.isInteger(ax) || ax < 0 || ax >= rank) {
    throw new RangeError(`wasmml gather: axis ${axis} is out of range for x of shape [${xShape}]`);
  }
  if (!Number.isInteger(bdim) || bdim < 0 || bdim > ax || bdim > indicesShape.length) {
    throw new RangeError(`wasmml gather: batchDims ${bd} must be in [0, min(axis ${ax}, indices rank ${indicesShape.length})]`);
  }
  for (let i = 0; i < bdim; i++) {
    if (xShape[i] !== indicesShape[i]) {
      throw new Error(
        `wasmml gather: with batchDims ${bdim}, x [${xShape}] and indices [${indicesShape}] must share their first ${bdim} dims`,
      );
    }
  }
  const outShape = [...xShape.slice(0, ax), ...indicesShape.slice(bdim), ...xShape.slice(ax + 1)];
  const batch = prod(xShape.slice(0, bdim)),
    outer = prod(xShape.slice(bdim, ax));
  const axisDim = xShape[ax]!,
    nIdx = prod(indicesShape.slice(bdim)),
    inner = prod(xShape.slice(ax + 1));
  const items = batch * outer * nIdx;
  if (items === 0 || inner === 0) return outShape;
  const ids = i32View(indices, batch * nIdx);
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]!;
    if (v < 0 || v >= axisDim) {
      throw new RangeError(
        `wasmml gather: index ${v} at position ${i} of indices [${indicesShape}] is not in [0, ${axisDim - 1}] (x shape [${xShape}], axis ${ax})`,
      );
    }
  }
  const bytes = opts.elementBytes ?? 4;
  runtime().pool.run(bytes === 1 ? 'gather_u8' : 'gather_f32', [x, indices, y, outer, axisDim, nIdx, inner], items, {
    cost: (inner * bytes) / 8 + 4,
  });
  return outShape;
}

/** Element types the segment sums accumulate. */
export type SegmentDtype = 'float32' | 'int32';

/**
 * out[s, :] = sum of data[i, :] over i with segmentIds[i] == s
 * (tf.unsortedSegmentSum, the gradient of gather / embedding lookup):
 * data [n, inner], int32 segmentIds [n], out [numSegments, inner], fully
 * written. Ids outside [0, numSegments) are dropped. Deterministic: each
 * output cell belongs to one thread and sums in increasing i.
 */
export function unsortedSegmentSum(
  data: number,
  segmentIds: number,
  out: number,
  n: number,
  inner: number,
  numSegments: number,
  dtype: SegmentDtype = 'float32',
): void {
  checkInt('unsortedSegmentSum', 'n', n);
  checkInt('unsortedSegmentSum', 'inner', inner);
  checkInt('unsortedSegmentSum', 'numSegments', numSegments);
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new TypeError(`wasmml unsortedSegmentSum: dtype ${dtype} is not supported (float32 or int32)`);
  }
  if (numSegments === 0 || inner === 0) return;
  // Few segments: split the columns too, so both threads get work.
  const want = 64;
  const colBlock = numSegments >= want ? inner : Math.max(4, Math.ceil(inner / Math.ceil(want / numSegments) / 4) * 4);
  const blocks = Math.ceil(inner / colBlock);
  runtime().pool.run(
    `unsorted_segment_sum_${dtype === 'int32' ? 'i32' : 'f32'}`,
    [data, segmentIds, out, n, inner, numSegments, colBlock],
    blocks * numSegments,
    { cost: Math.ceil((n * Math.min(colBlock, inner)) / numSegments) + Math.ceil(n / numSegments) + colBlock },
  );
}

// Flat slice numbers of index tuples [count, k] into `dims`; throws on the first invalid one.
function flatIndices(
  what: string,
  indices: number,
  count: number,
  k: number,
  dims: readonly number[],
  fullShape: readonly number[],
): number {
  if (k > 6) throw new RangeError(`wasmml ${what}: index depth ${k} > 6 is not supported`);
  const strides = dims.map((_, j) => prod(dims.slice(j + 1)));
  while (strides.length < 6) strides.push(0);
  const limit = prod(dims);
  const rt = runtime();
  const flat = rt.arena.alloc(Math.max(16, count * 4));
  try {
    rt.pool.run('nd_flat_index_i32', [indices, flat, k, ...strides, limit], count, { cost: k + 2 });
    const f = i32View(flat, count);
    const bad = f.indexOf(-1);
    if (bad >= 0) {
      const tuple = Array.from(i32View(indices + bad * k * 4, k));
      throw new RangeError(`wasmml ${what}: index [${tuple}] (tuple ${bad}) does not index into [${fullShape}]`);
    }
    return flat;
  } catch (e) {
    rt.arena.free(flat);
    throw e;
  }
}

/**
 * out = tf.gatherND(params, indices): int32 indices [..., k] pick slices
 * params[i0, ..., ik-1, ...]; out has shape indices[:-1] ++ params[k:], which is
 * returned. Like tfjs, only the flattened position is range-checked; an invalid
 * one throws before anything is written.
 */
export function gatherND(
  params: number,
  indices: number,
  out: number,
  paramsShape: readonly number[],
  indicesShape: readonly number[],
  elementBytes: ElementBytes = 4,
): number[] {
  checkShape('gatherND', 'params', paramsShape);
  checkShape('gatherND', 'indices', indicesShape);
  if (indicesShape.length < 1) throw new RangeError('wasmml gatherND: indices must have rank >= 1');
  const k = indicesShape[indicesShape.length - 1]!;
  if (k > paramsShape.length) {
    throw new RangeError(`wasmml gatherND: index depth ${k} exceeds the rank of params [${paramsShape}]`);
  }
  const outShape = [...indicesShape.slice(0, -1), ...paramsShape.slice(k)];
  const count = prod(indicesShape.slice(0, -1)),
    slice = prod(paramsShape.slice(k));
  if (count === 0 || slice === 0) return outShape;
  const rt = runtime();
  const flat = flatIndices('gatherND', indices, count, k, paramsShape.slice(0, k), paramsShape);
  try {
    rt.pool.run(
      elementBytes === 1 ? 'gather_u8' : 'gather_f32',
      [params, flat, out, 1, prod(paramsShape.slice(0, k)), count, slice],
      count,
      { cost: (slice * elementBytes) / 8 + 4 },
    );
  } finally {
    rt.arena.free(flat);
  }
  return outShape;
}

/**
 * out = tf.scatterND(indices, updates, shape): a zero tensor of `shape` with
 * updates [count, ...shape[k:]] added at the int32 index tuples [count, k]
 * (duplicates summed, deterministically). An index outside the flattened
 * range throws before anything is written.
 */
export function scatterND(
  indices: number,
  updates: number,
  out: number,
  indicesShape: readonly number[],
  shape: readonly number[],
  dtype: SegmentDtype = 'float32',
): void {
  checkShape('scatterND', 'indices', indicesShape);
  checkShape('scatterND', 'output', shape);
  if (indicesShape.length < 1) throw new RangeError('wasmml scatterND: indices must have rank >= 1');
  const k = indicesShape[indicesShape.length - 1]!;
  if (k > shape.length) throw new RangeError(`wasmml scatterND: index depth ${k} exceeds the rank of shape [${shape}]`);
  const count = prod(indicesShape.slice(0, -1)),
    slice = prod(shape.slice(k)),
    segments = prod(shape.slice(0, k));
  if (segments === 0 || slice === 0) return;
  const rt = runtime();
  if (count === 0) {
    new Uint8Array(rt.memory.buffer, out, segments * slice * 4).fill(0);
    return;
  }
  const flat = flatIndices('scatterND', indices, count, k, shape.slice(0, k), shape);
  try {
    unsortedSegmentSum(updates, flat, out, count, slice, segments, dtype);
  } finally {
    rt.arena.free(flat);
  }
}
