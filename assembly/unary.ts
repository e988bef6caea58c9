// Unary element-wise ops: each op's f(x) (f32, a few on i32) and its
// derivative dx = dy·f'(x) side by side, and the IEEE class predicates
// (f32 -> u8). Which ops exist, their kernels' names, parameters and what each
// derivative reads come from packages/kernels/src/ops/unary-table.ts: the
// exported kernels are generated into unary_kernels.ts, the op codes into
// unary_codes.ts (scripts/gen-ops.mjs).
//
// One kernel per op and dtype (relu_f32, ...): the op code is a constant in
// the inlined loop, so the per-element switch folds away. Range items are
// elements; the tail goes through the same v128 code on a partial vector, so a
// value never depends on the split.
//
// Derivatives read the saved input x or the saved output y, whichever is
// cheaper (the table's \`grad\` column; the other address may be 0). Formulas and
// NaN behaviour follow the tfjs gradients, except tanh, which uses
// (1 - y)(1 + y) rather than 1 - y² to keep accuracy near ±1.
import { at4, loadPartial, madd, storePartial } from './common';
import {
  erfv, expfullv, expm1v, expnegsqv, expnegv, log1pv, logv, phiv, sincosv, softplusv,
} from './math';
import {
  ABS, ATAN, CEIL, CLIP_BY_VALUE, COS, ELU, ERF, EXP, EXPM1, FLOOR, GELU, GELU_APPROX, LEAKY_RELU, LOG, LOG1P, NEG,
  RECIPROCAL, RELU, RELU6, ROUND, RSQRT, SELU, SIGMOID, SIGN, SIN, SOFTPLUS, SQRT, SQUARE, TANH, readsX, readsY,
} from './unary_codes';
import { packMask4, storeBytes } from './lanes';
import { eluv, leakyReluv, relu6v, reluv, sigmoidv, tanhv } from './activation';


const IS_NAN = 0, IS_FINITE = 1, IS_INF = 2;

const SELU_SCALE: f32 = 1.0507009873554805;
const SELU_SCALE_ALPHA: f32 = 1.7580993408473766;
// gelu's tanh form 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), is
// x·sigmoid(2u); 2u = x·(GA + GB·x²). The sigmoid form does not cancel for x < 0.
const GA: f32 = 1.5957691216057308;
const GB: f32 = 0.07135481627260025;

// atan through float64 Math lane by lane, rounded once (as tfjs's cpu backend).
@inline function atanv(x: v128): v128 {
  let r = f32x4.splat(<f32>Math.atan(<f64>f32x4.extract_lane(x, 0)));
  r = f32x4.replace_lane(r, 1, <f32>Math.atan(<f64>f32x4.extract_lane(x, 1)));
  r = f32x4.replace_lane(r, 2, <f32>Math.atan(<f64>f32x4.extract_lane(x, 2)));
  return f32x4.replace_lane(r, 3, <f32>Math.atan(<f64>f32x4.extract_lane(x, 3)));
}

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
    case TANH: return tanhv(x);
    case SIGMOID: return sigmoidv(x);
    case RELU: return reluv(x);
    case RELU6: return relu6v(x);
    case LEAKY_RELU: return leakyReluv(x, alpha);
    case ELU: return eluv(x, alpha);
    case SELU:
      return v128.bitselect(f32x4.mul(x, splat(SELU_SCALE)), f32x4.mul(expm1v(x), splat(SELU_SCALE_ALPHA)),
        f32x4.ge(x, zero));
    case SOFTPLUS: return softplusv(x);
    case GELU: return f32x4.mul(x, phiv(x));
    case GELU_APPROX: return f32x4.mul(x, sigmoidv(f32x4.mul(x, madd(f32x4.mul(x, x), splat(GB), splat(GA)))));
    case ERF: return erfv(x);
    case ATAN: return atanv(x);
    // Comparisons rather than min/max: NaN and -0 pass through, as tfjs.
    case CLIP_BY_VALUE: {
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

@inline export function mapF32(op: i32, x: usize, out: usize, alpha: f32, beta: f32, start: i32, end: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) v128.store(at4(out, i), unaryF32(op, v128.load(at4(x, i)), alpha, beta));
  if (i < end) storePartial(at4(out, i), unaryF32(op, loadPartial(at4(x, i), end - i), alpha, beta), end - i);
}

@inline export function mapI32(op: i32, x: usize, out: usize, start: i32, end: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) v128.store(at4(out, i), unaryI32(op, v128.load(at4(x, i))));
  if (i < end) storePartial(at4(out, i), unaryI32(op, loadPartial(at4(x, i), end - i)), end - i);
}

// Derivatives.

const INV_SQRT_2PI: f32 = 0.3989422804014327;
const TWO_OVER_SQRT_PI: f32 = 1.1283791670955126;

// tfjs's step(x, below): 1 where x > 0, `below` elsewhere, NaN for NaN.
@inline function step(x: v128, below: f32): v128 {
  const s = v128.bitselect(splat(1), splat(below), f32x4.gt(x, splat(0)));
  return v128.bitselect(x, s, f32x4.ne(x, x));
}

