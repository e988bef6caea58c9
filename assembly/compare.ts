// Comparisons (float32 / int32 in, uint8 0/1 out, tfjs's bool) and logical
// ops on uint8, with broadcasting (layout in broadcast.ts). Float comparisons
// are IEEE: NaN compares unequal to everything, so notEqual(NaN, x) is 1.
// Results are exact, so byte tails may run as scalar code without changing
// any value.
import { at4, imin, loadPartial } from './common';
import { walk2 } from './broadcast';
import { packMask16, packMask4, storeBytes } from './lanes';

const EQ = 0, NE = 1, LT = 2, LE = 3, GT = 4, GE = 5;
const AND = 0, OR = 1, XOR = 2;

// Families sharing the walker: the element size of the inputs differs.
const F32 = 0, I32 = 1, U8 = 2;

@inline function cmp(kind: i32, op: i32, a: v128, b: v128): v128 {
  if (kind == F32) {
    switch (op) {
      case EQ: return f32x4.eq(a, b);
      case NE: return f32x4.ne(a, b);
      case LT: return f32x4.lt(a, b);
      case LE: return f32x4.le(a, b);
      case GT: return f32x4.gt(a, b);
      default: return f32x4.ge(a, b);
    }
  }
  switch (op) {
    case EQ: return i32x4.eq(a, b);
    case NE: return i32x4.ne(a, b);
    case LT: return i32x4.lt_s(a, b);
    case LE: return i32x4.le_s(a, b);
    case GT: return i32x4.gt_s(a, b);
    default: return i32x4.ge_s(a, b);
  }
}

@inline function rowCompare(kind: i32, op: i32, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
  const sa = v128.load32_splat(pa), sb = v128.load32_splat(pb);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const m0 = cmp(kind, op, ca ? v128.load(at4(pa, i)) : sa, cb ? v128.load(at4(pb, i)) : sb);
    const m1 = cmp(kind, op, ca ? v128.load(at4(pa, i + 4)) : sa, cb ? v128.load(at4(pb, i + 4)) : sb);
    const m2 = cmp(kind, op, ca ? v128.load(at4(pa, i + 8)) : sa, cb ? v128.load(at4(pb, i + 8)) : sb);
    const m3 = cmp(kind, op, ca ? v128.load(at4(pa, i + 12)) : sa, cb ? v128.load(at4(pb, i + 12)) : sb);
    v128.store(po + <usize>i, packMask16(m0, m1, m2, m3));
  }
  for (; i < n; i += 4) {
    const w = imin(4, n - i);
    const m = cmp(kind, op, ca ? loadPartial(at4(pa, i), w) : sa, cb ? loadPartial(at4(pb, i), w) : sb);
    storeBytes(po + <usize>i, packMask4(m), w);
  }
}

@inline function logicalV(op: i32, a: v128, b: v128): v128 {
  const zero = i8x16.splat(0);
  const x = v128.not(i8x16.eq(a, zero)), y = v128.not(i8x16.eq(b, zero));
  const r = op == AND ? v128.and(x, y) : op == OR ? v128.or(x, y) : v128.xor(x, y);
  return v128.and(r, i8x16.splat(1));
}

@inline function logicalS(op: i32, a: u8, b: u8): u8 {
  const x = a != 0, y = b != 0;
  return <u8>(op == AND ? x && y : op == OR ? x || y : x != y);
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

@inline function rowOf(kind: i32, op: i32, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
  if (kind == U8) rowLogical(op, pa, pb, po, n, ca, cb);
  else rowCompare(kind, op, pa, pb, po, n, ca, cb);
}

// Both operands repeated only happens for a one-element output, which the
// contiguous loop handles as well.
@inline function row(kind: i32, op: i32, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
  if (ca == cb) rowOf(kind, op, pa, pb, po, n, true, true);
  else if (ca) rowOf(kind, op, pa, pb, po, n, true, false);
  else rowOf(kind, op, pa, pb, po, n, false, true);
}

// The walker's row kernels (broadcast.ts), one per input family.
@final class RowF32 {
  @inline row(op: i32, pc: usize, pa: usize, pb: usize, po: usize, n: i32, cc: bool, ca: bool, cb: bool): void {
    row(F32, op, pa, pb, po, n, ca, cb);
  }
}
@final class RowI32 {
  @inline row(op: i32, pc: usize, pa: usize, pb: usize, po: usize, n: i32, cc: bool, ca: bool, cb: bool): void {
    row(I32, op, pa, pb, po, n, ca, cb);
  }
}
@final class RowU8 {
  @inline row(op: i32, pc: usize, pa: usize, pb: usize, po: usize, n: i32, cc: bool, ca: bool, cb: bool): void {
    row(U8, op, pa, pb, po, n, ca, cb);
  }
}

// Kernels: <op>_f32 / <op>_i32 (comparisons, uint8 out) and logical_<op>_u8,
// all with the same arguments: a, b, out addresses, sizes s0..s4 and the
// strides of a and b (layout in broadcast.ts). Range items: flat output elements.

export function equal_f32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowF32>(EQ, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function not_equal_f32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowF32>(NE, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function less_f32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowF32>(LT, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function less_equal_f32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowF32>(LE, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function greater_f32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowF32>(GT, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function greater_equal_f32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowF32>(GE, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function equal_i32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowI32>(EQ, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function not_equal_i32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowI32>(NE, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function less_i32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowI32>(LT, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function less_equal_i32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowI32>(LE, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function greater_i32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowI32>(GT, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function greater_equal_i32(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowI32>(GE, 2, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function logical_and_u8(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowU8>(AND, 0, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function logical_or_u8(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowU8>(OR, 0, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}

export function logical_xor_u8(a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32, b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32,
  start: i32, end: i32): void {
  walk2<RowU8>(XOR, 0, 0, a, b, out, s0, s1, s2, s3, s4, a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}
