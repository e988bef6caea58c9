// select / where: out = cond ? a : b, with cond uint8 (non-zero is true) and
// a, b, out of 4-byte elements (float32 or int32, moved as bits) or uint8, all
// three broadcast to the output (layout in broadcast.ts). A row whose cond is
// one repeated value is a plain copy (or fill) from a or b.
import { at4, loadPartial, storePartial } from './common';
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

// The walker's row kernel (broadcast.ts) for elements of T: u32 (4 bytes, any 32-bit type) or u8; the
// kernels select_i32 / select_u8 are its instances, generated into select_kernels.ts.
@final export class SelectRow<T> {
  @inline row(op: i32, pc: usize, pa: usize, pb: usize, po: usize, n: i32, cc: bool, ca: bool, cb: bool): void {
    row(sizeof<T>() == 4, pc, pa, pb, po, n, cc, ca, cb);
  }
}
