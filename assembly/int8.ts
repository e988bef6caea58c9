// int8 inference: u7 activations times int8 weights with int32 accumulation,
// and an epilogue that either dequantises (+ bias, activation) to f32 or
// requantises to the u7 input of the next int8 layer, so that a chain of int8
// layers never goes back to float between them. The GEMM lives here; the
// convolution (int8_conv.ts) and max pooling on u7 (int8_pool.ts) reuse it.
//
// Activations are asymmetric u7 (0..127 with a zero point), weights symmetric
// int8 per output channel. Seven bits because relaxed_dot_i8x16_i7x16 is only
// defined for a second operand whose top bit is clear (x86 lowers it to
// pmaddubsw, which reads that operand unsigned); ONNX Runtime's `reduce_range`
// makes the same trade for the same instruction. The relaxed and the plain
// build compute the same integers (2·127·127 never saturates the i16 pair
// sums of pmaddubsw). The accumulating form, i32x4.relaxed_dot_i8x16_i7x16_add_s,
// is not used: as AssemblyScript 0.28 emits it and Node 20's V8 runs it, it
// returned twice the dot product and dropped the accumulator (weights -100,
// activations 100, acc 7: -80000, not -39993); the relaxed-vs-plain test in
// packages/kernels/test/int8.test.ts guards the form used here.
//
// The inner loop differs per build, and so do the layouts it streams:
// - relaxed: one step is 4 k. Weights [n/8 panels][kp/4][8 columns][4 k]
//   bytes (two vectors of 4 columns x 4 k); the A panel [kp/4][4 rows][4 k]
//   bytes; a row's 4-byte splat dots into 4 column sums (pmaddubsw, then
//   pairwise widening to i32).
// - plain SIMD: one step is 2 k. Weights [n/8][kp/2][8 columns][2 k] bytes,
//   each half widened by its load (load8x8_s: pmovsxbw); the A panel
//   [kp/2][4 rows][2 k] as i16; i32x4.dot_i16x8_s (pmaddwd) of a row's i16
//   pair splat gives 4 column sums directly, no shuffles.
// Weights are packed once, at quantisation time (packInt8Weights in
// packages/kernels/src/ops/int8.ts); A panels per call into per-thread
// scratch (a copy of 4 rows, widened in the plain build). Σ (q - zp)·w =
// Σ q·w - zp·Σ w: the column sums of w are folded into per-call epilogue
// tables (mult, off). k is padded to kp (a multiple of 4) with zero weights,
// so whatever an A panel holds past k contributes nothing.
import { imin, storeTransposed4x4 } from './common';
import { ACT_RELU, ACT_RELU6, relu6v, reluv } from './activation';

export const I8_MR: i32 = 4;
export const I8_NR: i32 = 8;
/** Epilogue mode: act(acc·mult + off) stored as f32. */
export const OUT_F32: i32 = 0;
/** Epilogue mode: clamp(round(acc·mult + off), lo, hi) stored as u7 bytes. */
export const OUT_U7: i32 = 1;

/** k per step of the micro-kernel. */
@inline export function i8Step(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 4 : 2;
}

/** Bytes of a 4-row A panel for kp (its packing writes whole 16-k chunks). */
@inline export function i8PanelBytes(kp: i32): usize {
  return <usize>((kp + 15) & ~15) << 3;
}

// 1.5·2^23: adding it to a float in [0, 2^22) rounds it to the nearest
// integer (ties to even, as f32x4.nearest) and leaves that integer in the low
// mantissa bits, which subtracting the magic's bits turns into an i32 — one
// add and one subtract where trunc_sat is several instructions in V8.
const MAGIC: f32 = 12582912.0;
const MAGIC_BITS: i32 = 0x4b400000;

// Parameters of one call's epilogue: the per-column tables (mult, off), the
// output mode, the f32 activation, the u7 clamp bounds, the output address
// and row stride (elements).
@final @unmanaged class Epilogue {
  mult: usize;
  off: usize;
  mode: i32;
  act: i32;
  lo: f32;
  hi: f32;
}

@inline function dequant(acc: v128, mult: v128, off: v128): v128 {
  // Multiply then add, never fused, so both builds give the same bits.
  return f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(acc), mult), off);
}

// f32 lanes to u7 integers: clamp into [lo, hi] (pmin first, so that a NaN
// would become hi and never leave 0..127), then round through MAGIC.
@inline function toU7(v: v128, lo: v128, hi: v128): v128 {
  const c = f32x4.pmax(lo, f32x4.pmin(hi, v));
  return i32x4.sub(f32x4.add(c, f32x4.splat(MAGIC)), i32x4.splat(MAGIC_BITS));
}

