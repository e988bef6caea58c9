// Transpose / permute. The wrapper collapses the permutation first (size-1
// dims dropped, input dims that stay adjacent merged), so what reaches here is
// either a batched 2-D transpose (tiled) or a general permutation of rank <= 6
// walked over output rows. Values are moved bit for bit, so 4-byte kernels
// serve float32 and int32 alike.
import { imin } from './common';

// Output rows of the general permutation: output dims d0..d5 (d5 fastest),
// s0..s5 the input stride (in elements) of each output dim. Range items:
// d0*d1*d2*d3*d4 output rows of d5 elements.
@inline function permuteRows(size: i32, x: usize, y: usize, d0: i32, d1: i32, d2: i32, d3: i32, d4: i32, d5: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32, s5: i32, start: i32, end: i32): void {
  if (start >= end) return;
  // Unravel the first row once, then step the indices like an odometer.
  let t = start;
  let i4 = t % d4; t /= d4;
  let i3 = t % d3; t /= d3;
  let i2 = t % d2; t /= d2;
  let i1 = t % d1; t /= d1;
  let i0 = t;
  const rowBytes = <usize>d5 * size;
  const step = <usize>s5 * size;
  for (let row = start; row < end; row++) {
    const src = x + (<usize>i0 * s0 + <usize>i1 * s1 + <usize>i2 * s2 + <usize>i3 * s3 + <usize>i4 * s4) * size;
    const dst = y + <usize>row * rowBytes;
    if (s5 == 1) {
      memory.copy(dst, src, rowBytes);
    } else if (size == 4) {
      for (let j = 0; j < d5; j++) store<i32>(dst + (<usize>j << 2), load<i32>(src + <usize>j * step));
    } else {
      for (let j = 0; j < d5; j++) store<u8>(dst + <usize>j, load<u8>(src + <usize>j * step));
    }
    if (++i4 == d4) {
      i4 = 0;
      if (++i3 == d3) {
        i3 = 0;
        if (++i2 == d2) {
          i2 = 0;
          if (++i1 == d1) { i1 = 0; i0++; }
        }
      }
    }
  }
}

/**
 * y = x permuted, 4-byte elements: y's dims d0..d5 (row-major, d5 fastest),
 * s0..s5 the stride in x (elements) of each of y's dims. Range items:
 * d0*d1*d2*d3*d4 rows of y.
 */
export function transpose_f32(x: usize, y: usize, d0: i32, d1: i32, d2: i32, d3: i32, d4: i32, d5: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32, s5: i32, start: i32, end: i32): void {
  permuteRows(4, x, y, d0, d1, d2, d3, d4, d5, s0, s1, s2, s3, s4, s5, start, end);
}

/** As transpose_f32 for 1-byte elements (bool / uint8). */
export function transpose_u8(x: usize, y: usize, d0: i32, d1: i32, d2: i32, d3: i32, d4: i32, d5: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, s4: i32, s5: i32, start: i32, end: i32): void {
  permuteRows(1, x, y, d0, d1, d2, d3, d4, d5, s0, s1, s2, s3, s4, s5, start, end);
}

// Strips of STRIP input columns (= output rows): each item walks down the
// input 4 rows at a time, reading whole 64-byte lines and writing 16 output
// rows sequentially, with 4x4 blocks transposed in registers.
const STRIP: i32 = 16;

@inline function block4x4(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + srcStride);
  const r2 = v128.load(src + 2 * srcStride), r3 = v128.load(src + 3 * srcStride);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(dst + dstStride, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(dst + 2 * dstStride, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(dst + 3 * dstStride, i64x2.shuffle(t2, t3, 1, 3));
}

/**
 * Batched 2-D transpose of 4-byte elements: x [batch][rows][cols] ->
 * y [batch][cols][rows]. Range items: batch * ceil(cols/16) column strips.
 */
export function transpose2d_f32(x: usize, y: usize, rows: i32, cols: i32, start: i32, end: i32): void {
  const nb = (cols + STRIP - 1) / STRIP;
  const xs = <usize>cols << 2, ys = <usize>rows << 2;
  for (let item = start; item < end; item++) {
    const b = item / nb, j0 = (item - b * nb) * STRIP, w = imin(STRIP, cols - j0);
    const xb = x + <usize>b * rows * xs, yb = y + <usize>b * cols * ys;
    const w4 = w & ~3;
    let i = 0;
    for (; i + 4 <= rows; i += 4) {
      for (let jj = 0; jj < w4; jj += 4) {
        const j = j0 + jj;
        block4x4(xb + <usize>i * xs + (<usize>j << 2), xs, yb + <usize>j * ys + (<usize>i << 2), ys);
      }
      for (let j = j0 + w4; j < j0 + w; j++) {
        for (let ii = i; ii < i + 4; ii++) {
          store<i32>(yb + <usize>j * ys + (<usize>ii << 2), load<i32>(xb + <usize>ii * xs + (<usize>j << 2)));
        }
      }
    }
    for (; i < rows; i++) {
      for (let j = j0; j < j0 + w; j++) {
        store<i32>(yb + <usize>j * ys + (<usize>i << 2), load<i32>(xb + <usize>i * xs + (<usize>j << 2)));
      }
    }
  }
}

/** As transpose2d_f32 for 1-byte elements. Range items: batch * ceil(cols/16). */
export function transpose2d_u8(x: usize, y: usize, rows: i32, cols: i32, start: i32, end: i32): void {
  const nb = (cols + STRIP - 1) / STRIP;
  for (let item = start; item < end; item++) {
    const b = item / nb, j0 = (item - b * nb) * STRIP, w = imin(STRIP, cols - j0);
    const xb = x + <usize>b * rows * cols, yb = y + <usize>b * cols * rows;
    for (let i = 0; i < rows; i++) {
      const src = xb + <usize>i * cols;
      for (let j = j0; j < j0 + w; j++) store<u8>(yb + <usize>j * rows + i, load<u8>(src + j));
    }
  }
}
