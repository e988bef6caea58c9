// gather / unsortedSegmentSum / gatherND / scatterND (tfjs semantics), with the
// gradients that make embeddings trainable (gather's is a segment sum).
import { gather as gatherK, gatherND as gatherNDK, scatterND as scatterNDK, unsortedSegmentSum as segSumK } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { bytesPerElement } from '../dtype.js';
import { record } from '../engine.js';
import { fmtShape, normAxis, sizeOf } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { zeros } from '../create.js';
import { transposeRaw } from './transpose.js';
import { reshape } from './reshape.js';

function int32Indices(i: Tensor | TensorLike, op: string): Tensor {
  const t = convert(i, 'indices', op, 'int32');
  if (t.dtype !== 'int32') throw new Error(`${op}: indices must be int32, got ${t.dtype} (shape ${fmtShape(t.shape)})`);
  return t;
}

/** @internal Segment sum without recording: out[ids[i], :] += data[i, :]. */
function segmentSumRaw(data: Tensor, ids: Tensor, numSegments: number): Tensor {
  const inner = ids.size === 0 ? sizeOf(data.shape.slice(1)) : data.size / ids.size;
  const out = zeros([numSegments, ...data.shape.slice(ids.rank)], data.dtype === 'int32' ? 'int32' : 'float32');
  if (data.size > 0 && out.size > 0) segSumK(data.ptr, ids.ptr, out.ptr, ids.size, inner, numSegments, out.dtype as 'float32' | 'int32');
  return out;
}

/** Rows of x at the given indices along an axis: shape x[:axis] + indices.shape + x[axis+1:]. */
export function gather(x: Tensor | TensorLike, indices: Tensor | TensorLike, axis = 0, batchDims = 0): Tensor {
  const t = convert(x, 'x', 'gather');
  const idx = int32Indices(indices, 'gather');
  const ax = normAxis(axis, t.rank, 'gather');
  const outShape = [...t.shape.slice(0, ax), ...idx.shape.slice(batchDims), ...t.shape.slice(ax + 1)];
  const out = emptyTensor(outShape, t.dtype);
  if (out.size > 0) {
    gatherK(t.ptr, idx.ptr, out.ptr, t.shape, idx.shape, ax, { batchDims, elementBytes: bytesPerElement(t.dtype) as 4 | 1 });
  }
  record('GatherV2', [t, idx], [out], ([dy]) => {
    if (batchDims !== 0) throw new Error('gather: the gradient with batchDims > 0 is not supported');
    // Move the gathered axis first, sum dy rows into their source rows, move back.
    const n = t.shape[ax]!;
    const lead = ax,
      idxRank = idx.rank;
    const dyPerm = [
      ...Array.from({ length: idxRank }, (_, i) => lead + i),
      ...Array.from({ length: lead }, (_, i) => i),
      ...Array.from({ length: dy!.rank - lead - idxRank }, (_, i) => lead + idxRank + i),
    ];
    const dyT = transposeRaw(dy!, dyPerm);
    const summed = segmentSumRaw(dyT, idx, n);
    const inv = new Array<number>(t.rank);
    const perm = [ax, ...Array.from({ length: t.rank }, (_, i) => i).filter((i) => i !== ax)];
    perm.forEach((d, i) => (inv[d] = i));
    return [transposeRaw(summed, inv), undefined];
  });
  return out;
}

/** out[segmentIds[i]] += x[i] over the leading dims of segmentIds (tfjs `unsortedSegmentSum`). */
export function unsortedSegmentSum(x: Tensor | TensorLike, segmentIds: Tensor | TensorLike, numSegments: number): Tensor {
  const t = convert(x, 'x', 'unsortedSegmentSum');
  const ids = int32Indices(segmentIds, 'unsortedSegmentSum');
  if (ids.shape.some((d, i) => d !== t.shape[i])) {
    throw new Error(`unsortedSegmentSum: segmentIds shape ${fmtShape(ids.shape)} must be a prefix of x's shape ${fmtShape(t.shape)}`);
  }
  const out = segmentSumRaw(t, ids, numSegments);
  record('UnsortedSegmentSum', [t, ids], [out], ([dy]) => {
    // Each input row receives its segment's gradient: a gather of dy rows.
    const flatIds = reshape(ids, [ids.size]);
    const g = emptyTensor([ids.size, ...dy!.shape.slice(1)], dy!.dtype);
    if (g.size > 0) gatherK(dy!.ptr, flatIds.ptr, g.ptr, dy!.shape, [ids.size], 0, {});
    return [reshape(g, t.shape), undefined];
  });
  return out;
}

/** Slices of x addressed by the last dimension of indices (tfjs `gatherND`). */
export function gatherND(x: Tensor | TensorLike, indices: Tensor | TensorLike): Tensor {
  const t = convert(x, 'x', 'gatherND');
  const idx = int32Indices(indices, 'gatherND');
  const k = idx.shape[idx.rank - 1] ?? 0;
  const outShape = [...idx.shape.slice(0, -1), ...t.shape.slice(k)];
  const out = emptyTensor(outShape, t.dtype);
  if (out.size > 0) gatherNDK(t.ptr, idx.ptr, out.ptr, t.shape, idx.shape, bytesPerElement(t.dtype) as 4 | 1);
  record('GatherNd', [t, idx], [out], ([dy]) => [scatterNDRaw(idx, dy!, t.shape), undefined]);
  return out;
}

function scatterNDRaw(idx: Tensor, updates: Tensor, shape: number[]): Tensor {
  const out = zeros(shape, updates.dtype === 'int32' ? 'int32' : 'float32');
  if (updates.size > 0) scatterNDK(idx.ptr, updates.ptr, out.ptr, idx.shape, shape, out.dtype as 'float32' | 'int32');
  return out;
}

/** A zero tensor of `shape` with updates summed in at indices (tfjs `scatterND`). */
export function scatterND(indices: Tensor | TensorLike, updates: Tensor | TensorLike, shape: number[]): Tensor {
  const idx = int32Indices(indices, 'scatterND');
  const u = convert(updates, 'updates', 'scatterND');
  const out = scatterNDRaw(idx, u, shape);
  record('ScatterNd', [idx, u], [out], ([dy]) => {
    const g = emptyTensor(u.shape, dy!.dtype);
    if (g.size > 0) gatherNDK(dy!.ptr, idx.ptr, g.ptr, dy!.shape, idx.shape, 4);
    return [undefined, g];
  });
  return out;
}