@inline function storeF32(c: usize, v: v128, w: i32): void {
  if (w >= 4) { v128.store(c, v); return; }
  store<f32>(c, f32x4.extract_lane(v, 0));
  if (w > 1) store<f32>(c, f32x4.extract_lane(v, 1), 4);
  if (w > 2) store<f32>(c, f32x4.extract_lane(v, 2), 8);
}

@inline function activateF32(v: v128, act: i32): v128 {
  if (act == ACT_RELU) return reluv(v);
  if (act == ACT_RELU6) return relu6v(v);
  return v;
}

// Stores one output row of up to 8 columns (j0 = the panel's first column,
// w = how many of its 8 exist) from its two accumulators.
@inline function finishRow(out: usize, ldo: i32, row: i32, j0: i32, w: i32, lo4: v128, hi4: v128, e: Epilogue): void {
  const jo = <usize>j0 << 2;
  const v0 = dequant(lo4, v128.load(e.mult + jo), v128.load(e.off + jo));
  const v1 = dequant(hi4, v128.load(e.mult + jo, 16), v128.load(e.off + jo, 16));
  if (e.mode == OUT_F32) {
    const c = out + ((<usize>row * ldo + j0) << 2);
    storeF32(c, activateF32(v0, e.act), imin(4, w));
    if (w > 4) storeF32(c + 16, activateF32(v1, e.act), w - 4);
    return;
  }
  const lo = f32x4.splat(e.lo), hi = f32x4.splat(e.hi);
  const q16 = i16x8.narrow_i32x4_s(toU7(v0, lo, hi), toU7(v1, lo, hi));
  const q8 = i8x16.narrow_i16x8_u(q16, q16);
  const c = out + <usize>row * ldo + j0;
  if (w == 8) { v128.store64_lane(c, q8, 0); return; }
  const bits = i64x2.extract_lane(q8, 0);
  for (let i = 0; i < w; i++) store<u8>(c + <usize>i, <u8>(bits >> (<u64>i << 3)));
}

// The build's step, so the panel loops are written once for both layouts:
// weight vector `half` (0: columns 0..3, 1: 4..7) of the step at b, the bytes
// one step of weights takes, and acc += that vector dotted with a row's splat.
@inline function loadW(b: usize, half: i32): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return half ? v128.load(b, 16) : v128.load(b);
  return half ? v128.load8x8_s(b, 8) : v128.load8x8_s(b);
}

@inline function stepBytes(): usize {
  return ASC_FEATURE_RELAXED_SIMD ? 32 : 16;
}

@inline function dot(acc: v128, w: v128, a: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(w, a)));
  return i32x4.add(acc, i32x4.dot_i16x8_s(w, a));
}

/**
 * Rows 0..mr-1 (mr <= 4) of the output of one A panel (at ap, see the layouts
 * above) against every weight panel: output row r goes to row `row0 + r` of
 * out (row stride ldo elements). With max4 (mr = 4) the four rows' sums are
 * max-reduced first and only row row0 is written (a fused 2x2 max pool: the
 * epilogue is monotone in the sum, so this stores the max of its 4 values).
 */
@inline export function i8RowPanel(ap: usize, mr: i32, pb: usize, kp: i32, n: i32, out: usize, ldo: i32, row0: i32,
  e: Epilogue, max4: bool): void {
  const np = (n + I8_NR - 1) / I8_NR;
  const steps = kp / i8Step();
  const panelBytes = <usize>kp * I8_NR;
  for (let p = 0; p < np; p++) {
    const j0 = p * I8_NR, w = imin(I8_NR, n - j0);
    const wp = pb + <usize>p * panelBytes;
    if (mr == I8_MR) {
      let c00 = i32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      let a = ap, b = wp;
      for (let s = 0; s < steps; s++) {
        const a0 = v128.load32_splat(a), a1 = v128.load32_splat(a, 4);
        const a2 = v128.load32_splat(a, 8), a3 = v128.load32_splat(a, 12);
        const b0 = loadW(b, 0), b1 = loadW(b, 1);
        c00 = dot(c00, b0, a0); c01 = dot(c01, b1, a0);
        c10 = dot(c10, b0, a1); c11 = dot(c11, b1, a1);
        c20 = dot(c20, b0, a2); c21 = dot(c21, b1, a2);
        c30 = dot(c30, b0, a3); c31 = dot(c31, b1, a3);
        b += stepBytes();
        a += 16;
      }
      if (max4) {
        finishRow(out, ldo, row0, j0, w, i32x4.max_s(i32x4.max_s(c00, c10), i32x4.max_s(c20, c30)),
          i32x4.max_s(i32x4.max_s(c01, c11), i32x4.max_s(c21, c31)), e);
        continue;
      }
      finishRow(out, ldo, row0, j0, w, c00, c01, e);
      finishRow(out, ldo, row0 + 1, j0, w, c10, c11, e);
      finishRow(out, ldo, row0 + 2, j0, w, c20, c21, e);
      finishRow(out, ldo, row0 + 3, j0, w, c30, c31, e);
    } else {
      // Fewer than four rows (batch 1, the last panel): one row at a time
      // rather than multiplying rows that are not there.
      for (let r = 0; r < mr; r++) {
        let c0 = i32x4.splat(0), c1 = c0;
        let a = ap + (<usize>r << 2), b = wp;
        for (let s = 0; s < steps; s++) {
          const a0 = v128.load32_splat(a);
          c0 = dot(c0, loadW(b, 0), a0); c1 = dot(c1, loadW(b, 1), a0);
          b += stepBytes();
          a += 16;
        }
        finishRow(out, ldo, row0 + r, j0, w, c0, c1, e);
      }
    }
  }
}

