// Vectorised transcendental functions. Tails of every kernel go through these
// same v128 routines (one lane used), so a value never depends on whether it
// fell in a SIMD body or a scalar tail, and threaded results equal
// single-threaded ones bit for bit.
import { madd } from './common';

// c0·x^(n-1) + c1·x^(n-2) + … + c(n-1) by Horner's rule, one madd per
// coefficient from the highest: every polynomial below was fitted and its
// error measured in this evaluation order, so it must not be reassociated.
@inline function horner(p: v128, x: v128, c: f32): v128 {
  return madd(p, x, f32x4.splat(c));
}
@inline function poly4(x: v128, c0: f32, c1: f32, c2: f32, c3: f32): v128 {
  return horner(horner(horner(f32x4.splat(c0), x, c1), x, c2), x, c3);
}
@inline function poly6(x: v128, c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32): v128 {
  return horner(horner(poly4(x, c0, c1, c2, c3), x, c4), x, c5);
}
@inline function poly7(x: v128, c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32): v128 {
  return horner(poly6(x, c0, c1, c2, c3, c4, c5), x, c6);
}
@inline function poly10(x: v128, c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32, c7: f32, c8: f32,
  c9: f32): v128 {
  return horner(horner(horner(poly7(x, c0, c1, c2, c3, c4, c5, c6), x, c7), x, c8), x, c9);
}

// exp: x = n*ln2 + r, |r| <= ln2/2, exp(r) by a degree-6 polynomial (max rel.
// error about 2 ulp over the clamped range), scaled by 2^n through the exponent
// bits. Inputs are clamped so 2^n stays a normal float.
@inline export function expv(x: v128): v128 {
  return expClamped(x, -87.33654, 88.72284);
}

// The body of expv and expfullv: x is clamped to [lo, hi] (NaN passes through),
// and 2^n is applied as two factors of at most 2^±75 so that n down to -150
// underflows gradually and n = 128 overflows to +Inf in the last multiply.
// pmax/pmin (one instruction each, unlike NaN-propagating max/min) and the
// 1.5·2^23 rounding trick (n = nearest(t) with its integer in the low bits)
// give the same values as max/min, nearest and trunc_sat, in fewer instructions.
@inline function expClamped(x: v128, lo: f32, hi: f32): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(lo)), f32x4.splat(hi));
  const big = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504)), f32x4.splat(12582912));
  const n = f32x4.sub(big, f32x4.splat(12582912));
  let r = madd(n, f32x4.splat(-0.693145751953125), x);
  r = madd(n, f32x4.splat(-1.428606765330187e-6), r);
  const p = poly7(r, 1.3888889e-3, 8.3333338e-3, 4.1666668e-2, 1.6666667e-1, 0.5, 1.0, 1.0);
  // n in [-125, 127] keeps p·2^n normal.
  return scale2n(p, i32x4.sub(big, i32x4.splat(0x4b400000)), 252);
}

