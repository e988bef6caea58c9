// Unary math and activations (tfjs names), each with its derivative kernel.
import { unaryGradInto, unaryInto, type UnaryKind } from '../backend.js';
import type { UnaryOp } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { castRaw } from './cast.js';
import { zerosLike } from '../create.js';

/** Ops whose int32 input gives an int32 result (tfjs); others compute in float32. */
const INT_KEEPS = new Set<UnaryKind>(['neg', 'abs', 'sign', 'square', 'relu', 'relu6', 'round', 'floor', 'ceil', 'clipByValue']);
/** Ops whose gradient is zero everywhere (tfjs registers them so). */
const ZERO_GRAD = new Set<UnaryKind>(['sign', 'round', 'floor', 'ceil']);

function unaryOp(name: string, kind: UnaryKind, x: Tensor | TensorLike, alpha?: number, beta?: number): Tensor {
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

/** -x, element-wise (tfjs `neg`); int32 stays int32. */
export const neg = (x: Tensor | TensorLike) => unaryOp('Neg', 'neg', x);
/** |x|, element-wise (tfjs `abs`); int32 stays int32. */
export const abs = (x: Tensor | TensorLike) => unaryOp('Abs', 'abs', x);
/** -1, 0 or 1 by the sign of x (tfjs `sign`); its gradient is zero. */
export const sign = (x: Tensor | TensorLike) => unaryOp('Sign', 'sign', x);
/** e^x, element-wise (tfjs `exp`). */
export const exp = (x: Tensor | TensorLike) => unaryOp('Exp', 'exp', x);
/** e^x - 1, accurate near 0 (tfjs `expm1`). */
export const expm1 = (x: Tensor | TensorLike) => unaryOp('Expm1', 'expm1', x);
/** Natural logarithm (tfjs `log`); NaN below 0, -Infinity at 0. */
export const log = (x: Tensor | TensorLike) => unaryOp('Log', 'log', x);
/** log(1 + x), accurate near 0 (tfjs `log1p`). */
export const log1p = (x: Tensor | TensorLike) => unaryOp('Log1p', 'log1p', x);
/** Square root (tfjs `sqrt`); NaN below 0. */
export const sqrt = (x: Tensor | TensorLike) => unaryOp('Sqrt', 'sqrt', x);
/** 1 / sqrt(x) (tfjs `rsqrt`). */
export const rsqrt = (x: Tensor | TensorLike) => unaryOp('Rsqrt', 'rsqrt', x);
/** x², element-wise (tfjs `square`); int32 stays int32. */
export const square = (x: Tensor | TensorLike) => unaryOp('Square', 'square', x);
/** 1 / x, element-wise (tfjs `reciprocal`). */
export const reciprocal = (x: Tensor | TensorLike) => unaryOp('Reciprocal', 'reciprocal', x);
/** Sine, x in radians (tfjs `sin`). */
export const sin = (x: Tensor | TensorLike) => unaryOp('Sin', 'sin', x);
/** Cosine, x in radians (tfjs `cos`). */
export const cos = (x: Tensor | TensorLike) => unaryOp('Cos', 'cos', x);
/** Hyperbolic tangent (tfjs `tanh`). */
export const tanh = (x: Tensor | TensorLike) => unaryOp('Tanh', 'tanh', x);
/** 1 / (1 + e^-x) (tfjs `sigmoid`). */
export const sigmoid = (x: Tensor | TensorLike) => unaryOp('Sigmoid', 'sigmoid', x);
/** max(x, 0) (tfjs `relu`); int32 stays int32. */
export const relu = (x: Tensor | TensorLike) => unaryOp('Relu', 'relu', x);
/** min(max(x, 0), 6) (tfjs `relu6`). */
export const relu6 = (x: Tensor | TensorLike) => unaryOp('Relu6', 'relu6', x);
/** x for x >= 0, alpha·x below (tfjs default alpha 0.2). */
export const leakyRelu = (x: Tensor | TensorLike, alpha = 0.2) => unaryOp('LeakyRelu', 'leakyRelu', x, alpha);
/** x for x >= 0, exp(x) - 1 below. */
export const elu = (x: Tensor | TensorLike) => unaryOp('Elu', 'elu', x);
/**
 * Scaled ELU: scale·x for x > 0, scale·alpha·(e^x - 1) below, with tfjs's constants (scale ≈ 1.0507, alpha ≈ 1.6733).
 */
export const selu = (x: Tensor | TensorLike) => unaryOp('Selu', 'selu', x);
/** log(1 + e^x), computed stably (tfjs `softplus`). */
export const softplus = (x: Tensor | TensorLike) => unaryOp('Softplus', 'softplus', x);
/** log(sigmoid(x)), stably. */
export const logSigmoid = (x: Tensor | TensorLike) => neg(softplus(neg(x)));
/** Gaussian error linear unit: exact erf form, or the tanh approximation. */
export const gelu = (x: Tensor | TensorLike, approximate = false) =>
  approximate ? unaryOp('GeluApprox', 'geluApprox', x) : unaryOp('Gelu', 'gelu', x);
/** The Gauss error function (tfjs `erf`). */
export const erf = (x: Tensor | TensorLike) => unaryOp('Erf', 'erf', x);
/** Rounds to the nearest integer, halves to even (tfjs `round`); its gradient is zero. */
export const round = (x: Tensor | TensorLike) => unaryOp('Round', 'round', x);
/** Largest integer <= x (tfjs `floor`); its gradient is zero. */
export const floor = (x: Tensor | TensorLike) => unaryOp('Floor', 'floor', x);
/** Smallest integer >= x (tfjs `ceil`); its gradient is zero. */
export const ceil = (x: Tensor | TensorLike) => unaryOp('Ceil', 'ceil', x);
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
