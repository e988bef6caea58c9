// Derivatives of the unary ops: dx = dy·f'(x), from the saved input x or the
// saved output y, whichever is cheaper (the JS wrapper documents which one
// each op reads; the other address may be 0). Formulas and NaN behaviour
// follow the tfjs gradients, except tanh, which uses (1 - y)(1 + y) rather
// than 1 - y² to keep accuracy near ±1.
import { at4, loadPartial, madd, storePartial } from './common';
import { expfullv, expnegsqv, expnegv, phiv, sigmoidfullv, sincosv } from './math';
import {
  ABS, CEIL, CLIP, COS, ELU, ERF, EXP, EXPM1, FLOOR, GA, GB, GELU, GELU_APPROX, LEAKY_RELU, LOG, LOG1P, NEG,
  RECIPROCAL, RELU, RELU6, ROUND, RSQRT, SELU, SELU_SCALE, SELU_SCALE_ALPHA, SIGMOID, SIGN, SIN, SOFTPLUS,
  SQRT, SQUARE, TANH, splat,
} from './unary';

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
    case SOFTPLUS: return f32x4.mul(dy, sigmoidfullv(x));
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
      const s = sigmoidfullv(f32x4.mul(x, madd(x2, splat(GB), splat(GA))));
      const dv = madd(x2, splat(3 * GB), splat(GA));
      return f32x4.mul(dy, madd(f32x4.mul(xc, f32x4.mul(s, f32x4.sub(one, s))), dv, s));
    }
    case ERF: return f32x4.mul(dy, f32x4.mul(expnegsqv(x, false), splat(TWO_OVER_SQRT_PI)));
    case CLIP: {
      const inside = v128.and(f32x4.ge(x, splat(alpha)), f32x4.le(x, splat(beta)));
      return v128.and(dy, inside);
    }
    // Piecewise constant: zero gradient, as tfjs (not dy·0, which would turn Inf into NaN).
    case SIGN: case ROUND: case FLOOR: case CEIL: return zero;
    default: return dy;
  }
}

@inline function mapGrad(op: i32, x: usize, y: usize, dy: usize, dx: usize, alpha: f32, beta: f32,
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

@inline function readsY(op: i32): bool {
  return op == EXP || op == SQRT || op == RSQRT || op == RECIPROCAL || op == TANH || op == SIGMOID ||
    op == RELU || op == ELU;
}

@inline function readsX(op: i32): bool {
  return !readsY(op) && op != NEG && op != SIGN && op != ROUND && op != FLOOR && op != CEIL;
}

// Kernels <op>_grad_f32(x, y, dy, dx, [params,] start, end): dx = dy·f'(x),
// params as the forward kernel. Range items: elements.
export function neg_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(NEG, x, y, dy, dx, 0, 0, start, end);
}
export function abs_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(ABS, x, y, dy, dx, 0, 0, start, end);
}
export function sign_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(SIGN, x, y, dy, dx, 0, 0, start, end);
}
export function exp_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(EXP, x, y, dy, dx, 0, 0, start, end);
}
export function expm1_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(EXPM1, x, y, dy, dx, 0, 0, start, end);
}
export function log_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(LOG, x, y, dy, dx, 0, 0, start, end);
}
export function log1p_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(LOG1P, x, y, dy, dx, 0, 0, start, end);
}
export function sqrt_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(SQRT, x, y, dy, dx, 0, 0, start, end);
}
export function rsqrt_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(RSQRT, x, y, dy, dx, 0, 0, start, end);
}
export function square_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(SQUARE, x, y, dy, dx, 0, 0, start, end);
}
export function reciprocal_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(RECIPROCAL, x, y, dy, dx, 0, 0, start, end);
}
export function sin_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(SIN, x, y, dy, dx, 0, 0, start, end);
}
export function cos_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(COS, x, y, dy, dx, 0, 0, start, end);
}
export function tanh_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(TANH, x, y, dy, dx, 0, 0, start, end);
}
export function sigmoid_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(SIGMOID, x, y, dy, dx, 0, 0, start, end);
}
export function relu_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(RELU, x, y, dy, dx, 0, 0, start, end);
}
export function relu6_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(RELU6, x, y, dy, dx, 0, 0, start, end);
}
export function leaky_relu_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  alpha: f32, start: i32, end: i32): void {
  mapGrad(LEAKY_RELU, x, y, dy, dx, alpha, 0, start, end);
}
export function elu_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  alpha: f32, start: i32, end: i32): void {
  mapGrad(ELU, x, y, dy, dx, alpha, 0, start, end);
}
export function selu_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(SELU, x, y, dy, dx, 0, 0, start, end);
}
export function softplus_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(SOFTPLUS, x, y, dy, dx, 0, 0, start, end);
}
export function gelu_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(GELU, x, y, dy, dx, 0, 0, start, end);
}
export function gelu_approx_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(GELU_APPROX, x, y, dy, dx, 0, 0, start, end);
}
export function erf_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(ERF, x, y, dy, dx, 0, 0, start, end);
}
export function clip_by_value_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  lo: f32, hi: f32, start: i32, end: i32): void {
  mapGrad(CLIP, x, y, dy, dx, lo, hi, start, end);
}
export function round_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(ROUND, x, y, dy, dx, 0, 0, start, end);
}
export function floor_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(FLOOR, x, y, dy, dx, 0, 0, start, end);
}
export function ceil_grad_f32(x: usize, y: usize, dy: usize, dx: usize,
  start: i32, end: i32): void {
  mapGrad(CEIL, x, y, dy, dx, 0, 0, start, end);
}
