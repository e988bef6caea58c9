// Vectorised transcendental functions. Tails of every kernel go through these
// same v128 routines (one lane used), so a value never depends on whether it
// fell in a SIMD body or a scalar tail, and threaded results equal
// single-threaded ones bit for bit.
import { madd } from './common';

// exp: x = n*ln2 + r, |r| <= ln2/2, exp(r) by a degree-6 polynomial (max rel.
// error about 2 ulp over the clamped range), scaled by 2^n through the exponent
// bits. Inputs are clamped so 2^n stays a normal float.
@inline export function expv(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.33654)), f32x4.splat(88.72284));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504)));
  let r = madd(n, f32x4.splat(-0.693145751953125), x);
  r = madd(n, f32x4.splat(-1.428606765330187e-6), r);
  let p = f32x4.splat(1.3888889e-3);
  p = madd(p, r, f32x4.splat(8.3333338e-3));
  p = madd(p, r, f32x4.splat(4.1666668e-2));
  p = madd(p, r, f32x4.splat(1.6666667e-1));
  p = madd(p, r, f32x4.splat(0.5));
  p = madd(p, r, f32x4.splat(1.0));
  p = madd(p, r, f32x4.splat(1.0));
  // 2^n split in two factors so n = 128 (x near the top clamp) stays finite.
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

@inline export function sigmoidv(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))));
}

// tanh: odd Taylor polynomial near 0 (where 1 - 2/(e^2x + 1) cancels), the
// exponential form elsewhere; sign restored from x.
@inline export function tanhv(x: v128): v128 {
  const ax = f32x4.abs(x);
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(0.021869488);
  p = madd(p, x2, f32x4.splat(-0.053968254));
  p = madd(p, x2, f32x4.splat(0.13333334));
  p = madd(p, x2, f32x4.splat(-0.33333334));
  p = madd(f32x4.mul(p, x2), x, x);
  const one = f32x4.splat(1);
  const e = expv(f32x4.mul(ax, f32x4.splat(2)));
  let big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  big = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(p, big, f32x4.lt(ax, f32x4.splat(0.4)));
}
