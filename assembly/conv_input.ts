// conv2d backprop input (the transposed convolution), gathered per input
// pixel so threads never write the same dx.
//
// With stride s an input pixel only meets the taps whose offset has the right
// remainder mod s, and which taps those are depends only on the pixel's phase
// (iy mod sh, ix mod sw). Pixels are therefore processed phase by phase, each
// phase against its own packed sub-filter holding just its taps: no work on
// taps that can never contribute (a 3x3 stride-2 layer would otherwise spend
// three quarters of its multiply-adds on zeros). Stride 1 is the single phase
// with every tap.
//
// `table` (written by the wrapper) holds 4 i32 per phase ph = ry*sw + rx:
// [first item, offset of its packed sub-filter in floats, its K, unused].
import { gemmPanel, MR, NR } from './gemm';
import { imin } from './common';
import { ACT_LINEAR } from './activation';
import { OUTSIDE, packTap, pixel, zeroBytes, zeroFill } from './conv';

// The output index o with o*stride == t, or OUTSIDE when t is negative, not a
// multiple of the stride, or past the output.
@inline function gatherIndex(t: i32, stride: i32, out: i32): i32 {
  if (t < 0) return OUTSIDE;
  const o = stride == 1 ? t : t / stride;
  return o * stride == t && o < out ? o : OUTSIDE;
}

/**
 * dx[n][h][w][cin] from dy[n][oh][ow][cout] and the filter packed per phase by
 * conv2d_pack_filter_phases_f32. scratch: zeroBytes(cout) + 16*cin + 16*Kmax
 * bytes (Kmax: the largest phase K). Range items: per phase, ceil(pixels / 4)
 * groups of that phase's input pixels, phases in order.
 */