// p·2^n for p in [0.7, 1.42] and integer lanes n: while p·2^n stays normal
// (n + 125 in [0, normal]) adding n to the exponent field is the exact
// product. Otherwise 2^n goes in as two normal factors, so the last multiply
// rounds once into the subnormals or overflows to Inf. Both give the same bits
// where both apply. NaN lanes (whose n is out of range) take the second path.
@inline function scale2n(p: v128, n: v128, normal: i32): v128 {
  if (!v128.any_true(i32x4.gt_u(i32x4.add(n, i32x4.splat(125)), i32x4.splat(normal)))) {
    return i32x4.add(p, i32x4.shl(n, 23));
  }
  const half = i32x4.shr_s(n, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(n, half), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// ---------------------------------------------------------------------------
// Full-range functions for the element-wise kernels (unary.ts), the fused
// epilogues and the recurrent cells (through activation.ts). They follow
// IEEE edge cases the way float64 Math does and tfjs then rounds: overflow to
// ±Inf, gradual underflow, NaN in -> NaN out, -0 kept where Math keeps it.
// Max relative error against float64 Math, measured on dense grids (400k
// points; normal results), SIMD build:
//   exp [-103, 88.7] 2.4e-7    expm1 [-20, 88] 3.1e-7     log [1e-44, 3e38] 1.7e-7
//   log1p [-0.999, 1e30] 2.1e-7  sin, cos [-1e30, 1e30] 1.2e-7 (absolute near zeros)
//   tanh [-10, 10] 2.4e-7      sigmoid [-100, 30] 2.9e-7  softplus [-100, 100] 2.9e-7
//   erf [-5, 5] 3.2e-7         gelu [-13, 10] 6.1e-7      selu, elu 2.1e-7
//   atan: float64 Math lane by lane (unary.ts), rounded once
//   geluApprox [-10, 10] 1.3e-5: the float32 rounding of its argument 2u,
//   amplified by |2u| in the far negative tail (below 2e-6 for x > -3).

const ONE = f32x4.splat(1);
const ZERO = f32x4.splat(0);
const INF = f32x4.splat(Infinity);
const SIGN = i32x4.splat(0x80000000);

/** exp over the whole float range (+Inf above 88.72, subnormals below -87.3); equals expv inside its clamp. */
@inline export function expfullv(x: v128): v128 {
  return expClamped(x, -104, 88.8);
}

/**
 * e^z for z <= 0 (NaN passes through): cheaper than expfullv, with no overflow
 * side and a degree-5 polynomial (weighted least-squares fit for relative
 * error; max 2e-7 relative evaluated in float32). For sigmoid, softplus, erfc.
 */
@inline export function expnegv(z: v128): v128 {
  // Every result normal (NaN lanes included): expNonPositive, cheaper; the
  // clamp and two-factor scaling below are for gradual underflow.
  if (!v128.any_true(f32x4.lt(z, f32x4.splat(-87.33654)))) return expNonPositive(z);
  z = f32x4.pmax(z, f32x4.splat(-104));
  const big = f32x4.add(f32x4.mul(z, f32x4.splat(1.44269504)), f32x4.splat(12582912));
  const p = expnegPoly(z, f32x4.sub(big, f32x4.splat(12582912)));
  // n in [-125, 0] keeps the result normal.
  return scale2n(p, i32x4.sub(big, i32x4.splat(0x4b400000)), 125);
}

// e^(z - n ln2) for n = round(z / ln2): ln2 in two parts, then the degree-5
// polynomial of expnegv.
@inline function expnegPoly(z: v128, n: v128): v128 {
  let r = madd(n, f32x4.splat(-0.693145751953125), z);
  r = madd(n, f32x4.splat(-1.428606765330187e-6), r);
  const q = poly4(r, 8.3125271e-3, 4.1890115e-2, 1.6667114e-1, 4.9999231e-1);
  return madd(f32x4.mul(r, r), q, f32x4.add(r, ONE));
}

/**
 * e^z for z <= 0 where results below 2^-126 may flush to 0 (softmax and
 * logSumExp exponentiate x - max): expnegv's polynomial, with 2^n built
 * straight from the bits of the rounding sum (its constant carries the
 * exponent bias) and one multiply, so neither the clamp nor expnegv's
 * subnormal branch is needed. NaN passes through.
 */
@inline export function expNonPositive(z: v128): v128 {
  // 1.5 * 2^23 + 127: its bits after rounding carry n + 127, the exponent of 2^n.
  // Being odd, it can round an exact half-way z / ln2 to the other neighbour than
  // expnegv's constant does; r then sits at the other end of [-ln2/2, ln2/2],
  // where the polynomial is just as accurate (one ulp apart at most).
  const big = f32x4.add(f32x4.mul(z, f32x4.splat(1.44269504)), f32x4.splat(12583039));
  const p = expnegPoly(z, f32x4.sub(big, f32x4.splat(12583039)));
  return v128.andnot(f32x4.mul(p, i32x4.shl(big, 23)), f32x4.lt(z, f32x4.splat(-87.33654)));
}

// expm1: exp(x) - 1 cancels for small |x|, so |x| < 0.5 uses the Taylor series
// through x^8 (truncation < 1e-8 relative), written x·(1 + x·p) to keep -0.
@inline export function expm1v(x: v128): v128 {
  const p = poly7(x, 2.4801587e-5, 1.9841270e-4, 1.3888889e-3, 8.3333338e-3, 4.1666668e-2, 1.6666667e-1, 0.5);
  const small = f32x4.mul(x, madd(x, p, ONE));
  const big = f32x4.sub(expfullv(x), ONE);
  return v128.bitselect(small, big, f32x4.lt(f32x4.abs(x), f32x4.splat(0.5)));
}

// log: x = m·2^e with m in [√½, √2), log(m) = 2·atanh(s), s = (m-1)/(m+1),
// |s| <= 0.1716, by the odd series through s^9 (truncation ~2e-9 relative).
// Subnormals are scaled by 2^23 first.
@inline export function logv(x: v128): v128 {
  const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, tiny);
  let e = i32x4.sub(i32x4.shr_u(xs, 23), i32x4.splat(127));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  let m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const hi = f32x4.gt(m, f32x4.splat(1.41421356));
  m = v128.bitselect(f32x4.mul(m, f32x4.splat(0.5)), m, hi);
  e = i32x4.sub(e, hi);
  const f = f32x4.sub(m, ONE);
  const s = f32x4.div(f, f32x4.add(f32x4.splat(2), f));
  const z = f32x4.mul(s, s);
  const p = poly4(z, 0.11111111, 0.14285714, 0.2, 0.33333334);
  const s2 = f32x4.add(s, s);
  const ef = f32x4.convert_i32x4_s(e);
  let r = madd(f32x4.mul(s2, z), p, s2);
  r = madd(ef, f32x4.splat(1.428606765330187e-6), r);
  r = madd(ef, f32x4.splat(0.693145751953125), r);
  // +Inf and NaN return themselves, negatives NaN, ±0 -Inf.
  r = v128.bitselect(x, r, v128.not(f32x4.lt(x, INF)));
  r = v128.bitselect(f32x4.splat(NaN), r, f32x4.lt(x, ZERO));
  return v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, ZERO));
}

