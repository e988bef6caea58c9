// Unary element-wise kernels: math and activations (f32, a few on i32), the
// IEEE class predicates (f32 -> u8) and the derivatives dx = dy·f'(x).
//
// One kernel per op and dtype (relu_f32, ...): the op code is a constant in
// the inlined loop, so the per-element switch folds away. Range items are
// elements; the tail goes through the same v128 code on a partial vector, so a
// value never depends on the split.
import { at4, loadPartial, madd, storePartial } from './common';
import {
  erfv, expfullv, expm1v, log1pv, logv, phiv, sigmoidfullv, sincosv, softplusv, tanhfullv,
} from './math';
import { packMask4, storeBytes } from './lanes';

export const NEG = 0, ABS = 1, SIGN = 2, EXP = 3, EXPM1 = 4, LOG = 5, LOG1P = 6, SQRT = 7, RSQRT = 8;
export const SQUARE = 9, RECIPROCAL = 10, SIN = 11, COS = 12, TANH = 13, SIGMOID = 14, RELU = 15, RELU6 = 16;
export const LEAKY_RELU = 17, ELU = 18, SELU = 19, SOFTPLUS = 20, GELU = 21, GELU_APPROX = 22, ERF = 23;
export const CLIP = 24, ROUND = 25, FLOOR = 26, CEIL = 27;

const IS_NAN = 0, IS_FINITE = 1, IS_INF = 2;

export const SELU_SCALE: f32 = 1.0507009873554805;
export const SELU_SCALE_ALPHA: f32 = 1.7580993408473766;
// gelu's tanh form 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), is
// x·sigmoid(2u); 2u = x·(GA + GB·x²). The sigmoid form does not cancel for x < 0.
export const GA: f32 = 1.5957691216057308;
export const GB: f32 = 0.07135481627260025;

@inline export function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** f(x) for op; alpha/beta: leakyRelu and elu slope, clipByValue bounds. */
@inline function unaryF32(op: i32, x: v128, alpha: f32, beta: f32): v128 {
  const zero = splat(0), one = splat(1);
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    // NaN and ±0 give 0, as tfjs.
    case SIGN: return v128.or(v128.and(f32x4.gt(x, zero), one), v128.and(f32x4.lt(x, zero), splat(-1)));
    case EXP: return expfullv(x);
    case EXPM1: return expm1v(x);
    case LOG: return logv(x);
    case LOG1P: return log1pv(x);
    case SQRT: return f32x4.sqrt(x);
    case RSQRT: return f32x4.div(one, f32x4.sqrt(x));
    case SQUARE: return f32x4.mul(x, x);
    case RECIPROCAL: return f32x4.div(one, x);
    case SIN: return sincosv(x, false);
    case COS: return sincosv(x, true);
    case TANH: return tanhfullv(x);
    case SIGMOID: return sigmoidfullv(x);
    // Math.max(0, x): NaN stays NaN, -0 becomes +0. pmax (x < 0 ? 0 : x, one
    // instruction, where NaN-propagating max takes several) keeps NaN, and
    // adding +0 turns -0 into +0.
    case RELU: return f32x4.add(f32x4.pmax(x, zero), zero);
    case RELU6: return f32x4.pmin(f32x4.add(f32x4.pmax(x, zero), zero), splat(6));
    case LEAKY_RELU: return v128.bitselect(f32x4.mul(x, splat(alpha)), x, f32x4.lt(x, zero));
    case ELU: return v128.bitselect(x, f32x4.mul(expm1v(x), splat(alpha)), f32x4.ge(x, zero));
    case SELU:
      return v128.bitselect(f32x4.mul(x, splat(SELU_SCALE)), f32x4.mul(expm1v(x), splat(SELU_SCALE_ALPHA)),
        f32x4.ge(x, zero));
    case SOFTPLUS: return softplusv(x);
    case GELU: return f32x4.mul(x, phiv(x));
    case GELU_APPROX: return f32x4.mul(x, sigmoidfullv(f32x4.mul(x, madd(f32x4.mul(x, x), splat(GB), splat(GA)))));
    case ERF: return erfv(x);
    // Comparisons rather than min/max: NaN and -0 pass through, as tfjs.
    case CLIP: {
      const r = v128.bitselect(splat(beta), x, f32x4.gt(x, splat(beta)));
      return v128.bitselect(splat(alpha), r, f32x4.lt(x, splat(alpha)));
    }
    case ROUND: return f32x4.nearest(x);
    case FLOOR: return f32x4.floor(x);
    case CEIL: return f32x4.ceil(x);
    default: return x;
  }
}

@inline function unaryI32(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return i32x4.neg(x);
    case ABS: return i32x4.abs(x);
    // Masks are -1 where true: lt - gt is -1, 0 or 1.
    case SIGN: return i32x4.sub(i32x4.lt_s(x, i32x4.splat(0)), i32x4.gt_s(x, i32x4.splat(0)));
    case SQUARE: return i32x4.mul(x, x);
    default: return x;
  }
}

