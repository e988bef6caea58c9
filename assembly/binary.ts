// Binary arithmetic with broadcasting, float32 and int32:
// out = op(a, b) over the output shape described in broadcast.ts.
//
// Semantics follow the tfjs cpu backend, which computes in float64 and rounds:
// add/sub/mul/div/max/min are exact f32 operations (so they equal float64 then
// rounding), floorDiv divides in float64, mod uses the float64 remainder with
// tfjs's sign fix-up, pow and atan2 go lane by lane through the library
// (pow in float32, < 1 ulp; atan2 in float64). int32 arithmetic wraps modulo
// 2^32; floorDiv and mod by 0 give 0 (tfjs's Int32Array stores NaN/±Inf as 0).
//
// The kernels <op>_f32 / <op>_i32 are generated from the arithmetic table
// (packages/kernels/src/ops/binary-table.ts) into binary_kernels.ts: each is
// the walker specialised for one op code of binary_codes.ts. An op's math is
// its case below.
import { at4, loadPartial, storePartial } from './common';
import {
  ADD, SUB, MUL, DIV, DIV_NO_NAN, MAXIMUM, MINIMUM, POW, SQUARED_DIFFERENCE, FLOOR_DIV, MOD, ATAN2,
} from './binary_codes';

const INT_MIN = i32x4.splat(0x80000000);

@inline function hiHalf(v: v128): v128 {
  return v128.shuffle<i32>(v, v, 2, 3, 2, 3);
}

@inline function join(lo: v128, hi: v128): v128 {
  return v128.shuffle<i32>(lo, hi, 0, 1, 4, 5);
}

// Math.pow semantics: NaN exponent gives NaN, and (±1)^±Inf is NaN.
@inline function powJs(x: f32, y: f32): f32 {
  if (y != y || (Mathf.abs(x) == 1 && Mathf.abs(y) == Infinity)) return NaN;
  return Mathf.pow(x, y);
}

// tfjs: rem = a % b; if a and b differ in sign, (rem + b) % b. In float64,
// where the remainder of two floats is exact.
@inline function modJs(a: f32, b: f32): f32 {
  const x = <f64>a, y = <f64>b;
  const rem = x % y;
  if ((x < 0 && y < 0) || (x >= 0 && y >= 0)) return <f32>rem;
  return <f32>((rem + y) % y);
}

@inline function scalarF32(op: i32, x: f32, y: f32): f32 {
  if (op == POW) return powJs(x, y);
  if (op == ATAN2) return <f32>Math.atan2(<f64>x, <f64>y);
  return modJs(x, y);
}

@inline function perLane(op: i32, a: v128, b: v128): v128 {
  let r = f32x4.splat(scalarF32(op, f32x4.extract_lane(a, 0), f32x4.extract_lane(b, 0)));
  r = f32x4.replace_lane(r, 1, scalarF32(op, f32x4.extract_lane(a, 1), f32x4.extract_lane(b, 1)));
  r = f32x4.replace_lane(r, 2, scalarF32(op, f32x4.extract_lane(a, 2), f32x4.extract_lane(b, 2)));
  return f32x4.replace_lane(r, 3, scalarF32(op, f32x4.extract_lane(a, 3), f32x4.extract_lane(b, 3)));
}

// floor(a / b) with the quotient rounded in float64 (as tfjs), so a quotient
// just below an integer is not rounded up to it first.
@inline function floorDivF32(a: v128, b: v128): v128 {
  const lo = f64x2.floor(f64x2.div(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b)));
  const hi = f64x2.floor(f64x2.div(f64x2.promote_low_f32x4(hiHalf(a)), f64x2.promote_low_f32x4(hiHalf(b))));
  return join(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi));
}

@inline function binaryF32(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    // tfjs's where(b == 0, 0, a / b): ±0 divisors give +0, NaN ones NaN.
    case DIV_NO_NAN: return v128.andnot(f32x4.div(a, b), f32x4.eq(b, f32x4.splat(0)));
    // NaN-propagating, max(-0, 0) = 0: as Math.max / Math.min.
    case MAXIMUM: return f32x4.max(a, b);
    case MINIMUM: return f32x4.min(a, b);
    case SQUARED_DIFFERENCE: { const d = f32x4.sub(a, b); return f32x4.mul(d, d); }
    case FLOOR_DIV: return floorDivF32(a, b);
    default: return perLane(op, a, b);
  }
}

