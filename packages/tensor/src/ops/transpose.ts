// transpose (any permutation), with its gradient (the inverse permutation).
import { transpose as transposeKernel } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { bytesPerElement } from '../dtype.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, type Tensor, viewOf } from '../tensor.js';

/** @internal Permutes without recording. */
export function transposeRaw(t: Tensor, perm: number[]): Tensor {
  if (perm.every((p, i) => p === i)) return viewOf(t, t.shape);
  const out = emptyTensor(
    perm.map((p) => t.shape[p]!),
    t.dtype,
  );
  if (t.size > 0) transposeKernel(t.ptr, out.ptr, t.shape, perm, bytesPerElement(t.dtype) as 4 | 1);
  return out;
}

/** Permutes the dimensions (default: reverses them). */
export function transpose(x: Tensor | TensorLike, perm?: number[]): Tensor {
  const t = convert(x, 'x', 'transpose');
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new Error(`transpose: perm [${p}] is not a permutation of the ${t.rank} dimensions of shape ${fmtShape(t.shape)}`);
  }
  const out = transposeRaw(t, p);
  const inv = new Array<number>(p.length);
  p.forEach((d, i) => (inv[d] = i));
  record('Transpose', [t], [out], ([dy]) => [transposeRaw(dy!, inv)]);
  return out;
}