@inline function gradF32(op: i32, x: v128, y: v128, dy: v128, alpha: f32, beta: f32): v128 {
  const zero = splat(0), one = splat(1);
  switch (op) {
    case NEG: return f32x4.neg(dy);
    case ABS: return f32x4.mul(dy, step(x, -1));
    case EXP: return f32x4.mul(dy, y);
    case EXPM1: return f32x4.mul(dy, expfullv(x));
    case LOG: return f32x4.div(dy, x);
    case LOG1P: return f32x4.div(dy, f32x4.add(x, one));
    case SQRT: return f32x4.div(dy, f32x4.mul(y, splat(2)));
    // d/dx x^-1/2 = -x^-3/2 / 2 = -y³/2.
    case RSQRT: return f32x4.mul(f32x4.mul(dy, splat(-0.5)), f32x4.mul(f32x4.mul(y, y), y));
    case SQUARE: return f32x4.mul(dy, f32x4.mul(x, splat(2)));
    case RECIPROCAL: return f32x4.neg(f32x4.mul(dy, f32x4.mul(y, y)));
    case SIN: return f32x4.mul(sincosv(x, true), dy);
    case COS: return f32x4.mul(f32x4.neg(sincosv(x, false)), dy);
    case TANH: return f32x4.mul(f32x4.mul(f32x4.sub(one, y), f32x4.add(one, y)), dy);
    case SIGMOID: return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(one, y)));
    case RELU: return f32x4.mul(dy, step(y, 0));
    case RELU6: {
      const inside = v128.and(f32x4.le(x, splat(6)), f32x4.gt(x, zero));
      return f32x4.mul(dy, v128.bitselect(x, v128.and(inside, one), f32x4.ne(x, x)));
    }
    case LEAKY_RELU: return v128.bitselect(dy, f32x4.mul(dy, splat(alpha)), f32x4.gt(x, zero));
    // α·e^x = y + α below zero.
    case ELU: return v128.bitselect(dy, f32x4.mul(dy, f32x4.add(y, splat(alpha))), f32x4.ge(y, zero));
    case SELU:
      return v128.bitselect(f32x4.mul(dy, splat(SELU_SCALE)),
        f32x4.mul(f32x4.mul(dy, splat(SELU_SCALE_ALPHA)), expnegv(v128.or(x, splat(-0.0)))), f32x4.gt(x, zero));
    case SOFTPLUS: return f32x4.mul(dy, sigmoidv(x));
    // Φ(x) + x·φ(x); x is clamped to ±15 inside phiv/expnegsqv, where both are 0 or 1.
    case GELU: {
      const xc = f32x4.min(f32x4.max(x, splat(-15)), splat(15));
      const pdf = f32x4.mul(expnegsqv(x, true), splat(INV_SQRT_2PI));
      return f32x4.mul(dy, madd(xc, pdf, phiv(x)));
    }
    // s + x·s(1 - s)·(GA + 3·GB·x²) with s = sigmoid(x·(GA + GB·x²)). Beyond
    // |x| = 50 s(1 - s) is 0; clamping keeps x² finite so the limit is s, not NaN.
    case GELU_APPROX: {
      const xc = f32x4.min(f32x4.max(x, splat(-50)), splat(50));
      const x2 = f32x4.mul(xc, xc);
      const s = sigmoidv(f32x4.mul(x, madd(x2, splat(GB), splat(GA))));
      const dv = madd(x2, splat(3 * GB), splat(GA));
      return f32x4.mul(dy, madd(f32x4.mul(xc, f32x4.mul(s, f32x4.sub(one, s))), dv, s));
    }
    case ERF: return f32x4.mul(dy, f32x4.mul(expnegsqv(x, false), splat(TWO_OVER_SQRT_PI)));
    // tfjs: dy / (x² + 1); beyond |x| = 1.8e19 x² is Inf and the gradient 0.
    case ATAN: return f32x4.div(dy, madd(x, x, one));
    case CLIP_BY_VALUE: {
      const inside = v128.and(f32x4.ge(x, splat(alpha)), f32x4.le(x, splat(beta)));
      return v128.and(dy, inside);
    }
    // Piecewise constant: zero gradient, as tfjs (not dy·0, which would turn Inf into NaN).
    case SIGN: case ROUND: case FLOOR: case CEIL: return zero;
    default: return dy;
  }
}

@inline export function mapGrad(op: i32, x: usize, y: usize, dy: usize, dx: usize, alpha: f32, beta: f32,
  start: i32, end: i32): void {
  // Only the operands an op reads are loaded, so an unused address may be 0.
  const rx = readsX(op), ry = readsY(op);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const xv = rx ? v128.load(at4(x, i)) : splat(0);
    const yv = ry ? v128.load(at4(y, i)) : splat(0);
    v128.store(at4(dx, i), gradF32(op, xv, yv, v128.load(at4(dy, i)), alpha, beta));
  }
  if (i < end) {
    const n = end - i;
    const xv = rx ? loadPartial(at4(x, i), n) : splat(0);
    const yv = ry ? loadPartial(at4(y, i), n) : splat(0);
    storePartial(at4(dx, i), gradF32(op, xv, yv, loadPartial(at4(dy, i), n), alpha, beta), n);
  }
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