export function conv2d_backprop_input_f32(dy: usize, packed: usize, table: usize, dx: usize, n: i32, h: i32,
  w: i32, cin: i32, oh: i32, ow: i32, cout: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32,
  pl: i32, scratch: usize, start: i32, end: i32): void {
  const zero = scratch;
  zeroFill(zero, cout);
  const tile = scratch + zeroBytes(cout);
  const panel = tile + (<usize>cin << 4);
  const phases = sh * sw;
  const image = <usize>oh * ow * cout << 2;
  const rowBytes = <usize>cin << 2;
  let ph = 0;
  for (let item = start; item < end; item++) {
    while (ph + 1 < phases && load<i32>(table + (<usize>(ph + 1) << 4)) <= item) ph++;
    const entry = table + (<usize>ph << 4);
    const first = load<i32>(entry), sub = packed + (<usize>load<i32>(entry, 4) << 2), k = load<i32>(entry, 8);
    const ry = ph / sw, rx = ph - ry * sw;
    const ah = (h - ry + sh - 1) / sh, aw = (w - rx + sw - 1) / sw, plane = ah * aw;
    const q0 = (item - first) * MR, mr = imin(MR, n * plane - q0);
    // Each pixel's dy image, its padded position, and where its dx row goes.
    let b0: usize = 0, b1: usize = 0, b2: usize = 0, b3: usize = 0;
    let d0: usize = 0, d1: usize = 0, d2: usize = 0, d3: usize = 0;
    let y0 = OUTSIDE, y1 = OUTSIDE, y2 = OUTSIDE, y3 = OUTSIDE;
    let x0 = OUTSIDE, x1 = OUTSIDE, x2 = OUTSIDE, x3 = OUTSIDE;
    for (let r = 0; r < mr; r++) {
      const q = q0 + r, b = q / plane, rem = q - b * plane, a = rem / aw;
      const iy = ry + a * sh, ix = rx + (rem - a * aw) * sw;
      const base = dy + <usize>b * image, dst = dx + (<usize>((b * h + iy) * w + ix) * cin << 2);
      if (r == 0) { b0 = base; d0 = dst; y0 = iy + pt; x0 = ix + pl; }
      else if (r == 1) { b1 = base; d1 = dst; y1 = iy + pt; x1 = ix + pl; }
      else if (r == 2) { b2 = base; d2 = dst; y2 = iy + pt; x2 = ix + pl; }
      else { b3 = base; d3 = dst; y3 = iy + pt; x3 = ix + pl; }
    }
    if (k == 0) {
      // No tap reaches this phase: its dx is zero.
      for (let r = 0; r < mr; r++) {
        const d = r == 0 ? d0 : r == 1 ? d1 : r == 2 ? d2 : d3;
        zeroFill(d, cin & ~3);
        for (let c = cin & ~3; c < cin; c++) store<f32>(d + (<usize>c << 2), 0);
      }
      continue;
    }
    let out = panel;
    for (let i = 0; i < fh; i++) {
      const di = i * dh;
      if ((ry + pt - di) % sh != 0) continue;
      const o0 = gatherIndex(y0 - di, sh, oh), o1 = gatherIndex(y1 - di, sh, oh);
      const o2 = gatherIndex(y2 - di, sh, oh), o3 = gatherIndex(y3 - di, sh, oh);
      for (let j = 0; j < fw; j++) {
        const dj = j * dw;
        if ((rx + pl - dj) % sw != 0) continue;
        packTap(out,
          pixel(b0, o0, gatherIndex(x0 - dj, sw, ow), oh, ow, cout, zero),
          pixel(b1, o1, gatherIndex(x1 - dj, sw, ow), oh, ow, cout, zero),
          pixel(b2, o2, gatherIndex(x2 - dj, sw, ow), oh, ow, cout, zero),
          pixel(b3, o3, gatherIndex(x3 - dj, sw, ow), oh, ow, cout, zero), cout);
        out += <usize>cout << 4;
      }
    }
    if (phases == 1) {
      // One phase: the group's dx rows are consecutive.
      gemmPanel(panel, sub, d0, cin, mr, cin, k, 0, ACT_LINEAR, 0, false);
    } else {
      gemmPanel(panel, sub, tile, cin, mr, cin, k, 0, ACT_LINEAR, 0, false);
      memory.copy(d0, tile, rowBytes);
      if (mr > 1) memory.copy(d1, tile + rowBytes, rowBytes);
      if (mr > 2) memory.copy(d2, tile + 2 * rowBytes, rowBytes);
      if (mr > 3) memory.copy(d3, tile + 3 * rowBytes, rowBytes);
    }
  }
}

/**
 * Packs filter f ([fh][fw][cin][cout]) once per phase: rows (i, j, co) over
 * that phase's taps, columns ci, i.e. B(k, ci) = f[i][j][ci][co], in
 * gemm_pack_b_f32's layout ([panel of 8 ci][k][8], zero-padded), at the
 * table's offset. Range items: sh*sw*ceil(cin/8) panels.
 */
export function conv2d_pack_filter_phases_f32(f: usize, table: usize, fh: i32, fw: i32, cin: i32, cout: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, packed: usize, start: i32, end: i32): void {
  const np = (cin + NR - 1) / NR;
  for (let item = start; item < end; item++) {
    const ph = item / np, p = item - ph * np;
    const ry = ph / sw, rx = ph - ry * sw;
    const entry = table + (<usize>ph << 4);
    const k = load<i32>(entry, 8);
    const c0 = p * NR, wd = imin(NR, cin - c0);
    let out = packed + ((<usize>load<i32>(entry, 4) + <usize>p * k * NR) << 2);
    for (let i = 0; i < fh; i++) {
      if ((ry + pt - i * dh) % sh != 0) continue;
      for (let j = 0; j < fw; j++) {
        if ((rx + pl - j * dw) % sw != 0) continue;
        const src = f + (<usize>((i * fw + j) * cin + c0) * cout << 2);
        for (let co = 0; co < cout; co++) {
          const col = src + (<usize>co << 2);
          for (let jj = 0; jj < NR; jj++) {
            store<f32>(out + (<usize>jj << 2), jj < wd ? load<f32>(col + (<usize>jj * cout << 2)) : 0);
          }
          out += 32;
        }
      }
    }
  }
}
