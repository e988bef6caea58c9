// Comparisons (float32 / int32 in, uint8 0/1 out, tfjs's bool) and logical
// ops on uint8, with broadcasting (layout in broadcast.ts). Float comparisons
// are IEEE: NaN compares unequal to everything, so notEqual(NaN, x) is 1.
// Results are exact, so byte tails may run as scalar code without changing
// any value.
//
// The kernels <op>_f32 / <op>_i32 and logical_<op>_u8 are generated from the
// comparison and logical tables (packages/kernels/src/ops/binary-table.ts) into
// binary_kernels.ts; an op's math is its case below.
import { at4, imin, loadPartial } from './common';
import { packMask16, packMask4, storeBytes } from './lanes';
import { EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, LOGICAL_AND, LOGICAL_OR } from './binary_codes';

@inline function cmp(isInt: bool, op: i32, a: v128, b: v128): v128 {
  if (!isInt) {
    switch (op) {
      case EQUAL: return f32x4.eq(a, b);
      case NOT_EQUAL: return f32x4.ne(a, b);
      case LESS: return f32x4.lt(a, b);
      case LESS_EQUAL: return f32x4.le(a, b);
      case GREATER: return f32x4.gt(a, b);
      default: return f32x4.ge(a, b);
    }
  }
  switch (op) {
    case EQUAL: return i32x4.eq(a, b);
    case NOT_EQUAL: return i32x4.ne(a, b);
    case LESS: return i32x4.lt_s(a, b);
    case LESS_EQUAL: return i32x4.le_s(a, b);
    case GREATER: return i32x4.gt_s(a, b);
    default: return i32x4.ge_s(a, b);
  }
}

@inline function rowCompare(isInt: bool, op: i32, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
  const sa = v128.load32_splat(pa), sb = v128.load32_splat(pb);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const m0 = cmp(isInt, op, ca ? v128.load(at4(pa, i)) : sa, cb ? v128.load(at4(pb, i)) : sb);
    const m1 = cmp(isInt, op, ca ? v128.load(at4(pa, i + 4)) : sa, cb ? v128.load(at4(pb, i + 4)) : sb);
    const m2 = cmp(isInt, op, ca ? v128.load(at4(pa, i + 8)) : sa, cb ? v128.load(at4(pb, i + 8)) : sb);
    const m3 = cmp(isInt, op, ca ? v128.load(at4(pa, i + 12)) : sa, cb ? v128.load(at4(pb, i + 12)) : sb);
    v128.store(po + <usize>i, packMask16(m0, m1, m2, m3));
  }
  for (; i < n; i += 4) {
    const w = imin(4, n - i);
    const m = cmp(isInt, op, ca ? loadPartial(at4(pa, i), w) : sa, cb ? loadPartial(at4(pb, i), w) : sb);
    storeBytes(po + <usize>i, packMask4(m), w);
  }
}

@inline function logicalV(op: i32, a: v128, b: v128): v128 {
  const zero = i8x16.splat(0);
  const x = v128.not(i8x16.eq(a, zero)), y = v128.not(i8x16.eq(b, zero));
  const r = op == LOGICAL_AND ? v128.and(x, y) : op == LOGICAL_OR ? v128.or(x, y) : v128.xor(x, y);
  return v128.and(r, i8x16.splat(1));
}

@inline function logicalS(op: i32, a: u8, b: u8): u8 {
  const x = a != 0, y = b != 0;
  return <u8>(op == LOGICAL_AND ? x && y : op == LOGICAL_OR ? x || y : x != y);
}

@inline function rowLogical(op: i32, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
  const a0 = load<u8>(pa), b0 = load<u8>(pb);
  const sa = i8x16.splat(a0), sb = i8x16.splat(b0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(po + <usize>i, logicalV(op, ca ? v128.load(pa + <usize>i) : sa, cb ? v128.load(pb + <usize>i) : sb));
  }
  for (; i < n; i++) {
    store<u8>(po + <usize>i, logicalS(op, ca ? load<u8>(pa + <usize>i) : a0, cb ? load<u8>(pb + <usize>i) : b0));
  }
}

/**
 * The walker's row kernel (broadcast.ts walk2) of the comparisons on T = f32 or i32 (uint8 out) and of the
 * logical ops on T = u8.
 */
@final export class CompareRow<T> {
  @inline run(op: i32, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
    if (sizeof<T>() == 1) rowLogical(op, pa, pb, po, n, ca, cb);
    else rowCompare(isInteger<T>(), op, pa, pb, po, n, ca, cb);
  }
}
