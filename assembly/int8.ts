// int8 inference kernels: f32 activations quantised to 7 bits, int8 GEMM and
// conv2d with int32 accumulation and a fused dequantise + bias + activation
// epilogue that writes f32.
//
// Activations are asymmetric u7 (0..127 with a zero point), weights symmetric
// int8 per output channel. Seven bits because relaxed_dot_i8x16_i7x16 is only
// defined for a second operand whose top bit is clear (x86 lowers it to
// pmaddubsw, which reads that operand unsigned); ONNX Runtime's `reduce_range`
// makes the same trade for the same instruction. The relaxed and the plain
// build then compute the same integers (2·127·127 never saturates the i16
// pair sums of pmaddubsw).
//
// Weights are packed once, at quantisation time, as [ceil(n/8) panels][kp/4]
// [8 columns][4 k] bytes, kp = k rounded up to 4 with zero weights: each
// vector holds 4 k of 4 columns, so a 4-byte splat of a row's activations
// dots into four column sums at once (no horizontal sums; the epilogue is
// vector code). Σ_k (q - zp)·w = Σ q·w - zp·Σ w: the column sums of w come
// precomputed (colsum) and folded into per-call epilogue tables.
import { imin, storePartial } from './common';
import { ACT_RELU, ACT_RELU6 } from './activation';

export const I8_MR: i32 = 4;
export const I8_NR: i32 = 8;

// acc(4 columns) + Σ over 4 k of w[k][col]·a[k]: w holds [4 columns][4 k] bytes,
// a the row's 4 activation bytes repeated (load32_splat).
@inline function dot4(acc: v128, w: v128, a: v128): v128 {
  return i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(w, a)));
}

// The same in the plain SIMD build from widened halves: wl / wh are columns
// 0-1 / 2-3 as i16 [col][4 k], a16 the 4 activations twice as i16.
@inline function dot4Plain(acc: v128, wl: v128, wh: v128, a16: v128): v128 {
  const lo = i32x4.dot_i16x8_s(wl, a16), hi = i32x4.dot_i16x8_s(wh, a16);
  return i32x4.add(acc, i32x4.add(i32x4.shuffle(lo, hi, 0, 2, 4, 6), i32x4.shuffle(lo, hi, 1, 3, 5, 7)));
}

// Dequantises four columns (j..j+3) of accumulators and stores the first
// w (1..4) of act(acc·mult + off) at c: mult = sx·scale and off = bias -
// zp·colsum·mult per column, computed per call (see packages/kernels/src/ops/int8.ts),
// padded to a multiple of 8 entries so the vector loads stay inside them.
// Multiply then add, never fused, so both builds give the same bits.
@inline function finish4(c: usize, acc: v128, j: i32, w: i32, mult: usize, off: usize, act: i32): void {
  const jo = <usize>j << 2;
  let v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(acc), v128.load(mult + jo)), v128.load(off + jo));
  if (act == ACT_RELU) v = f32x4.max(v, f32x4.splat(0));
  else if (act == ACT_RELU6) v = f32x4.min(f32x4.max(v, f32x4.splat(0)), f32x4.splat(6));
  storePartial(c, v, w);
}

