// The one place where tensor ops meet kernel wrappers whose final form is still
// landing. TEMPORARY: the JS loops below stand in for the element-wise and
// reduction kernels until they merge; only this file changes then.
import type { DataType } from './dtype.js';
import { stridesOf, sizeOf } from './shape.js';
import { Tensor, viewData, emptyTensor } from './tensor.js';

export type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow' | 'squaredDifference'
  | 'floorDiv' | 'mod' | 'atan2';

const fns: Record<BinaryKind, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
  pow: (a, b) => a ** b,
  squaredDifference: (a, b) => (a - b) * (a - b),
  floorDiv: (a, b) => Math.floor(a / b),
  mod: (a, b) => ((a % b) + b) % b,
  atan2: (a, b) => Math.atan2(a, b),
};

/** out = a (op) b with broadcasting into outShape. */
export function binaryInto(kind: BinaryKind, a: Tensor, b: Tensor, outShape: number[], dtype: DataType): Tensor {
  const out = emptyTensor(outShape, dtype);
  const n = out.size;
  if (n === 0) return out;
  const rank = outShape.length;
  const sa = stridesOf(a.shape), sb = stridesOf(b.shape);
  const stA = outShape.map((d, i) => {
    const j = i - (rank - a.rank);
    return j < 0 || a.shape[j] === 1 ? 0 : sa[j]!;
  });
  const stB = outShape.map((d, i) => {
    const j = i - (rank - b.rank);
    return j < 0 || b.shape[j] === 1 ? 0 : sb[j]!;
  });
  const av = viewData(a), bv = viewData(b), ov = viewData(out);
  const f = fns[kind];
  const idx = new Array<number>(rank).fill(0);
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    ov[i] = f(av[ia]!, bv[ib]!);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      ia += stA[d]!;
      ib += stB[d]!;
      if (idx[d]! < outShape[d]!) break;
      ia -= stA[d]! * outShape[d]!;
      ib -= stB[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** Sum over the given (sorted) axes, keeping them as size-1 dims. */
export function sumInto(x: Tensor, axes: number[]): Tensor {
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = emptyTensor(outShape, x.dtype === 'bool' ? 'int32' : x.dtype);
  const ov = viewData(out);
  ov.fill(0);
  const xv = viewData(x);
  const so = stridesOf(outShape);
  const n = x.size;
  const rank = x.rank;
  const idx = new Array<number>(rank).fill(0);
  let io = 0;
  for (let i = 0; i < n; i++) {
    ov[io] += xv[i]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      if (!axes.includes(d)) io += so[d]!;
      if (idx[d]! < x.shape[d]!) break;
      if (!axes.includes(d)) io -= so[d]! * x.shape[d]!;
      idx[d] = 0;
    }
  }
  void sizeOf;
  return out;
}
