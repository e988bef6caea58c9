// Shared helpers for every kernel family. Everything here is @inline so each
// kernel compiles to straight-line code with no calls and no allocation.

/** a * b + c per lane; fused (one rounding) in the relaxed-SIMD build. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Byte address of element i of a 4-byte array at p. */
@inline export function at4(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

@inline export function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

@inline export function imax(a: i32, b: i32): i32 {
  return a > b ? a : b;
}

/** Stores the first n (0..4) 4-byte lanes of v at p, bit-exact for any 4-byte type. */
@inline export function storePartial(p: usize, v: v128, n: i32): void {
  if (n >= 4) { v128.store(p, v); return; }
  if (n > 0) store<i32>(p, i32x4.extract_lane(v, 0));
  if (n > 1) store<i32>(p, i32x4.extract_lane(v, 1), 4);
  if (n > 2) store<i32>(p, i32x4.extract_lane(v, 2), 8);
}

/** Loads the first n (0..4) lanes from p, zero in the rest. */
@inline export function loadPartial(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the 4x4 block with rows r0..r3 transposed at p: its column 0, then 1, 2, 3 (16 lanes). */
@inline export function storeTransposed4x4(p: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(p, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(p, i64x2.shuffle(t0, t1, 1, 3), 16);
  v128.store(p, i64x2.shuffle(t2, t3, 0, 2), 32);
  v128.store(p, i64x2.shuffle(t2, t3, 1, 3), 48);
}