// mr (1..4) rows of C (f32, row stride ldc) from mr rows of u7 activations at
// a (row stride lda bytes, kp bytes each, kp a multiple of 4) and every packed
// weight panel ([kp/4][8 columns][4 k] bytes per 8 columns).
@inline function rowPanel(a: usize, lda: i32, mr: i32, pb: usize, kp: i32, c: usize, ldc: i32, n: i32,
  mult: usize, off: usize, act: i32): void {
  const np = (n + I8_NR - 1) / I8_NR;
  const ra = <usize>lda, rc = <usize>ldc << 2;
  for (let p = 0; p < np; p++) {
    const j0 = p * I8_NR, w0 = imin(4, n - j0), w1 = imin(4, n - j0 - 4);
    const wp = pb + <usize>p * kp * I8_NR;
    const ct = c + (<usize>j0 << 2);
    if (mr == I8_MR) {
      let c00 = i32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      let pa = a, w = wp;
      for (let kk = 0; kk < kp; kk += 4) {
        const b0 = v128.load(w), b1 = v128.load(w, 16);
        const a0 = v128.load32_splat(pa), a1 = v128.load32_splat(pa + ra);
        const a2 = v128.load32_splat(pa + 2 * ra), a3 = v128.load32_splat(pa + 3 * ra);
        if (ASC_FEATURE_RELAXED_SIMD) {
          c00 = dot4(c00, b0, a0); c01 = dot4(c01, b1, a0);
          c10 = dot4(c10, b0, a1); c11 = dot4(c11, b1, a1);
          c20 = dot4(c20, b0, a2); c21 = dot4(c21, b1, a2);
          c30 = dot4(c30, b0, a3); c31 = dot4(c31, b1, a3);
        } else {
          const l0 = i16x8.extend_low_i8x16_s(b0), h0 = i16x8.extend_high_i8x16_s(b0);
          const x0 = i16x8.extend_low_i8x16_u(a0), x1 = i16x8.extend_low_i8x16_u(a1);
          const x2 = i16x8.extend_low_i8x16_u(a2), x3 = i16x8.extend_low_i8x16_u(a3);
          c00 = dot4Plain(c00, l0, h0, x0); c10 = dot4Plain(c10, l0, h0, x1);
          c20 = dot4Plain(c20, l0, h0, x2); c30 = dot4Plain(c30, l0, h0, x3);
          const l1 = i16x8.extend_low_i8x16_s(b1), h1 = i16x8.extend_high_i8x16_s(b1);
          c01 = dot4Plain(c01, l1, h1, x0); c11 = dot4Plain(c11, l1, h1, x1);
          c21 = dot4Plain(c21, l1, h1, x2); c31 = dot4Plain(c31, l1, h1, x3);
        }
        pa += 4;
        w += 32;
      }
      finish4(ct, c00, j0, w0, mult, off, act);
      finish4(ct + rc, c10, j0, w0, mult, off, act);
      finish4(ct + 2 * rc, c20, j0, w0, mult, off, act);
      finish4(ct + 3 * rc, c30, j0, w0, mult, off, act);
      if (w1 > 0) {
        finish4(ct + 16, c01, j0 + 4, w1, mult, off, act);
        finish4(ct + rc + 16, c11, j0 + 4, w1, mult, off, act);
        finish4(ct + 2 * rc + 16, c21, j0 + 4, w1, mult, off, act);
        finish4(ct + 3 * rc + 16, c31, j0 + 4, w1, mult, off, act);
      }
    } else {
      // Fewer than four rows (batch 1, the last panel): one row at a time
      // rather than multiplying rows that are not there.
      for (let r = 0; r < mr; r++) {
        let c0 = i32x4.splat(0), c1 = c0;
        let pa = a + <usize>r * ra, w = wp;
        for (let kk = 0; kk < kp; kk += 4) {
          const b0 = v128.load(w), b1 = v128.load(w, 16), a0 = v128.load32_splat(pa);
          if (ASC_FEATURE_RELAXED_SIMD) {
            c0 = dot4(c0, b0, a0); c1 = dot4(c1, b1, a0);
          } else {
            const x0 = i16x8.extend_low_i8x16_u(a0);
            c0 = dot4Plain(c0, i16x8.extend_low_i8x16_s(b0), i16x8.extend_high_i8x16_s(b0), x0);
            c1 = dot4Plain(c1, i16x8.extend_low_i8x16_s(b1), i16x8.extend_high_i8x16_s(b1), x0);
          }
          pa += 4;
          w += 32;
        }
        const cr = ct + <usize>r * rc;
        finish4(cr, c0, j0, w0, mult, off, act);
        if (w1 > 0) finish4(cr + 16, c1, j0 + 4, w1, mult, off, act);
      }
    }
  }
}

/**
 * q[r][0..k) = clamp(round(x[r][i] * invScale) + zp, 0, 127) as bytes, q[r][k..kp) = 0,
 * for rows of k floats at x; rounding to nearest even. Range items: rows.
 */
