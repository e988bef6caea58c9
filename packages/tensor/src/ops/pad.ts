// pad, reverse, tile (tfjs semantics), with their gradients.
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape, normAxes, stridesOf } from '../shape.js';
import { copyBlock } from '../strided.js';
import { emptyTensor, type Tensor, viewData } from '../tensor.js';
import { fill } from '../create.js';
import { sliceRaw } from './slice.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';

/** Pads with a constant: paddings[i] = [before, after] for dimension i. */
export function pad(x: Tensor | TensorLike, paddings: Array<[number, number]>, constantValue = 0): Tensor {
  const t = convert(x, 'x', 'pad');
  if (paddings.length !== t.rank || paddings.some((p) => p.length !== 2 || p[0] < 0 || p[1] < 0)) {
    throw new Error(
      `pad: paddings ${JSON.stringify(paddings)} must be ${t.rank} non-negative [before, after] pairs for shape ${fmtShape(t.shape)}`,
    );
  }
  const shape = t.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const out = fill(shape, constantValue, t.dtype);
  if (t.size > 0) {
    const os = stridesOf(shape);
    let off = 0;
    for (let i = 0; i < t.rank; i++) off += paddings[i]![0] * os[i]!;
    copyBlock(viewData(t), 0, stridesOf(t.shape), viewData(out), off, os, t.shape);
  }
  record('PadV2', [t], [out], ([dy]) => [
    sliceRaw(
      dy!,
      paddings.map((p) => p[0]),
      t.shape,
    ),
  ]);
  return out;
}

/** Reverses the order of elements along the given axes (all by default). */
export function reverse(x: Tensor | TensorLike, axis?: number | number[]): Tensor {
  const t = convert(x, 'x', 'reverse');
  const axes = normAxes(axis, t.rank, 'reverse');
  const out = reverseRaw(t, axes);
  record('Reverse', [t], [out], ([dy]) => [reverseRaw(dy!, axes)]);
  return out;
}

function reverseRaw(t: Tensor, axes: number[]): Tensor {
  const out = emptyTensor(t.shape, t.dtype);
  if (t.size === 0) return out;
  const xs = stridesOf(t.shape);
  let off = 0;
  const sStr = xs.map((s, i) => {
    if (!axes.includes(i)) return s;
    off += (t.shape[i]! - 1) * s;
    return -s;
  });
  copyBlock(viewData(t), off, sStr, viewData(out), 0, stridesOf(t.shape), t.shape);
  return out;
}

/** Repeats x reps[i] times along dimension i. */
export function tile(x: Tensor | TensorLike, reps: number[]): Tensor {
  const t = convert(x, 'x', 'tile');
  if (reps.length !== t.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new Error(`tile: reps ${fmtShape(reps)} must be ${t.rank} non-negative integers for shape ${fmtShape(t.shape)}`);
  }
  const shape = t.shape.map((d, i) => d * reps[i]!);
  const out = emptyTensor(shape, t.dtype);
  if (out.size > 0) {
    // View the output as [r0, d0, r1, d1, ...] and copy x into every repeat.
    const os = stridesOf(shape);
    const src = viewData(t),
      dst = viewData(out);
    const xs = stridesOf(t.shape);
    const repIdx = new Array<number>(t.rank).fill(0);
    for (;;) {
      let off = 0;
      for (let i = 0; i < t.rank; i++) off += repIdx[i]! * t.shape[i]! * os[i]!;
      copyBlock(src, 0, xs, dst, off, os, t.shape);
      let k = t.rank - 1;
      for (; k >= 0; k--) {
        if (++repIdx[k]! < reps[k]!) break;
        repIdx[k] = 0;
      }
      if (k < 0) break;
    }
  }
  record('Tile', [t], [out], ([dy]) => {
    const split: number[] = [];
    t.shape.forEach((d, i) => split.push(reps[i]!, d));
    const summed = sum(
      reshape(dy!, split),
      t.shape.map((_, i) => 2 * i),
    );
    return [reshape(summed, t.shape)];
  });
  return out;
}
