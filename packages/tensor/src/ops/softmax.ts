// softmax and logSoftmax over an axis, with gradients from their outputs.
import { logSoftmax as logSoftmaxK, logSoftmaxGrad, softmax as softmaxK, softmaxGrad } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape, normAxis } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { transposeRaw } from './transpose.js';

type RowKernel = (x: number, y: number, rows: number, n: number) => void;
type GradKernel = (y: number, dy: number, dx: number, rows: number, n: number) => void;

function lastAxisOp(name: string, fwd: RowKernel, bwd: GradKernel, x: Tensor | TensorLike, axis: number): Tensor {
  const t = convert(x, 'logits', name);
  if (t.dtype !== 'float32') throw new Error(`${name}: logits must be float32, got ${t.dtype} (shape ${fmtShape(t.shape)})`);
  if (t.rank === 0) throw new Error(`${name}: logits must have rank >= 1, got a scalar`);
  const ax = normAxis(axis, t.rank, name);
  // Move the axis last (and back afterwards) when it is not already.
  const perm = t.shape.map((_, i) => i);
  perm.splice(ax, 1);
  perm.push(ax);
  const moved = ax === t.rank - 1 ? t : transposeRaw(t, perm);
  const n = t.shape[ax]!,
    rows = n === 0 ? 0 : t.size / n;
  const y = emptyTensor(moved.shape, 'float32');
  if (t.size > 0) fwd(moved.ptr, y.ptr, rows, n);
  const inv = new Array<number>(perm.length);
  perm.forEach((d, i) => (inv[d] = i));
  const out = ax === t.rank - 1 ? y : transposeRaw(y, inv);
  if (moved !== t) moved.dispose();
  if (out !== y) y.dispose();
  record(name, [t], [out], ([dy]) => {
    const yl = ax === t.rank - 1 ? out : transposeRaw(out, perm);
    const dyl = ax === t.rank - 1 ? dy! : transposeRaw(dy!, perm);
    const dx = emptyTensor(yl.shape, 'float32');
    if (t.size > 0) bwd(yl.ptr, dyl.ptr, dx.ptr, rows, n);
    return [ax === t.rank - 1 ? dx : transposeRaw(dx, inv)];
  });
  return out;
}

/** exp(x) / sum(exp(x)) along an axis (default the last). */
export function softmax(logits: Tensor | TensorLike, dim = -1): Tensor {
  return lastAxisOp('Softmax', softmaxK, softmaxGrad, logits, dim);
}

/** x - log(sum(exp(x))) along an axis (default the last). */
export function logSoftmax(logits: Tensor | TensorLike, axis = -1): Tensor {
  return lastAxisOp('LogSoftmax', logSoftmaxK, logSoftmaxGrad, logits, axis);
}