// log1p(x) = log(u) + (x - (u - 1))/u with u = 1 + x: the second term restores
// what rounding 1 + x lost. Below 2^-25 log1p(x) rounds to x (this keeps -0).
@inline export function log1pv(x: v128): v128 {
  const u = f32x4.add(x, ONE);
  let corr = f32x4.div(f32x4.sub(x, f32x4.sub(u, ONE)), u);
  corr = v128.and(corr, f32x4.lt(f32x4.abs(corr), INF));
  const r = f32x4.add(logv(u), corr);
  return v128.bitselect(x, r, f32x4.lt(f32x4.abs(x), f32x4.splat(2.9802322e-8)));
}

/** 1/(1 + e^-x) accurate over the whole range: e^-|x| never overflows, and x < 0 uses e^x/(1 + e^x). */
@inline export function sigmoidv(x: v128): v128 {
  const e = expnegv(v128.or(x, SIGN));
  return f32x4.div(v128.bitselect(ONE, e, f32x4.ge(x, ZERO)), f32x4.add(ONE, e));
}

// tanh (unary op, fused epilogue and recurrent cells alike): the odd
// Taylor series through x^13 below |x| = 0.4 (truncation 4e-9 relative), else
// (1 - e)/(1 + e) with e = e^-2|x| from expnegv, which never overflows.
@inline export function tanhv(x: v128): v128 {
  const ax = f32x4.abs(x);
  const e = expnegv(f32x4.mul(ax, f32x4.splat(-2)));
  const big = v128.or(f32x4.div(f32x4.sub(ONE, e), f32x4.add(ONE, e)), v128.and(x, SIGN));
  const z = f32x4.mul(x, x);
  const p = poly6(z, 3.5921280e-3, -8.8632358e-3, 2.1869488e-2, -5.3968254e-2, 1.3333334e-1, -3.3333334e-1);
  // x·(1 + z·p) rather than x + x·z·p keeps tanh(-0) = -0.
  const small = f32x4.mul(x, madd(z, p, ONE));
  return v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.4)));
}

// softplus log(1 + e^x) = max(x, 0) + log1p(e), e = e^-|x| in (0, 1]: no
// overflow, relative accuracy on both tails. On that range log1p(e) =
// 2·atanh(s), s = e/(2 + e) <= 1/3, by the odd series through s^15
// (truncation 1e-8 relative): one division, where log1pv takes two.
@inline export function softplusv(x: v128): v128 {
  const e = expnegv(v128.or(x, SIGN));
  const s = f32x4.div(e, f32x4.add(e, f32x4.splat(2)));
  const z = f32x4.mul(s, s);
  const p = poly7(z, 0.06666667, 0.07692308, 0.09090909, 0.11111111, 0.14285714, 0.2, 0.33333334);
  const s2 = f32x4.add(s, s);
  return f32x4.add(f32x4.max(x, ZERO), madd(f32x4.mul(s2, z), p, s2));
}

// sin / cos. The argument is reduced in float64, j = nearest(x·2/π),
// r = x - j·π/2 with π/2 split in a 33-bit head and a tail (the head product is
// exact for |j| < 2^20), then r is rounded to f32 and the Taylor polynomials of
// sin (through r^9) and cos (through r^10) on |r| <= π/4 are chosen by j mod 4.
// Lanes with |x| >= 2^20 are reduced one by one, exactly, by reduceLarge.
const PIO2_1: f64 = 1.57079632673412561417;
const PIO2_1T: f64 = 6.07710050650619224932e-11;
const INV_PIO2: f64 = 0.636619772367581382433;
const PIO2: f64 = 1.57079632679489655800;