export function quantize_u7_f32(x: usize, q: usize, k: i32, kp: i32, invScale: f32, zp: i32,
  start: i32, end: i32): void {
  const inv = f32x4.splat(invScale), z = f32x4.splat(<f32>zp);
  const lo = f32x4.splat(0), hi = f32x4.splat(127);
  for (let r = start; r < end; r++) {
    const src = x + (<usize>r * k << 2), dst = q + <usize>r * kp;
    let i = 0;
    for (; i + 16 <= k; i += 16) {
      const s = src + (<usize>i << 2);
      const v0 = i32x4.trunc_sat_f32x4_s(f32x4.min(f32x4.max(f32x4.add(f32x4.nearest(f32x4.mul(v128.load(s), inv)), z), lo), hi));
      const v1 = i32x4.trunc_sat_f32x4_s(f32x4.min(f32x4.max(f32x4.add(f32x4.nearest(f32x4.mul(v128.load(s, 16), inv)), z), lo), hi));
      const v2 = i32x4.trunc_sat_f32x4_s(f32x4.min(f32x4.max(f32x4.add(f32x4.nearest(f32x4.mul(v128.load(s, 32), inv)), z), lo), hi));
      const v3 = i32x4.trunc_sat_f32x4_s(f32x4.min(f32x4.max(f32x4.add(f32x4.nearest(f32x4.mul(v128.load(s, 48), inv)), z), lo), hi));
      v128.store(dst + <usize>i, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(v0, v1), i16x8.narrow_i32x4_s(v2, v3)));
    }
    for (; i < k; i++) {
      const v = min(max(nearest<f32>(load<f32>(src + (<usize>i << 2)) * invScale) + <f32>zp, 0), 127);
      // NaN quantises to 0, as trunc_sat does in the vector loop.
      store<u8>(dst + <usize>i, v == v ? <u8>(<i32>v) : 0);
    }
    for (; i < kp; i++) store<u8>(dst + <usize>i, 0);
  }
}

/**
 * C[m][n] (f32) = act(A·W · mult[j] + off[j]) for u7 A [m][kp] at a and W
 * packed as above (mult, off: the padded per-column epilogue tables).
 * Range items: ceil(m/4) row panels.
 */
export function gemm_i8(a: usize, packed: usize, mult: usize, off: usize, c: usize,
  m: i32, n: i32, kp: i32, act: i32, start: i32, end: i32): void {
  for (let item = start; item < end; item++) {
    const i0 = item * I8_MR, mr = imin(I8_MR, m - i0);
    rowPanel(a + <usize>i0 * kp, kp, mr, packed, kp, c + (<usize>i0 * n << 2), n, n, mult, off, act);
  }
}

/**
 * y[n][oh][ow][cout] (f32) = the int8 convolution of u7 NHWC images at qx with
 * weights packed as above over K = fh*fw*cin (taps major, channels minor, as a
 * [fh, fw, cin, cout] filter flattens), padding taps reading the zero point.
 * scratch: 4*kp bytes per thread (the patch rows). Range items: ceil(n*oh*ow / 4).
 */
export function conv2d_i8(qx: usize, packed: usize, mult: usize, off: usize, y: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32, fh: i32, fw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, kp: i32, zp: i32, act: i32,
  scratch: usize, start: i32, end: i32): void {
  const plane = oh * ow, total = n * plane;
  const k = fh * fw * cin;
  // Output pixel (b, oy, ox) of the next patch row, stepped rather than divided.
  const first = start * I8_MR;
  let b = first / plane, oy = (first - b * plane) / ow, ox = first - b * plane - oy * ow;
  for (let item = start; item < end; item++) {
    const p0 = item * I8_MR, mr = imin(I8_MR, total - p0);
    for (let r = 0; r < mr; r++) {
      const img = qx + <usize>b * h * w * cin;
      let row = scratch + <usize>r * kp;
      for (let i = 0; i < fh; i++) {
        const iy = oy * sh - pt + i * dh;
        for (let j = 0; j < fw; j++) {
          const ix = ox * sw - pl + j * dw;
          if (<u32>iy < <u32>h && <u32>ix < <u32>w) {
            const src = img + <usize>(iy * w + ix) * cin;
            if (cin == 1) store<u8>(row, load<u8>(src));
            else memory.copy(row, src, <usize>cin);
          } else if (cin == 1) {
            store<u8>(row, <u8>zp);
          } else {
            memory.fill(row, <u8>zp, <usize>cin);
          }
          row += <usize>cin;
        }
      }
      for (let i = k; i < kp; i++) { store<u8>(row, 0); row++; }
      if (++ox == ow) { ox = 0; if (++oy == oh) { oy = 0; b++; } }
    }
    rowPanel(scratch, kp, mr, packed, kp, y + (<usize>p0 * cout << 2), cout, cout, mult, off, act);
  }
}
