// conv2d forward and backprop input as implicit GEMM (NHWC, filter [fh][fw][cin][cout]).
//
// No im2col buffer: for each group of 4 output (or input) pixels the kernel
// writes the packed A panel ([k][4], k = (tap, channel)) straight from the
// image into per-thread scratch and hands it to gemm's 4x8 micro-kernel
// (gemmPanel) against the filter packed once per call. Padding taps read a
// zeroed block at the start of the scratch, so the packing loop has no
// per-element branches. Backprop input is in conv_input.ts, backprop filter
// in conv_filter.ts.
import { gemmPanel, MR } from './gemm';
import { imin, storeTransposed4x4 } from './common';

// Far enough below zero that no tap brings it back into the image: rows of a
// panel past the last pixel then always read the zero block.
export const OUTSIDE: i32 = -(1 << 30);

/** Zeroes n floats (rounded up to 4) at p. */
@inline export function zeroFill(p: usize, n: i32): void {
  const z = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) v128.store(p + (<usize>i << 2), z);
}

/** Bytes of the zero block that starts a conv kernel's scratch (n floats, 16-byte aligned). */
@inline export function zeroBytes(n: i32): usize {
  return <usize>((n + 3) & ~3) << 2;
}

// Writes c channels of 4 pixel rows (s0..s3, each c contiguous floats) as c
// k-steps of the [k][4] panel at out: 4x4 blocks transposed in registers.
@inline export function packTap(out: usize, s0: usize, s1: usize, s2: usize, s3: usize, c: i32): void {
  let i = 0;
  for (; i + 4 <= c; i += 4) {
    const o = <usize>i << 2;
    storeTransposed4x4(out + (<usize>i << 4), v128.load(s0 + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o));
  }
  for (; i < c; i++) {
    const o = <usize>i << 2;
    const q = out + (<usize>i << 4);
    store<f32>(q, load<f32>(s0 + o));
    store<f32>(q, load<f32>(s1 + o), 4);
    store<f32>(q, load<f32>(s2 + o), 8);
    store<f32>(q, load<f32>(s3 + o), 12);
  }
}

// The panel rows of one tap for 4 adjacent pixels of cin < 4 channels stored
// contiguously at p ([pixel][ci]): channel-major, one vector per channel.
@inline function packNarrow(out: usize, p: usize, cin: i32): void {
  if (cin == 1) {
    v128.store(out, v128.load(p));
  } else if (cin == 2) {
    const v0 = v128.load(p), v1 = v128.load(p, 16);
    v128.store(out, i32x4.shuffle(v0, v1, 0, 2, 4, 6));
    v128.store(out, i32x4.shuffle(v0, v1, 1, 3, 5, 7), 16);
  } else {
    const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32);
    v128.store(out, i32x4.shuffle(i32x4.shuffle(v0, v1, 0, 3, 6, 7), v2, 0, 1, 2, 5));
    v128.store(out, i32x4.shuffle(i32x4.shuffle(v0, v1, 1, 4, 7, 7), v2, 0, 1, 2, 6), 16);
    v128.store(out, i32x4.shuffle(i32x4.shuffle(v0, v1, 2, 5, 5, 5), v2, 0, 1, 4, 7), 32);
  }
}

// Address of pixel (iy, ix) of an image at base (w pixels of c floats per
// row), or the zero block when it lies outside h x w.
@inline export function pixel(base: usize, iy: i32, ix: i32, h: i32, w: i32, c: i32, zero: usize): usize {
  return <u32>iy < <u32>h && <u32>ix < <u32>w ? base + (<usize>(iy * w + ix) * c << 2) : zero;
}

/**
 * y[n][oh][ow][cout] = act(conv(x, filter) + bias). `packed` is the filter as a
 * K x cout matrix (K = fh*fw*cin) packed by gemm_pack_b_f32. bias: 0 or cout floats.
 * scratch: zeroBytes(cin) + 16*K bytes. Range items: ceil(n*oh*ow / 4) pixel groups.
 */
export function conv2d_f32(x: usize, packed: usize, y: usize, n: i32, h: i32, w: i32, cin: i32,
  oh: i32, ow: i32, cout: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  bias: usize, act: i32, alpha: f32, scratch: usize, start: i32, end: i32): void {
  const zero = scratch;
  zeroFill(zero, cin);
  const panel = scratch + zeroBytes(cin);
  const k = fh * fw * cin;
  const plane = oh * ow, total = n * plane;
  const image = <usize>h * w * cin << 2;
  // Output pixel (b, oy, ox) of the next group, stepped rather than divided.
  const first = start * MR;
  let b = first / plane, oy = (first - b * plane) / ow, ox = first - b * plane - oy * ow;
  for (let item = start; item < end; item++) {
    const p0 = item * MR, mr = imin(MR, total - p0);
    // Corner (top-left input position) of each pixel's receptive field.
    let b0: usize = 0, b1: usize = 0, b2: usize = 0, b3: usize = 0;
    let y0 = OUTSIDE, y1 = OUTSIDE, y2 = OUTSIDE, y3 = OUTSIDE;
    let x0 = OUTSIDE, x1 = OUTSIDE, x2 = OUTSIDE, x3 = OUTSIDE;
    for (let r = 0; r < mr; r++) {
      const base = x + <usize>b * image, cy = oy * sh - pt, cx = ox * sw - pl;
      if (r == 0) { b0 = base; y0 = cy; x0 = cx; }
      else if (r == 1) { b1 = base; y1 = cy; x1 = cx; }
      else if (r == 2) { b2 = base; y2 = cy; x2 = cx; }
      else { b3 = base; y3 = cy; x3 = cx; }
      if (++ox == ow) { ox = 0; if (++oy == oh) { oy = 0; b++; } }
    }
    // Four neighbours in one output row at stride 1 read 4*cin consecutive
    // input floats per tap: with few channels, transpose them from whole
    // vectors (the generic path moves them one float at a time).
    const narrow = cin < 4 && mr == MR && sw == 1 && x3 == x0 + 3 && y3 == y0;
    let out = panel;
    for (let i = 0; i < fh; i++) {
      const di = i * dh;
      for (let j = 0; j < fw; j++) {
        const dj = j * dw;
        if (narrow && <u32>(y0 + di) < <u32>h && x0 + dj >= 0 && x0 + dj + 4 <= w) {
          packNarrow(out, b0 + (<usize>((y0 + di) * w + x0 + dj) * cin << 2), cin);
        } else {
          packTap(out,
            pixel(b0, y0 + di, x0 + dj, h, w, cin, zero), pixel(b1, y1 + di, x1 + dj, h, w, cin, zero),
            pixel(b2, y2 + di, x2 + dj, h, w, cin, zero), pixel(b3, y3 + di, x3 + dj, h, w, cin, zero), cin);
        }
        out += <usize>cin << 4;
      }
    }
    gemmPanel(panel, packed, y + (<usize>p0 * cout << 2), cout, mr, cout, k, bias, act, alpha, false);
  }
}
