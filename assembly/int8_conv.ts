// int8 conv2d (NHWC, filter [fh][fw][cin][cout] flattened to K x cout) as an
// implicit GEMM on the int8 micro-kernel of int8.ts: for each group of 4
// output pixels, their patch rows (K = fh*fw*cin u7 bytes, taps major) are
// copied into per-thread scratch, packed as an A panel, and multiplied by the
// weights packed once at quantisation time; the epilogue writes f32 or the
// u7 input of the next int8 layer.
import { imin } from './common';
import { I8_EPILOGUE_BYTES, I8_MR, i8Epilogue, i8PackA, i8PanelBytes, i8RowPanel } from './int8';

/** Row stride of the patch rows in scratch: kp plus room for whole-vector copies past K. */
@inline export function i8PatchStride(kp: i32): usize {
  return <usize>((kp + 15) & ~15) + 16;
}

// Copies len bytes from src to dst as whole 16-byte vectors when they may be
// read (src + the rounded-up length <= end) — the bytes written past len are
// overwritten by the next segment or lie in the row's slack, never multiplied
// by a non-zero weight — else byte by byte.
@inline function copySegment(dst: usize, src: usize, len: i32, end: usize): void {
  const whole = <usize>((len + 15) & ~15);
  if (src + whole <= end) {
    for (let o: usize = 0; o < whole; o += 16) v128.store(dst + o, v128.load(src + o));
  } else {
    memory.copy(dst, src, <usize>len);
  }
}

// Writes the patch row of output pixel (oy, ox) of the image at img into row:
// K = fh*fw*cin bytes, taps major, padding taps holding the zero point, then
// zeros up to the next 16 bytes (the packing reads whole vectors).
@inline function patchRow(row: usize, img: usize, oy: i32, ox: i32, h: i32, w: i32, cin: i32, fh: i32, fw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, zp: i32, xEnd: usize): void {
  const iy0 = oy * sh - pt, ix0 = ox * sw - pl;
  const seg = fw * cin;
  if (dw == 1 && iy0 >= 0 && iy0 + (fh - 1) * dh < h && ix0 >= 0 && ix0 + fw <= w) {
    // The whole window is inside the image: each filter row's taps are
    // fw*cin contiguous bytes.
    for (let i = 0; i < fh; i++) {
      copySegment(row + <usize>(i * seg), img + <usize>((iy0 + i * dh) * w + ix0) * cin, seg, xEnd);
    }
  } else {
    let dst = row;
    for (let i = 0; i < fh; i++) {
      const iy = iy0 + i * dh;
      for (let j = 0; j < fw; j++) {
        const ix = ix0 + j * dw;
        if (<u32>iy < <u32>h && <u32>ix < <u32>w) memory.copy(dst, img + <usize>(iy * w + ix) * cin, <usize>cin);
        else memory.fill(dst, <u8>zp, <usize>cin);
        dst += <usize>cin;
      }
    }
  }
  v128.store(row + <usize>(fh * seg), i32x4.splat(0));
}

/**
 * y = the int8 convolution of u7 NHWC images qx [n][h][w][cin] (padding taps
 * read the zero point zp) with the packed weights, through the epilogue of
 * gemm_i8 (mode, act, lo, hi; y holds f32 or u7 [n][oh][ow][cout]).
 * pool2 = 1 fuses a 2x2 max pool of stride 2 ('valid') over the result: the 4
 * pixels of each window are the 4 rows of one tile, their int32 sums are
 * max-reduced (the epilogue is monotone, so this is the max of what it would
 * store) and one pixel of y [n][oh/2][ow/2][cout] is written.
 * scratch: I8_EPILOGUE_BYTES + 4 patch rows of i8PatchStride(kp) +
 * i8PanelBytes(kp) per thread. Range items: ceil(n*oh*ow / 4) pixel groups,
 * or n*(oh/2)*(ow/2) windows with pool2.
 */
export function conv2d_i8(qx: usize, packed: usize, mult: usize, off: usize, y: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32, fh: i32, fw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, kp: i32, zp: i32,
  mode: i32, act: i32, lo: i32, hi: i32, pool2: i32, scratch: usize, start: i32, end: i32): void {
  const e = i8Epilogue(scratch, mult, off, mode, act, lo, hi);
  const rs = i8PatchStride(kp);
  const rows = scratch + I8_EPILOGUE_BYTES;
  const panel = rows + 4 * rs;
  const k = fh * fw * cin;
  const image = <usize>h * w * cin;
  const xEnd = qx + <usize>n * image;
  const whole = (kp + 15) & ~15;
  if (pool2 != 0) {
    const ph = oh >> 1, pw = ow >> 1, plane = ph * pw;
    let b = start / plane, py = (start - b * plane) / pw, px = start - b * plane - py * pw;
    for (let item = start; item < end; item++) {
      const img = qx + <usize>b * image;
      const oy = py << 1, ox = px << 1;
      patchRow(rows, img, oy, ox, h, w, cin, fh, fw, sh, sw, dh, dw, pt, pl, zp, xEnd);
      patchRow(rows + rs, img, oy, ox + 1, h, w, cin, fh, fw, sh, sw, dh, dw, pt, pl, zp, xEnd);
      patchRow(rows + 2 * rs, img, oy + 1, ox, h, w, cin, fh, fw, sh, sw, dh, dw, pt, pl, zp, xEnd);
      patchRow(rows + 3 * rs, img, oy + 1, ox + 1, h, w, cin, fh, fw, sh, sw, dh, dw, pt, pl, zp, xEnd);
      i8PackA(rows, rows + rs, rows + 2 * rs, rows + 3 * rs, k, kp, whole, panel);
      i8RowPanel(panel, I8_MR, packed, kp, cout, y, cout, item, e, true);
      if (++px == pw) { px = 0; if (++py == ph) { py = 0; b++; } }
    }
    return;
  }
  const plane = oh * ow, total = n * plane;
  // Output pixel (b, oy, ox) of the next patch row, stepped rather than divided.
  const first = start * I8_MR;
  let b = first / plane, oy = (first - b * plane) / ow, ox = first - b * plane - oy * ow;
  for (let item = start; item < end; item++) {
    const p0 = item * I8_MR, mr = imin(I8_MR, total - p0);
    for (let r = 0; r < mr; r++) {
      patchRow(rows + <usize>r * rs, qx + <usize>b * image, oy, ox, h, w, cin, fh, fw, sh, sw, dh, dw, pt, pl, zp, xEnd);
      if (++ox == ow) { ox = 0; if (++oy == oh) { oy = 0; b++; } }
    }
    const r0 = rows;
    i8PackA(r0, mr > 1 ? r0 + rs : r0, mr > 2 ? r0 + 2 * rs : r0, mr > 3 ? r0 + 3 * rs : r0, k, kp, whole, panel);
    i8RowPanel(panel, mr, packed, kp, cout, y, cout, p0, e, false);
  }
}
