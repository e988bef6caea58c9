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
// Weights are packed once, at quantisation time, as [ceil(n/2) panels][kp/16]
// [2 columns][16 bytes], kp = k rounded up to 16 with zero weights, so the
// micro-kernel streams them in order. Σ_k (q - zp)·w = Σ q·w - zp·Σ w: the
// column sums of w come precomputed (colsum).
import { imin } from './common';
import { ACT_RELU, ACT_RELU6 } from './activation';

export const I8_MR: i32 = 4;
export const I8_NR: i32 = 2;

// acc + the four-wide dot products of 16 int8 weights with 16 u7 activations.
// The relaxed build takes the i16 pair sums of relaxed_dot_i8x16_i7x16_s and
// widens them: i32x4.relaxed_dot_i8x16_i7x16_add_s, as AssemblyScript 0.28
// emits it and Node 20's V8 runs it, returned twice the dot product and
// dropped the accumulator (weights -100, activations 100, acc 7: -80000, not
// -39993).
@inline function dotStep(acc: v128, w: v128, a: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(w, a)));
  }
  const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(w), i16x8.extend_low_i8x16_s(a));
  const hi = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(w), i16x8.extend_high_i8x16_s(a));
  return i32x4.add(acc, i32x4.add(lo, hi));
}

@inline function hsum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

// Dequantises one accumulator of column j and stores act(value + bias) at c.
@inline function finish(c: usize, acc: i32, j: i32, colsum: usize, scales: usize, bias: usize,
  act: i32, zp: i32, sx: f32): void {
  const jo = <usize>j << 2;
  let v = <f32>(acc - zp * load<i32>(colsum + jo)) * (sx * load<f32>(scales + jo));
  if (bias != 0) v += load<f32>(bias + jo);
  if (act == ACT_RELU) v = max(v, 0);
  else if (act == ACT_RELU6) v = min(max(v, 0), 6);
  store<f32>(c, v);
}

// mr (1..4) rows of C (f32, row stride ldc) from mr rows of u7 activations at
// a (row stride lda bytes, kp bytes each) and every packed weight panel.
@inline function rowPanel(a: usize, lda: i32, mr: i32, pb: usize, kp: i32, c: usize, ldc: i32, n: i32,
  colsum: usize, scales: usize, bias: usize, act: i32, zp: i32, sx: f32): void {
  const np = (n + I8_NR - 1) / I8_NR;
  const ra = <usize>lda, rc = <usize>ldc << 2;
  for (let p = 0; p < np; p++) {
    const j0 = p * I8_NR, two = j0 + 1 < n;
    const wp = pb + <usize>p * kp * I8_NR;
    if (mr == I8_MR) {
      let c00 = i32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      let pa = a, w = wp;
      for (let kk = 0; kk < kp; kk += 16) {
        const w0 = v128.load(w), w1 = v128.load(w, 16);
        let av = v128.load(pa);
        c00 = dotStep(c00, w0, av); c01 = dotStep(c01, w1, av);
        av = v128.load(pa + ra);
        c10 = dotStep(c10, w0, av); c11 = dotStep(c11, w1, av);
        av = v128.load(pa + 2 * ra);
        c20 = dotStep(c20, w0, av); c21 = dotStep(c21, w1, av);
        av = v128.load(pa + 3 * ra);
        c30 = dotStep(c30, w0, av); c31 = dotStep(c31, w1, av);
        pa += 16;
        w += 32;
      }
      const ct = c + (<usize>j0 << 2);
      finish(ct, hsum(c00), j0, colsum, scales, bias, act, zp, sx);
      finish(ct + rc, hsum(c10), j0, colsum, scales, bias, act, zp, sx);
      finish(ct + 2 * rc, hsum(c20), j0, colsum, scales, bias, act, zp, sx);
      finish(ct + 3 * rc, hsum(c30), j0, colsum, scales, bias, act, zp, sx);
      if (two) {
        finish(ct + 4, hsum(c01), j0 + 1, colsum, scales, bias, act, zp, sx);
        finish(ct + rc + 4, hsum(c11), j0 + 1, colsum, scales, bias, act, zp, sx);
        finish(ct + 2 * rc + 4, hsum(c21), j0 + 1, colsum, scales, bias, act, zp, sx);
        finish(ct + 3 * rc + 4, hsum(c31), j0 + 1, colsum, scales, bias, act, zp, sx);
      }
    } else {
      // Fewer than four rows (batch 1, the last panel): one row at a time
      // rather than multiplying zero rows.
      for (let r = 0; r < mr; r++) {
        let c0 = i32x4.splat(0), c1 = c0;
        let pa = a + <usize>r * ra, w = wp;
        for (let kk = 0; kk < kp; kk += 16) {
          const av = v128.load(pa);
          c0 = dotStep(c0, v128.load(w), av);
          c1 = dotStep(c1, v128.load(w, 16), av);
          pa += 16;
          w += 32;
        }
        const ct = c + <usize>r * rc + (<usize>j0 << 2);
        finish(ct, hsum(c0), j0, colsum, scales, bias, act, zp, sx);
        if (two) finish(ct + 4, hsum(c1), j0 + 1, colsum, scales, bias, act, zp, sx);
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
 * C[m][n] (f32) = act((A - zp)·W · sx·scale[j] + bias[j]) for u7 A [m][kp] at a
 * and W packed as above (colsum, scale: n values; bias 0 or n floats).
 * Range items: ceil(m/4) row panels.
 */
export function gemm_i8(a: usize, packed: usize, colsum: usize, scales: usize, bias: usize, c: usize,
  m: i32, n: i32, kp: i32, zp: i32, sx: f32, act: i32, start: i32, end: i32): void {
  for (let item = start; item < end; item++) {
    const i0 = item * I8_MR, mr = imin(I8_MR, m - i0);
    rowPanel(a + <usize>i0 * kp, kp, mr, packed, kp, c + (<usize>i0 * n << 2), n, n,
      colsum, scales, bias, act, zp, sx);
  }
}

/**
 * y[n][oh][ow][cout] (f32) = the int8 convolution of u7 NHWC images at qx with
 * weights packed as above over K = fh*fw*cin (taps major, channels minor, as a
 * [fh, fw, cin, cout] filter flattens), padding taps reading the zero point.
 * scratch: 4*kp bytes per thread (the patch rows). Range items: ceil(n*oh*ow / 4).
 */
export function conv2d_i8(qx: usize, packed: usize, colsum: usize, scales: usize, bias: usize, y: usize,
  n: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, cout: i32, fh: i32, fw: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, kp: i32, zp: i32, sx: f32, act: i32,
  scratch: usize, start: i32, end: i32): void {
  const plane = oh * ow, total = n * plane;
  const k = fh * fw * cin;
  for (let item = start; item < end; item++) {
    const p0 = item * I8_MR, mr = imin(I8_MR, total - p0);
    for (let r = 0; r < mr; r++) {
      const p = p0 + r, b = p / plane, rem = p - b * plane, oy = rem / ow, ox = rem - oy * ow;
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
    }
    rowPanel(scratch, kp, mr, packed, kp, y + (<usize>p0 * cout << 2), cout, cout,
      colsum, scales, bias, act, zp, sx);
  }
}
