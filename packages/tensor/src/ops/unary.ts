// Unary math and activations (tfjs names), each with its derivative kernel.
// The ops that take only x are generated from the kernels' unary table
// (unary.generated.ts); here are the ones with options or built from others.
import { convert, type TensorLike } from '../convert.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { neg, softplus } from './unary.generated.js';
import { unaryOp } from './unary-op.js';

export * from './unary.generated.js';

/** x for x >= 0, alpha·x below (tfjs default alpha 0.2). */
export const leakyRelu = (x: Tensor | TensorLike, alpha = 0.2) => unaryOp('LeakyRelu', 'leakyRelu', x, alpha);
/** log(sigmoid(x)), stably. */
export const logSigmoid = (x: Tensor | TensorLike) => neg(softplus(neg(x)));
/** Gaussian error linear unit: exact erf form, or the tanh approximation. */
export const gelu = (x: Tensor | TensorLike, approximate = false) =>
  approximate ? unaryOp('GeluApprox', 'geluApprox', x) : unaryOp('Gelu', 'gelu', x);
/** Whether each element is NaN, as a bool tensor (tfjs `isNaN`). */
export const isNaN = (x: Tensor | TensorLike) => unaryOp('IsNan', 'isNaN', x);
/** Whether each element is finite (not NaN or ±Infinity), as a bool tensor (tfjs `isFinite`). */
export const isFinite = (x: Tensor | TensorLike) => unaryOp('IsFinite', 'isFinite', x);
/** Whether each element is +Infinity or -Infinity, as a bool tensor (tfjs `isInf`). */
export const isInf = (x: Tensor | TensorLike) => unaryOp('IsInf', 'isInf', x);

/** Clamps to [clipValueMin, clipValueMax]. */
export function clipByValue(x: Tensor | TensorLike, clipValueMin: number, clipValueMax: number): Tensor {
  if (!(clipValueMin <= clipValueMax)) {
    const t = convert(x, 'x', 'clipByValue');
    throw new Error(`clipByValue: min ${clipValueMin} must be <= max ${clipValueMax} (x ${fmtShape(t.shape)} ${t.dtype})`);
  }
  return unaryOp('ClipByValue', 'clipByValue', x, clipValueMin, clipValueMax);
}
