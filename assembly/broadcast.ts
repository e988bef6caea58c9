// Walking a broadcast output. The JS wrapper collapses the shapes to at most
// six dims, innermost first: sizes s0..s5 (all >= 1) and, per input, element
// strides t0..t5 (0 on broadcast dims). The innermost stride of every input is
// 0 or 1, so each output row of s0 elements reads every input either
// contiguously or as one repeated value: the row loops are straight SIMD.
//
// A kernel's range is flat output elements; it starts mid-row where the split
// falls, then moves row to row. Moving to the next row adds t1 per input, or,
// when dim 1 wraps (once every s1 rows), the delta of the dim that carried
// (levelOf, deltaOf).

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
