// The one tensor-level path of every unary op: dtype rules, the kernel, and
// the gradient recorded beside it. Which ops keep int32 and which have a zero
// gradient are columns of the kernels' unary table.
import { UNARY_TABLE, type UnaryOp, type UnaryRow } from '@wasmml/kernels';
import { unaryGradInto, unaryInto, type UnaryKind } from '../backend.js';
import { convert, type TensorLike } from '../convert.js';
import { zerosLike } from '../create.js';
import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { castRaw } from './cast.js';

const ROWS = Object.entries(UNARY_TABLE as Record<UnaryOp, UnaryRow>) as [UnaryOp, UnaryRow][];
/** Ops whose int32 input gives an int32 result (tfjs); others compute in float32. */
const INT_KEEPS = new Set<UnaryKind>(ROWS.filter(([, r]) => r.keepsInt === true).map(([op]) => op));
/** Ops whose gradient is zero everywhere (tfjs registers them so). */
const ZERO_GRAD = new Set<UnaryKind>(ROWS.filter(([, r]) => r.grad === 'zero').map(([op]) => op));

/** Runs unary `kind` on x (tfjs kernel name `name`) and records its gradient. */
export function unaryOp(name: string, kind: UnaryKind, x: Tensor | TensorLike, alpha?: number, beta?: number): Tensor {
  let t = convert(x, 'x', name);
  if (t.dtype === 'bool') t = castRaw(t, INT_KEEPS.has(kind) ? 'int32' : 'float32');
  else if (t.dtype === 'int32' && !INT_KEEPS.has(kind) && kind !== 'isNaN' && kind !== 'isFinite' && kind !== 'isInf') {
    t = castRaw(t, 'float32');
  }
  const out = unaryInto(kind, t, alpha, beta);
  if (out.dtype !== 'bool') {
    const xt = t;
    record(name, [xt], [out], ([dy]) => {
      if (ZERO_GRAD.has(kind)) return [zerosLike(dy!)];
      const xf = xt.dtype === 'float32' ? xt : castRaw(xt, 'float32');
      const yf = out.dtype === 'float32' ? out : castRaw(out, 'float32');
      return [unaryGradInto(kind as UnaryOp, xf, yf, dy!, alpha, beta)];
    });
  }
  return out;
}