/** sin(x), or cos(x) when `cosine` (a compile-time constant at every call site). */
@inline export function sincosv(x: v128, cosine: bool): v128 {
  const xl = f64x2.promote_low_f32x4(x);
  const xh = f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3));
  const jl = f64x2.nearest(f64x2.mul(xl, f64x2.splat(INV_PIO2)));
  const jh = f64x2.nearest(f64x2.mul(xh, f64x2.splat(INV_PIO2)));
  const rl = f64x2.sub(f64x2.sub(xl, f64x2.mul(jl, f64x2.splat(PIO2_1))), f64x2.mul(jl, f64x2.splat(PIO2_1T)));
  const rh = f64x2.sub(f64x2.sub(xh, f64x2.mul(jh, f64x2.splat(PIO2_1))), f64x2.mul(jh, f64x2.splat(PIO2_1T)));
  let r = v128.shuffle<i32>(f32x4.demote_f64x2_zero(rl), f32x4.demote_f64x2_zero(rh), 0, 1, 4, 5);
  let q = v128.shuffle<i32>(i32x4.trunc_sat_f64x2_s_zero(jl), i32x4.trunc_sat_f64x2_s_zero(jh), 0, 1, 4, 5);
  const ax = f32x4.abs(x);
  let big = v128.and(f32x4.ge(ax, f32x4.splat(1048576)), f32x4.lt(ax, INF));
  if (v128.any_true(big)) {
    // Per lane, so a lane's value never depends on its neighbours: lane 0 in
    // turn, the vectors rotated by a lane each time (four turns restore them).
    let xs = x;
    for (let k = 0; k < 4; k++) {
      if (i32x4.extract_lane(big, 0) != 0) {
        const y = reduceLarge(f32x4.extract_lane(xs, 0)), j = nearest<f64>(y);
        r = f32x4.replace_lane(r, 0, <f32>((y - j) * PIO2));
        q = i32x4.replace_lane(q, 0, <i32>j);
      }
      xs = v128.shuffle<i32>(xs, xs, 1, 2, 3, 0);
      big = v128.shuffle<i32>(big, big, 1, 2, 3, 0);
      r = v128.shuffle<i32>(r, r, 1, 2, 3, 0);
      q = v128.shuffle<i32>(q, q, 1, 2, 3, 0);
    }
  }
  if (cosine) q = i32x4.add(q, i32x4.splat(1));
  const z = f32x4.mul(r, r);
  const ps = poly4(z, 2.7557319e-6, -1.9841270e-4, 8.3333338e-3, -1.6666667e-1);
  const s = madd(f32x4.mul(r, z), ps, r);
  const pc = poly4(z, -2.7557320e-7, 2.4801587e-5, -1.3888889e-3, 4.1666668e-2);
  const c = madd(z, madd(z, pc, f32x4.splat(-0.5)), ONE);
  let v = v128.bitselect(c, s, i32x4.ne(v128.and(q, i32x4.splat(1)), i32x4.splat(0)));
  v = v128.xor(v, i32x4.shl(v128.and(q, i32x4.splat(2)), 30));
  // Below 2^-12 sin(x) rounds to x; this also keeps sin(-0) = -0.
  if (!cosine) v = v128.bitselect(x, v, f32x4.lt(ax, f32x4.splat(2.4414062e-4)));
  return v;
}

// x·2/π modulo 4, for a finite |x| >= 2^20, exact to about 2^-50 (Payne-Hanek
// for a 24-bit significand): x = m·2^e, 2/π = Σ c_k·2^(-24k); products whose
// weight makes them a multiple of 4 are skipped, the next four are reduced
// mod 4 one by one (each exact in float64) and summed.
function reduceLarge(x: f32): f64 {
  const bits = reinterpret<u32>(x) & 0x7fffffff;
  const e = <i32>(bits >> 23) - 150;
  const m = <f64>((bits & 0x7fffff) | 0x800000);
  let k = e >= 2 ? (e - 2) / 24 + 1 : 1;
  let y: f64 = 0;
  for (let i = 0; i < 4; i++, k++) {
    let t = m * twoOverPiChunk(k) * reinterpret<f64>(<u64>(e - 24 * k + 1023) << 52);
    t -= 4 * Math.floor(t * 0.25);
    y += t;
  }
  y -= 4 * Math.floor(y * 0.25);
  return x < 0 ? -y : y;
}

