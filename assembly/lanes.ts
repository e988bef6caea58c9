// Lane helpers for kernels whose output (or input) is uint8: comparison masks
// packed to 0/1 bytes, and partial byte stores for tails.

/** The four i32 lanes of a mask (-1 / 0) as four 0/1 bytes in one u32 (lane 0 lowest). */
@inline export function packMask4(m: v128): u32 {
  const h = i16x8.narrow_i32x4_s(m, m);
  const b = i8x16.narrow_i16x8_s(h, h);
  return <u32>i32x4.extract_lane(b, 0) & 0x01010101;
}

/** 16 bytes 0/1 from four i32 masks (a: lanes 0-3, ..., d: lanes 12-15). */
@inline export function packMask16(a: v128, b: v128, c: v128, d: v128): v128 {
  const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
  return v128.and(bytes, i8x16.splat(1));
}

/** Stores the low n (0..4) bytes of v at p. */
@inline export function storeBytes(p: usize, v: u32, n: i32): void {
  if (n >= 4) { store<u32>(p, v); return; }
  if (n > 0) store<u8>(p, <u8>v);
  if (n > 1) store<u8>(p, <u8>(v >> 8), 1);
  if (n > 2) store<u8>(p, <u8>(v >> 16), 2);
}

/** Loads n (0..4) bytes at p into the low bytes of a u32, zero above. */
@inline export function loadBytes(p: usize, n: i32): u32 {
  if (n >= 4) return load<u32>(p);
  let v: u32 = 0;
  if (n > 0) v = <u32>load<u8>(p);
  if (n > 1) v |= <u32>load<u8>(p, 1) << 8;
  if (n > 2) v |= <u32>load<u8>(p, 2) << 16;
  return v;
}

/** Four bytes (low to high) widened to an i32x4 mask: -1 where the byte is non-zero. */
@inline export function byteMask4(bytes: u32): v128 {
  const w = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(i32x4.splat(bytes)));
  return v128.not(i32x4.eq(w, i32x4.splat(0)));
}
