// Casts between float32, int32 and bool (uint8), with tfjs's cpu semantics:
// float -> int32 as Int32Array.from (truncation toward zero, wrapping modulo
// 2^32 beyond the int32 range, NaN and infinities -> 0); anything -> bool is
// x != 0 (NaN -> 1); bool -> numbers widens the byte.
//
// Every cast is exact element by element, so the scalar tails compute the
// same bits as the vector body and a thread's range may start anywhere.
// Range items: elements.

// ToInt32 for the values trunc_sat cannot give: |x| >= 2^31, NaN, infinities.
@inline function toInt32(x: f32): i32 {
  if (Mathf.abs(x) < 2147483648.0) return <i32>x;
  if (!isFinite(x)) return 0;
  // |x| >= 2^31 is an integer; reduce it into [0, 2^32) exactly in f64.
  let d = <f64>x;
  d -= Math.floor(d / 4294967296.0) * 4294967296.0;
  return <i32><i64>d;
}

/** float32 -> int32 (truncation; Int32Array.from wrapping; NaN, inf -> 0). */
export function cast_f32_i32(x: usize, y: usize, start: i32, end: i32): void {
  let i = start;
  const lim = f32x4.splat(2147483648.0);
  for (; i + 4 <= end; i += 4) {
    const p = <usize>i << 2;
    const v = v128.load(x + p);
    let t = i32x4.trunc_sat_f32x4_s(v);
    // trunc_sat already gives 0 for NaN; only out-of-range lanes need the slow path.
    if (v128.any_true(f32x4.ge(f32x4.abs(v), lim))) {
      t = i32x4.replace_lane(t, 0, toInt32(f32x4.extract_lane(v, 0)));
      t = i32x4.replace_lane(t, 1, toInt32(f32x4.extract_lane(v, 1)));
      t = i32x4.replace_lane(t, 2, toInt32(f32x4.extract_lane(v, 2)));
      t = i32x4.replace_lane(t, 3, toInt32(f32x4.extract_lane(v, 3)));
    }
    v128.store(y + p, t);
  }
  for (; i < end; i++) store<i32>(y + (<usize>i << 2), toInt32(load<f32>(x + (<usize>i << 2))));
}

// Sixteen 4-byte lanes (as four masks of -1 / 0) narrowed to sixteen bytes of 1 / 0.
@inline function masksToBytes(a: v128, b: v128, c: v128, d: v128): v128 {
  const lo = i16x8.narrow_i32x4_s(a, b), hi = i16x8.narrow_i32x4_s(c, d);
  return v128.and(i8x16.narrow_i16x8_s(lo, hi), i8x16.splat(1));
}

// 4-byte values -> bool: 1 where x != 0, else 0 (float NaN included).
@inline function toBool<T>(x: usize, y: usize, start: i32, end: i32): void {
  let i = start;
  for (; i + 16 <= end; i += 16) {
    const p = x + (<usize>i << 2);
    v128.store(y + <usize>i, masksToBytes(nonZero<T>(v128.load(p)), nonZero<T>(v128.load(p, 16)),
      nonZero<T>(v128.load(p, 32)), nonZero<T>(v128.load(p, 48))));
  }
  for (; i < end; i++) store<u8>(y + <usize>i, <u8>(load<T>(x + (<usize>i << 2)) != 0));
}

@inline function nonZero<T>(v: v128): v128 {
  return isFloat<T>() ? f32x4.ne(v, f32x4.splat(0)) : i32x4.ne(v, i32x4.splat(0));
}

/** float32 -> bool: 1 where x != 0 (NaN included), else 0. */
export function cast_f32_u8(x: usize, y: usize, start: i32, end: i32): void {
  toBool<f32>(x, y, start, end);
}

/** int32 -> float32 (round to nearest even, as Float32Array). */
export function cast_i32_f32(x: usize, y: usize, start: i32, end: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const p = <usize>i << 2;
    v128.store(y + p, f32x4.convert_i32x4_s(v128.load(x + p)));
  }
  for (; i < end; i++) store<f32>(y + (<usize>i << 2), <f32>load<i32>(x + (<usize>i << 2)));
}

/** int32 -> bool: 1 where x != 0. */
export function cast_i32_u8(x: usize, y: usize, start: i32, end: i32): void {
  toBool<i32>(x, y, start, end);
}

// Sixteen bytes widened to four vectors of unsigned 32-bit lanes, stored at y (as float when toFloat).
@inline function widenBytes(v: v128, y: usize, toFloat: bool): void {
  const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
  let a = i32x4.extend_low_i16x8_u(lo), b = i32x4.extend_high_i16x8_u(lo);
  let c = i32x4.extend_low_i16x8_u(hi), d = i32x4.extend_high_i16x8_u(hi);
  if (toFloat) {
    a = f32x4.convert_i32x4_u(a); b = f32x4.convert_i32x4_u(b);
    c = f32x4.convert_i32x4_u(c); d = f32x4.convert_i32x4_u(d);
  }
  v128.store(y, a); v128.store(y, b, 16); v128.store(y, c, 32); v128.store(y, d, 48);
}

/** bool (uint8) -> float32. */
export function cast_u8_f32(x: usize, y: usize, start: i32, end: i32): void {
  let i = start;
  for (; i + 16 <= end; i += 16) widenBytes(v128.load(x + <usize>i), y + (<usize>i << 2), true);
  for (; i < end; i++) store<f32>(y + (<usize>i << 2), <f32>load<u8>(x + <usize>i));
}

/** bool (uint8) -> int32. */
export function cast_u8_i32(x: usize, y: usize, start: i32, end: i32): void {
  let i = start;
  for (; i + 16 <= end; i += 16) widenBytes(v128.load(x + <usize>i), y + (<usize>i << 2), false);
  for (; i < end; i++) store<i32>(y + (<usize>i << 2), <i32>load<u8>(x + <usize>i));
}
