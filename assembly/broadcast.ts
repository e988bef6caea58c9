// Walking a broadcast output. The JS wrapper collapses the shapes to at most
// six dims, innermost first: sizes s0..s4 (all >= 1; the sixth is implied by
// the range) and, per input, element strides t0..t5 (0 on broadcast dims). The innermost stride of every input is
// 0 or 1, so each output row of s0 elements reads every input either
// contiguously or as one repeated value: the row loops are straight SIMD.
//
// A kernel's range is flat output elements; it starts mid-row where the split
// falls, then moves row to row. Moving to the next row adds t1 per input, or,
// when dim 1 wraps (once every s1 rows), the delta of the dim that carried
// (levelOf, deltaOf).
import { imin } from './common';

/** Element offset of row `row` (a flat index over dims 1..5) for strides t1..t5. */
@inline export function rowOffset(row: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  t1: i32, t2: i32, t3: i32, t4: i32, t5: i32): i32 {
  let r = <u32>row;
  const i1 = r % <u32>s1; r /= <u32>s1;
  const i2 = r % <u32>s2; r /= <u32>s2;
  const i3 = r % <u32>s3; r /= <u32>s3;
  const i4 = r % <u32>s4; r /= <u32>s4;
  return <i32>i1 * t1 + <i32>i2 * t2 + <i32>i3 * t3 + <i32>i4 * t4 + <i32>r * t5;
}

/** The dim (1..5) whose index went up when stepping to row `row` (> 0); p_k = s1·…·s_k. */
@inline export function levelOf(row: i32, p1: i32, p2: i32, p3: i32, p4: i32): i32 {
  if (<u32>row % <u32>p1 != 0) return 1;
  if (<u32>row % <u32>p2 != 0) return 2;
  if (<u32>row % <u32>p3 != 0) return 3;
  if (<u32>row % <u32>p4 != 0) return 4;
  return 5;
}

/** Offset change when dim `level` goes up by one and the dims below it wrap to 0. */
@inline export function deltaOf(level: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  t1: i32, t2: i32, t3: i32, t4: i32, t5: i32): i32 {
  let d = t1;
  if (level >= 2) d = t2 - (s1 - 1) * t1;
  if (level >= 3) d = t3 - (s2 - 1) * t2 - (s1 - 1) * t1;
  if (level >= 4) d = t4 - (s3 - 1) * t3 - (s2 - 1) * t2 - (s1 - 1) * t1;
  if (level >= 5) d = t5 - (s4 - 1) * t4 - (s3 - 1) * t3 - (s2 - 1) * t2 - (s1 - 1) * t1;
  return d;
}

// The walker, shared by binary.ts, compare.ts and select.ts and specialised at
// compile time: R is a @final class whose @inline method
//   row(op, pc, pa, pb, po, n, cc, ca, cb)
// computes one output row of n elements from row pointers pc, pa, pb (cc, ca,
// cb: that operand is contiguous, else one repeated value). Called on
// changetype<R>(0), so it is a direct, inlined call: no dispatch per row.
// Two-operand families pass c = 0 with zero strides, which folds away.
// Element sizes are shifts: cShift, abShift for the inputs, outShift for out.
// Sizes s0..s4: the outermost dim's size is implied by the range.
@inline export function walk<R>(op: i32, cShift: usize, abShift: usize, outShift: usize,
  c: usize, a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  c0: i32, c1: i32, c2: i32, c3: i32, c4: i32, c5: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32,
  b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32, start: i32, end: i32): void {
  let r = <i32>(<u32>start / <u32>s0);
  let i0 = start - r * s0;
  let i1 = <i32>(<u32>r % <u32>s1);
  let oc = rowOffset(r, s1, s2, s3, s4, c1, c2, c3, c4, c5);
  let oa = rowOffset(r, s1, s2, s3, s4, a1, a2, a3, a4, a5);
  let ob = rowOffset(r, s1, s2, s3, s4, b1, b2, b3, b4, b5);
  const p1 = s1, p2 = p1 * s2, p3 = p2 * s3, p4 = p3 * s4;
  let pos = start;
  for (;;) {
    const n = imin(s0 - i0, end - pos);
    changetype<R>(0).row(op, c + (<usize>(oc + i0 * c0) << cShift), a + (<usize>(oa + i0 * a0) << abShift),
      b + (<usize>(ob + i0 * b0) << abShift), out + (<usize>pos << outShift), n, c0 != 0, a0 != 0, b0 != 0);
    pos += n;
    if (pos >= end) break;
    i0 = 0;
    r++;
    // Most steps only move dim 1: a counter, not a division, tells.
    if (++i1 < s1) {
      oc += c1;
      oa += a1;
      ob += b1;
      continue;
    }
    i1 = 0;
    const level = levelOf(r, p1, p2, p3, p4);
    oc += deltaOf(level, s1, s2, s3, s4, c1, c2, c3, c4, c5);
    oa += deltaOf(level, s1, s2, s3, s4, a1, a2, a3, a4, a5);
    ob += deltaOf(level, s1, s2, s3, s4, b1, b2, b3, b4, b5);
  }
}

// A two-operand family's row kernel R has an @inline method
//   run(op, pa, pb, po, n, ca, cb)
// called with ca / cb as constants, so each case compiles to its own loop.
// Both operands repeated only happens for a one-element output, which the
// contiguous loop handles as well.
@final class Two<R> {
  @inline row(op: i32, pc: usize, pa: usize, pb: usize, po: usize, n: i32, cc: bool, ca: bool, cb: bool): void {
    if (ca == cb) changetype<R>(0).run(op, pa, pb, po, n, true, true);
    else if (ca) changetype<R>(0).run(op, pa, pb, po, n, true, false);
    else changetype<R>(0).run(op, pa, pb, po, n, false, true);
  }
}

/** walk<R> for two operands a, b (no c); R is a two-operand row kernel (see Two). */
@inline export function walk2<R>(op: i32, abShift: usize, outShift: usize, a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32,
  b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32, start: i32, end: i32): void {
  walk<Two<R>>(op, 0, abShift, outShift, 0, a, b, out, s0, s1, s2, s3, s4, 0, 0, 0, 0, 0, 0,
    a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5, start, end);
}