@inline function mapF32(op: i32, x: usize, out: usize, alpha: f32, beta: f32, start: i32, end: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) v128.store(at4(out, i), unaryF32(op, v128.load(at4(x, i)), alpha, beta));
  if (i < end) storePartial(at4(out, i), unaryF32(op, loadPartial(at4(x, i), end - i), alpha, beta), end - i);
}

@inline function mapI32(op: i32, x: usize, out: usize, start: i32, end: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) v128.store(at4(out, i), unaryI32(op, v128.load(at4(x, i))));
  if (i < end) storePartial(at4(out, i), unaryI32(op, loadPartial(at4(x, i), end - i)), end - i);
}

// Kernels <op>_f32(x, out, [params,] start, end): out[i] = f(x[i]); params
// are leakyRelu's and elu's alpha and clipByValue's lo, hi. Range items: elements.
export function neg_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(NEG, x, out, 0, 0, start, end);
}
export function abs_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(ABS, x, out, 0, 0, start, end);
}
export function sign_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(SIGN, x, out, 0, 0, start, end);
}
export function exp_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(EXP, x, out, 0, 0, start, end);
}
export function expm1_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(EXPM1, x, out, 0, 0, start, end);
}
export function log_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(LOG, x, out, 0, 0, start, end);
}
export function log1p_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(LOG1P, x, out, 0, 0, start, end);
}
export function sqrt_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(SQRT, x, out, 0, 0, start, end);
}
export function rsqrt_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(RSQRT, x, out, 0, 0, start, end);
}
export function square_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(SQUARE, x, out, 0, 0, start, end);
}
export function reciprocal_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(RECIPROCAL, x, out, 0, 0, start, end);
}
export function sin_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(SIN, x, out, 0, 0, start, end);
}
export function cos_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(COS, x, out, 0, 0, start, end);
}
export function tanh_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(TANH, x, out, 0, 0, start, end);
}
export function sigmoid_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(SIGMOID, x, out, 0, 0, start, end);
}
export function relu_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(RELU, x, out, 0, 0, start, end);
}
export function relu6_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(RELU6, x, out, 0, 0, start, end);
}
export function leaky_relu_f32(x: usize, out: usize, alpha: f32, start: i32, end: i32): void {
  mapF32(LEAKY_RELU, x, out, alpha, 0, start, end);
}
export function elu_f32(x: usize, out: usize, alpha: f32, start: i32, end: i32): void {
  mapF32(ELU, x, out, alpha, 0, start, end);
}
export function selu_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(SELU, x, out, 0, 0, start, end);
}
export function softplus_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(SOFTPLUS, x, out, 0, 0, start, end);
}
export function gelu_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(GELU, x, out, 0, 0, start, end);
}
export function gelu_approx_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(GELU_APPROX, x, out, 0, 0, start, end);
}
export function erf_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(ERF, x, out, 0, 0, start, end);
}
export function clip_by_value_f32(x: usize, out: usize, lo: f32, hi: f32, start: i32, end: i32): void {
  mapF32(CLIP, x, out, lo, hi, start, end);
}
export function round_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(ROUND, x, out, 0, 0, start, end);
}
export function floor_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(FLOOR, x, out, 0, 0, start, end);
}
export function ceil_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapF32(CEIL, x, out, 0, 0, start, end);
}

// int32 kernels <op>_i32(x, out, start, end), wrapping (neg and abs of INT_MIN give INT_MIN).
export function neg_i32(x: usize, out: usize, start: i32, end: i32): void {
  mapI32(NEG, x, out, start, end);
}
export function abs_i32(x: usize, out: usize, start: i32, end: i32): void {
  mapI32(ABS, x, out, start, end);
}
export function sign_i32(x: usize, out: usize, start: i32, end: i32): void {
  mapI32(SIGN, x, out, start, end);
}
export function square_i32(x: usize, out: usize, start: i32, end: i32): void {
  mapI32(SQUARE, x, out, start, end);
}

@inline function predicate(op: i32, x: v128): v128 {
  switch (op) {
    case IS_NAN: return f32x4.ne(x, x);
    case IS_FINITE: return f32x4.lt(f32x4.abs(x), f32x4.splat(Infinity));
    default: return f32x4.eq(f32x4.abs(x), f32x4.splat(Infinity));
  }
}

@inline function mapPredicate(op: i32, x: usize, out: usize, start: i32, end: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) store<u32>(out + <usize>i, packMask4(predicate(op, v128.load(at4(x, i)))));
  if (i < end) storeBytes(out + <usize>i, packMask4(predicate(op, loadPartial(at4(x, i), end - i))), end - i);
}

// Kernels is_<class>_f32(x, out, start, end): out[i] = 1 or 0 (uint8). Range items: elements.
export function is_nan_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapPredicate(IS_NAN, x, out, start, end);
}
export function is_finite_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapPredicate(IS_FINITE, x, out, start, end);
}
export function is_inf_f32(x: usize, out: usize, start: i32, end: i32): void {
  mapPredicate(IS_INF, x, out, start, end);
}
