// concat, stack, unstack, split (tfjs semantics), with their gradients.
import { convert, type TensorLike } from '../convert.js';
import { upcastType } from '../dtype.js';
import { record } from '../engine.js';
import { fmtShape, normAxis, stridesOf } from '../shape.js';
import { copyBlock } from '../strided.js';
import { emptyTensor, Tensor, viewData } from '../tensor.js';
import { cast } from './cast.js';
import { expandDims, reshape } from './reshape.js';
import { sliceRaw } from './slice.js';

function concatRaw(ts: Tensor[], axis: number, shape: number[]): Tensor {
  const out = emptyTensor(shape, ts[0]!.dtype);
  if (out.size === 0) return out;
  const os = stridesOf(shape);
  let offset = 0;
  const dst = viewData(out);
  for (const t of ts) {
    if (t.size > 0) copyBlock(viewData(t), 0, stridesOf(t.shape), dst, offset * os[axis]!, os, t.shape);
    offset += t.shape[axis]!;
  }
  return out;
}

/** Joins tensors along an existing axis. */
export function concat(tensors: Array<Tensor | TensorLike>, axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('concat: expected a non-empty list of tensors');
  let ts = tensors.map((t, i) => convert(t, `tensors[${i}]`, 'concat'));
  const rank = ts[0]!.rank;
  if (rank === 0) throw new Error('concat: cannot concatenate scalars; use stack');
  const ax = normAxis(axis, rank, 'concat');
  const dtype = ts.map((t) => t.dtype).reduce(upcastType);
  ts = ts.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
  const shape = [...ts[0]!.shape];
  shape[ax] = 0;
  for (const t of ts) {
    if (t.rank !== rank || t.shape.some((d, i) => i !== ax && d !== ts[0]!.shape[i])) {
      throw new Error(`concat: shapes ${ts.map((x) => fmtShape(x.shape)).join(', ')} differ outside axis ${ax}`);
    }
    shape[ax]! += t.shape[ax]!;
  }
  if (ts.length === 1) return reshape(ts[0]!, shape);
  const out = concatRaw(ts, ax, shape);
  record('Concat', ts, [out], ([dy]) => {
    let begin = 0;
    return ts.map((t) => {
      const b = new Array<number>(rank).fill(0);
      b[ax] = begin;
      begin += t.shape[ax]!;
      return sliceRaw(dy!, b, t.shape);
    });
  });
  return out;
}

/** Stacks same-shape tensors along a new axis. */
export function stack(tensors: Array<Tensor | TensorLike>, axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('stack: expected a non-empty list of tensors');
  const ts = tensors.map((t, i) => convert(t, `tensors[${i}]`, 'stack'));
  for (const t of ts) {
    if (t.shape.join() !== ts[0]!.shape.join()) {
      throw new Error(`stack: all tensors must have the same shape, got ${ts.map((x) => fmtShape(x.shape)).join(', ')}`);
    }
  }
  const ax = axis < 0 ? axis + ts[0]!.rank + 1 : axis;
  return concat(
    ts.map((t) => expandDims(t, ax)),
    ax,
  );
}

/** Splits along an axis into tensors with that axis removed. */
export function unstack(x: Tensor | TensorLike, axis = 0): Tensor[] {
  const t = convert(x, 'x', 'unstack');
  const ax = normAxis(axis, t.rank, 'unstack');
  const n = t.shape[ax]!;
  const partShape = t.shape.map((d, i) => (i === ax ? 1 : d));
  const outShape = t.shape.filter((_, i) => i !== ax);
  const outs: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const b = new Array<number>(t.rank).fill(0);
    b[ax] = i;
    const part = sliceRaw(t, b, partShape);
    outs.push(part);
  }
  const reshaped = outs.map((p) => {
    const r = new Tensor(outShape, p.dtype, p.ref);
    p.dispose();
    return r;
  });
  record('Unpack', [t], reshaped, (dys) => {
    const parts = dys.map((d) => reshape(d, partShape));
    return [concatRaw(parts, ax, t.shape)];
  });
  return reshaped;
}

/** Splits into n equal parts or parts of the given sizes (one may be -1) along an axis. */
export function split(x: Tensor | TensorLike, numOrSizeSplits: number | number[], axis = 0): Tensor[] {
  const t = convert(x, 'x', 'split');
  const ax = normAxis(axis, t.rank, 'split');
  const total = t.shape[ax]!;
  let sizes: number[];
  if (typeof numOrSizeSplits === 'number') {
    if (!Number.isInteger(numOrSizeSplits) || numOrSizeSplits <= 0 || total % numOrSizeSplits !== 0) {
      throw new Error(`split: dimension ${ax} of shape ${fmtShape(t.shape)} (${total}) is not divisible into ${numOrSizeSplits} parts`);
    }
    sizes = new Array<number>(numOrSizeSplits).fill(total / numOrSizeSplits);
  } else {
    sizes = [...numOrSizeSplits];
    const unknown = sizes.indexOf(-1);
    if (unknown >= 0) sizes[unknown] = total - sizes.reduce((a, b) => (b === -1 ? a : a + b), 0);
    if (sizes.reduce((a, b) => a + b, 0) !== total || sizes.some((s) => s < 0)) {
      throw new Error(
        `split: sizes ${fmtShape(numOrSizeSplits)} do not add up to dimension ${ax} of shape ${fmtShape(t.shape)} (${total})`,
      );
    }
  }
  let begin = 0;
  const outs = sizes.map((s) => {
    const b = new Array<number>(t.rank).fill(0);
    b[ax] = begin;
    begin += s;
    return sliceRaw(
      t,
      b,
      t.shape.map((d, i) => (i === ax ? s : d)),
    );
  });
  record('SplitV', [t], outs, (dys) => [concatRaw(dys, ax, t.shape)]);
  return outs;
}
