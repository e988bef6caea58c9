// select / where: out = cond ? a : b, with cond uint8 (non-zero is true) and
// a, b, out of 4-byte elements (float32 or int32, moved as bits) or uint8, all
// three broadcast to the output (layout in broadcast.ts). A row whose cond is
// one repeated value is a plain copy (or fill) from a or b.
import { at4, loadPartial, storePartial } from './common';
import { walk } from './broadcast';
import { byteMask4, loadBytes } from './lanes';

@inline function copyRow(wide: bool, src: usize, po: usize, n: i32, contiguous: bool): void {
  if (contiguous) {
    memory.copy(po, src, wide ? <usize>n << 2 : <usize>n);
  } else if (wide) {
    const v = v128.load32_splat(src);
    let i = 0;
    for (; i + 4 <= n; i += 4) v128.store(at4(po, i), v);
    if (i < n) storePartial(at4(po, i), v, n - i);
  } else {
    memory.fill(po, load<u8>(src), <usize>n);
  }
}

@inline function rowWide(pc: usize, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
  const sa = v128.load32_splat(pa), sb = v128.load32_splat(pb);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const m = byteMask4(load<u32>(pc + <usize>i));
    v128.store(at4(po, i), v128.bitselect(ca ? v128.load(at4(pa, i)) : sa, cb ? v128.load(at4(pb, i)) : sb, m));
  }
  if (i < n) {
    const w = n - i;
    const m = byteMask4(loadBytes(pc + <usize>i, w));
    const va = ca ? loadPartial(at4(pa, i), w) : sa, vb = cb ? loadPartial(at4(pb, i), w) : sb;
    storePartial(at4(po, i), v128.bitselect(va, vb, m), w);
  }
}

@inline function rowBytes(pc: usize, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
  const a0 = load<u8>(pa), b0 = load<u8>(pb);
  const sa = i8x16.splat(a0), sb = i8x16.splat(b0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const m = v128.not(i8x16.eq(v128.load(pc + <usize>i), i8x16.splat(0)));
    const va = ca ? v128.load(pa + <usize>i) : sa, vb = cb ? v128.load(pb + <usize>i) : sb;
    v128.store(po + <usize>i, v128.bitselect(va, vb, m));
  }
  // Exact byte moves: a scalar tail gives the same bytes as the vector body.
  for (; i < n; i++) {
    const c = load<u8>(pc + <usize>i);
    store<u8>(po + <usize>i, c != 0 ? (ca ? load<u8>(pa + <usize>i) : a0) : (cb ? load<u8>(pb + <usize>i) : b0));
  }
}

@inline function rowOf(wide: bool, pc: usize, pa: usize, pb: usize, po: usize, n: i32, ca: bool, cb: bool): void {
  if (wide) rowWide(pc, pa, pb, po, n, ca, cb);
  else rowBytes(pc, pa, pb, po, n, ca, cb);
}

@inline function row(wide: bool, pc: usize, pa: usize, pb: usize, po: usize, n: i32,
  cc: bool, ca: bool, cb: bool): void {
  if (!cc) {
    if (load<u8>(pc) != 0) copyRow(wide, pa, po, n, ca);
    else copyRow(wide, pb, po, n, cb);
  } else if (ca && cb) rowOf(wide, pc, pa, pb, po, n, true, true);
  else if (ca) rowOf(wide, pc, pa, pb, po, n, true, false);
  else if (cb) rowOf(wide, pc, pa, pb, po, n, false, true);
  else rowOf(wide, pc, pa, pb, po, n, false, false);
}

// The walker's row kernel (broadcast.ts) for elements of T: u32 (4 bytes, any 32-bit type) or u8.
@final class SelectRow<T> {
  @inline row(op: i32, pc: usize, pa: usize, pb: usize, po: usize, n: i32, cc: bool, ca: bool, cb: bool): void {
    row(sizeof<T>() == 4, pc, pa, pb, po, n, cc, ca, cb);
  }
}

/**
 * out = cond ? a : b for 4-byte elements (any 32-bit type), cond uint8, all
 * broadcast (layout in broadcast.ts; strides c*, a*, b* per input).
 * Range items: flat output elements.
 */
export function select_i32(cond: usize, a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  c0: i32, c1: i32, c2: i32, c3: i32, c4: i32, c5: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32,
  b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32, start: i32, end: i32): void {
  walk<SelectRow<u32>>(0, 0, 2, 2, cond, a, b, out, s0, s1, s2, s3, s4, c0, c1, c2, c3, c4, c5, a0, a1, a2, a3, a4, a5,
    b0, b1, b2, b3, b4, b5, start, end);
}

/** out = cond ? a : b for uint8 elements, all broadcast. Range items: flat output elements. */
export function select_u8(cond: usize, a: usize, b: usize, out: usize,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32,
  c0: i32, c1: i32, c2: i32, c3: i32, c4: i32, c5: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32,
  b0: i32, b1: i32, b2: i32, b3: i32, b4: i32, b5: i32, start: i32, end: i32): void {
  walk<SelectRow<u8>>(0, 0, 0, 0, cond, a, b, out, s0, s1, s2, s3, s4, c0, c1, c2, c3, c4, c5, a0, a1, a2, a3, a4, a5,
    b0, b1, b2, b3, b4, b5, start, end);
}
