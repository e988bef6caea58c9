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

export const neg = (x: Tensor | TensorLike) => unaryOp('Neg', 'neg', x);
export const abs = (x: Tensor | TensorLike) => unaryOp('Abs', 'abs', x);
export const sign = (x: Tensor | TensorLike) => unaryOp('Sign', 'sign', x);
export const exp = (x: Tensor | TensorLike) => unaryOp('Exp', 'exp', x);
export const expm1 = (x: Tensor | TensorLike) => unaryOp('Expm1', 'expm1', x);
export const log = (x: Tensor | TensorLike) => unaryOp('Log', 'log', x);
export const log1p = (x: Tensor | TensorLike) => unaryOp('Log1p', 'log1p', x);
export const sqrt = (x: Tensor | TensorLike) => unaryOp('Sqrt', 'sqrt', x);
export const rsqrt = (x: Tensor | TensorLike) => unaryOp('Rsqrt', 'rsqrt', x);
export const square = (x: Tensor | TensorLike) => unaryOp('Square', 'square', x);
export const reciprocal = (x: Tensor | TensorLike) => unaryOp('Reciprocal', 'reciprocal', x);
export const sin = (x: Tensor | TensorLike) => unaryOp('Sin', 'sin', x);
export const cos = (x: Tensor | TensorLike) => unaryOp('Cos', 'cos', x);
export const tanh = (x: Tensor | TensorLike) => unaryOp('Tanh', 'tanh', x);
export const sigmoid = (x: Tensor | TensorLike) => unaryOp('Sigmoid', 'sigmoid', x);
export const relu = (x: Tensor | TensorLike) => unaryOp('Relu', 'relu', x);
export const relu6 = (x: Tensor | TensorLike) => unaryOp('Relu6', 'relu6', x);
/** x for x >= 0, alpha·x below (tfjs default alpha 0.2). */
export const leakyRelu = (x: Tensor | TensorLike, alpha = 0.2) => unaryOp('LeakyRelu', 'leakyRelu', x, alpha);
/** x for x >= 0, exp(x) - 1 below. */
export const elu = (x: Tensor | TensorLike) => unaryOp('Elu', 'elu', x);
export const selu = (x: Tensor | TensorLike) => unaryOp('Selu', 'selu', x);
export const softplus = (x: Tensor | TensorLike) => unaryOp('Softplus', 'softplus', x);
/** log(sigmoid(x)), stably. */
export const logSigmoid = (x: Tensor | TensorLike) => neg(softplus(neg(x)));
/** Gaussian error linear unit: exact erf form, or the tanh approximation. */
export const gelu = (x: Tensor | TensorLike, approximate = false) =>
  approximate ? unaryOp('GeluApprox', 'geluApprox', x) : unaryOp('Gelu', 'gelu', x);
export const erf = (x: Tensor | TensorLike) => unaryOp('Erf', 'erf', x);
export const round = (x: Tensor | TensorLike) => unaryOp('Round', 'round', x);
export const floor = (x: Tensor | TensorLike) => unaryOp('Floor', 'floor', x);
export const ceil = (x: Tensor | TensorLike) => unaryOp('Ceil', 'ceil', x);
export const isNaN = (x: Tensor | TensorLike) => unaryOp('IsNan', 'isNaN', x);
export const isFinite = (x: Tensor | TensorLike) => unaryOp('IsFinite', 'isFinite', x);
export const isInf = (x: Tensor | TensorLike) => unaryOp('IsInf', 'isInf', x);

/** Clamps to [clipValueMin, clipValueMax]. */
export function clipByValue(x: Tensor | TensorLike, clipValueMin: number, clipValueMax: number): Tensor {
  if (!(clipValueMin <= clipValueMax)) {
    const t = convert(x, 'x', 'clipByValue');
    throw new Error(`clipByValue: min ${clipValueMin} must be <= max ${clipValueMax} (x ${fmtShape(t.shape)} ${t.dtype})`);
  }
  return unaryOp('ClipByValue', 'clipByValue', x, clipValueMin, clipValueMax);
}