// 24-bit chunks of the binary expansion of 2/π (computed with BigInt from
// Machin's formula), as a switch so no data lives in memory.
function twoOverPiChunk(k: i32): f64 {
  switch (k) {
    case 1: return 0xA2F983;
    case 2: return 0x6E4E44;
    case 3: return 0x1529FC;
    case 4: return 0x2757D1;
    case 5: return 0xF534DD;
    case 6: return 0xC0DB62;
    case 7: return 0x95993C;
    case 8: return 0x439041;
    case 9: return 0xFE5163;
    case 10: return 0xABDEBB;
    case 11: return 0xC561B7;
    default: return 0x246E3A;
  }
}

// erf / erfc / the normal CDF. Small arguments use the Taylor series of erf
// (|z| < 0.5, through z^13, < 1e-9 relative). Elsewhere
// erfc(w) = t·exp(-w² + P(t)), t = 2/(2 + w), with P a degree-9 polynomial
// (weighted least-squares fit to log(erfc(w)/t) + w² over w in [0.5, 10], max
// relative error 5e-8 in float64). w² is split as hi + lo with hi exact (w's
// top 12 bits squared), so exp(-hi)·exp(P - lo) keeps relative accuracy where
// erfc is tiny.
@inline function erfSmallv(z: v128): v128 {
  const z2 = f32x4.mul(z, z);
  const p = poly7(z2, 1.2055333e-4, -8.5483270e-4, 5.2239778e-3, -2.6866172e-2, 1.1283792e-1, -3.7612638e-1, 1.1283792);
  return f32x4.mul(z, p);
}

// erfc(w) for w >= 0.5 given w² = sqHi + sqLo (sqHi exact). Unless `split`
// (a constant), sqHi is all of w² and sqLo is ignored: one exp instead of two.
@inline function erfcTailv(w: v128, sqHi: v128, sqLo: v128, split: bool): v128 {
  const t = f32x4.div(f32x4.splat(2), f32x4.add(f32x4.splat(2), w));
  const p = poly10(t, 0.2566472, -1.2063291, 2.2239268, -1.9207280, 0.79178840, -0.39726979, 0.15111755, 0.36568397, 1.0007327, -1.2655373);
  if (!split) return f32x4.mul(t, expnegv(f32x4.sub(p, sqHi)));
  return f32x4.mul(f32x4.mul(t, expnegv(f32x4.neg(sqHi))), expnegv(f32x4.sub(p, sqLo)));
}

// x with the low 12 significand bits cleared: its square is exact.
@inline function splitHi(x: v128): v128 {
  return v128.and(x, i32x4.splat(0xfffff000));
}

// erf needs erfc only to absolute accuracy (1 - erfc), so w² need not be split.
@inline export function erfv(x: v128): v128 {
  const ax = f32x4.min(f32x4.abs(x), f32x4.splat(10.5));
  const tail = f32x4.sub(ONE, erfcTailv(ax, f32x4.mul(ax, ax), ZERO, false));
  const big = v128.or(tail, v128.and(x, SIGN));
  return v128.bitselect(erfSmallv(x), big, f32x4.lt(f32x4.abs(x), f32x4.splat(0.5)));
}

/** exp(-x²) (exp(-x²/2) when `half`), with x² split so the result keeps relative accuracy. */
@inline export function expnegsqv(x: v128, half: bool): v128 {
  const ax = f32x4.min(f32x4.abs(x), f32x4.splat(15));
  const h = splitHi(ax);
  let hi = f32x4.mul(h, h), lo = f32x4.mul(f32x4.sub(ax, h), f32x4.add(ax, h));
  if (half) {
    hi = f32x4.mul(hi, f32x4.splat(0.5));
    lo = f32x4.mul(lo, f32x4.splat(0.5));
  }
  return f32x4.mul(expnegv(f32x4.neg(hi)), expnegv(f32x4.neg(lo)));
}

/** The standard normal CDF Φ(x) = erfc(-x/√2)/2, relative accuracy on the lower tail. */
@inline export function phiv(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(-15)), f32x4.splat(15));
  const w = f32x4.mul(f32x4.abs(xc), f32x4.splat(0.70710678));
  const h = splitHi(xc);
  const hi = f32x4.mul(f32x4.mul(h, h), f32x4.splat(0.5));
  const lo = f32x4.mul(f32x4.mul(f32x4.sub(xc, h), f32x4.add(xc, h)), f32x4.splat(0.5));
  const e = f32x4.mul(erfcTailv(w, hi, lo, true), f32x4.splat(0.5));
  const tail = v128.bitselect(e, f32x4.sub(ONE, e), f32x4.lt(x, ZERO));
  const small = madd(erfSmallv(f32x4.mul(xc, f32x4.splat(0.70710678))), f32x4.splat(0.5), f32x4.splat(0.5));
  return v128.bitselect(small, tail, f32x4.lt(w, f32x4.splat(0.5)));
}