// int32 floor division through float64 (exact for int32 operands): no trap on
// 0 or INT_MIN / -1, which give 0 and INT_MIN (2^31 wrapped) as in tfjs.
@inline function floorDivI32(a: v128, b: v128): v128 {
  const lo = f64x2.floor(f64x2.div(f64x2.convert_low_i32x4_s(a), f64x2.convert_low_i32x4_s(b)));
  const hi = f64x2.floor(f64x2.div(f64x2.convert_low_i32x4_s(hiHalf(a)), f64x2.convert_low_i32x4_s(hiHalf(b))));
  let q = join(i32x4.trunc_sat_f64x2_s_zero(lo), i32x4.trunc_sat_f64x2_s_zero(hi));
  q = v128.bitselect(INT_MIN, q, v128.and(i32x4.eq(a, INT_MIN), i32x4.eq(b, i32x4.splat(-1))));
  return v128.andnot(q, i32x4.eq(b, i32x4.splat(0)));
}

// Floored modulo a - floor(a/b)·b, exact in float64; b = 0 gives NaN there,
// which the saturating conversion turns into 0.
@inline function modHalfI32(a: v128, b: v128): v128 {
  const x = f64x2.convert_low_i32x4_s(a), y = f64x2.convert_low_i32x4_s(b);
  return i32x4.trunc_sat_f64x2_s_zero(f64x2.sub(x, f64x2.mul(f64x2.floor(f64x2.div(x, y)), y)));
}

// Integer power by repeated squaring, wrapping. Negative exponents: 1/a^|b|
// truncates to 0 except for a = ±1 (and a = 0 gives Infinity, stored as 0).
@inline function powI32(a: v128, b: v128): v128 {
  const zero = i32x4.splat(0), one = i32x4.splat(1);
  const neg = i32x4.lt_s(b, zero);
  let e = v128.andnot(b, neg);
  let r = one, base = a;
  while (v128.any_true(e)) {
    r = v128.bitselect(i32x4.mul(r, base), r, i32x4.ne(v128.and(e, one), zero));
    base = i32x4.mul(base, base);
    e = i32x4.shr_u(e, 1);
  }
  const oddNegOne = v128.and(i32x4.eq(a, i32x4.splat(-1)), i32x4.ne(v128.and(b, one), zero));
  const unit = v128.or(i32x4.eq(a, one), i32x4.eq(a, i32x4.splat(-1)));
  const negResult = v128.and(v128.bitselect(i32x4.splat(-1), one, oddNegOne), unit);
  return v128.bitselect(negResult, r, neg);
}

@inline function binaryI32(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return i32x4.add(a, b);
    case SUB: return i32x4.sub(a, b);
    case MUL: return i32x4.mul(a, b);
    case MAXIMUM: return i32x4.max_s(a, b);
    case MINIMUM: return i32x4.min_s(a, b);
    case SQUARED_DIFFERENCE: { const d = i32x4.sub(a, b); return i32x4.mul(d, d); }
    case FLOOR_DIV: return floorDivI32(a, b);
    case MOD: return join(modHalfI32(a, b), modHalfI32(hiHalf(a), hiHalf(b)));
    case POW: return powI32(a, b);
    default: return a;
  }
}

// One output row of n elements; ca / cb (constants at each call site): the
// operand is contiguous, else one value repeated.
@inline function rowOf(isInt: bool, op: i32, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
  const sa = v128.load32_splat(pa), sb = v128.load32_splat(pb);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const va = ca ? v128.load(at4(pa, i)) : sa, vb = cb ? v128.load(at4(pb, i)) : sb;
    v128.store(at4(po, i), isInt ? binaryI32(op, va, vb) : binaryF32(op, va, vb));
  }
  if (i < n) {
    const w = n - i;
    const va = ca ? loadPartial(at4(pa, i), w) : sa, vb = cb ? loadPartial(at4(pb, i), w) : sb;
    storePartial(at4(po, i), isInt ? binaryI32(op, va, vb) : binaryF32(op, va, vb), w);
  }
}

/** The walker's row kernel (broadcast.ts walk2) of the arithmetic ops on T = f32 or i32. */
@final export class ArithRow<T> {
  @inline run(op: i32, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
    rowOf(isInteger<T>(), op, pa, pb, po, n, ca, cb);
  }
}