/**
 * Packs rows r0..r3 of k u7 bytes each into an A panel at out (layout of the
 * build, see above), zero past k up to kp. `whole` is how many leading k may
 * be read as whole 16-byte (relaxed) / 8-byte (plain) chunks — k itself, or
 * more when the rows are followed by readable bytes (a patch row's slack).
 */
@inline export function i8PackA(r0: usize, r1: usize, r2: usize, r3: usize, k: i32, kp: i32, whole: i32, out: usize): void {
  let kk = 0;
  if (ASC_FEATURE_RELAXED_SIMD) {
    for (; kk + 16 <= whole; kk += 16) {
      const o = <usize>kk;
      storeTransposed4x4(out + (o << 2), v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o));
    }
    for (; kk < kp; kk++) {
      const q = out + (<usize>(kk >> 2) << 4) + (kk & 3), o = <usize>kk, inK = kk < k;
      store<u8>(q, inK ? load<u8>(r0 + o) : 0);
      store<u8>(q, inK ? load<u8>(r1 + o) : 0, 4);
      store<u8>(q, inK ? load<u8>(r2 + o) : 0, 8);
      store<u8>(q, inK ? load<u8>(r3 + o) : 0, 12);
    }
  } else {
    for (; kk + 8 <= whole; kk += 8) {
      const o = <usize>kk;
      storeTransposed4x4(out + (o << 3), v128.load8x8_u(r0 + o), v128.load8x8_u(r1 + o), v128.load8x8_u(r2 + o), v128.load8x8_u(r3 + o));
    }
    for (; kk < kp; kk++) {
      const q = out + (<usize>(kk >> 1) << 4) + (<usize>(kk & 1) << 1), o = <usize>kk, inK = kk < k;
      store<u16>(q, inK ? load<u8>(r0 + o) : 0);
      store<u16>(q, inK ? load<u8>(r1 + o) : 0, 4);
      store<u16>(q, inK ? load<u8>(r2 + o) : 0, 8);
      store<u16>(q, inK ? load<u8>(r3 + o) : 0, 12);
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

/** @internal Fills an epilogue record (at scratch) for one call. */
@inline export function i8Epilogue(at: usize, mult: usize, off: usize, mode: i32, act: i32, lo: i32, hi: i32): Epilogue {
  const e = changetype<Epilogue>(at);
  e.mult = mult;
  e.off = off;
  e.mode = mode;
  e.act = act;
  e.lo = <f32>lo;
  e.hi = <f32>hi;
  return e;
}

/** Bytes an Epilogue record takes at the start of a kernel's scratch. */
export const I8_EPILOGUE_BYTES: usize = 32;

/**
 * out = the int8 GEMM of u7 A [m][k] (rows contiguous) with packed weights
 * [k][n]: act(acc·mult + off) as f32 [m][n] (mode OUT_F32), or clamp(round(
 * acc·mult + off), lo, hi) as u7 bytes [m][n] (OUT_U7); mult, off: the
 * per-column tables, padded to whole 8-column panels. scratch: per thread,
 * I8_EPILOGUE_BYTES + i8PanelBytes(kp). Range items: ceil(m/4) row panels.
 */
export function gemm_i8(a: usize, packed: usize, mult: usize, off: usize, out: usize,
  m: i32, n: i32, k: i32, kp: i32, mode: i32, act: i32, lo: i32, hi: i32, scratch: usize, start: i32, end: i32): void {
  const e = i8Epilogue(scratch, mult, off, mode, act, lo, hi);
  const panel = scratch + I8_EPILOGUE_BYTES;
  const ra = <usize>k;
  for (let item = start; item < end; item++) {
    const i0 = item * I8_MR, mr = imin(I8_MR, m - i0);
    const r0 = a + <usize>i0 * ra;
    // Rows past m repeat row 0: packed, never multiplied.
    i8PackA(r0, mr > 1 ? r0 + ra : r0, mr > 2 ? r0 + 2 * ra : r0, mr > 3 ? r0 + 3 * ra : r0, k, kp, k, panel);
    i8RowPanel(panel, mr, packed, kp, n, out, n, i0, e, false);
  }
}
