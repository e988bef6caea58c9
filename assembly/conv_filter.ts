// conv2d backprop filter: dW[(tap, ci)][co] = Σ_pixels x[pixel + tap][ci] · dy[pixel][co],
// a GEMM whose reduction runs over every output pixel of the batch.
//
// The reduction is cut into blocks of `blockLen` pixels (dy packed per block
// by gemm_pack_b_f32: [block][panel of 8 co][pixel][8]) and the blocks into a
// number of chunks chosen from the problem size alone, never from the thread
// count. A work item computes one chunk's partial dW for a group of 4-row
// filter panels: block by block, it gathers each panel's inputs ([pixel][4])
// from x into scratch and accumulates through gemmPanel, so a block of packed
// dy is reused from cache by every panel of the group. Each chunk writes its
// own partial; conv2d_sum_chunks_f32 adds them in chunk order, so the result
// is the same bytes whatever the split (the panel grouping never changes a
// sum).
import { gemmPanel, MR, NR } from './gemm';
import { packTap } from './conv';
import { imin, loadPartial, storePartial } from './common';
import { ACT_LINEAR } from './activation';

/**
 * partial[chunk][K][cout] for K = fh*fw*cin; chunk c covers pixel blocks
 * [c*blocksPerChunk, (c+1)*blocksPerChunk). scratch: 16 + 16*blockLen bytes.
 * Range items: chunks * ceil(ceil(K/4) / group), chunk-major.
 */
export function conv2d_backprop_filter_f32(x: usize, packedDy: usize, partial: usize, n: i32, h: i32, w: i32,
  cin: i32, oh: i32, ow: i32, cout: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  blockLen: i32, blocksPerChunk: i32, group: i32, scratch: usize, start: i32, end: i32): void {
  const k = fh * fw * cin, kp = (k + MR - 1) / MR, groups = (kp + group - 1) / group;
  const total = n * oh * ow, plane = oh * ow;
  const blocks = (total + blockLen - 1) / blockLen;
  const np = (cout + NR - 1) / NR;
  const zero = scratch, panelA = scratch + 16;
  v128.store(zero, f32x4.splat(0));
  for (let item = start; item < end; item++) {
    const c = item / groups, g0 = (item - c * groups) * group, g1 = imin(kp, g0 + group);
    const blk0 = c * blocksPerChunk, blk1 = imin(blocks, blk0 + blocksPerChunk);
    const dst = partial + (<usize>c * k * cout << 2);
    for (let blk = blk0; blk < blk1; blk++) {
      const p0 = blk * blockLen, len = imin(blockLen, total - p0);
      const b = p0 / plane, rem = p0 - b * plane, oy = rem / ow, ox = rem - oy * ow;
      const pb = packedDy + (<usize>p0 * np * NR << 2);
      for (let panel = g0; panel < g1; panel++) {
        const k0 = panel * MR, mr = imin(MR, k - k0);
        const ci0 = k0 % cin;
        if (mr == MR && ci0 + MR <= cin) {
          const tap = k0 / cin, i = tap / fw, j = tap - i * fw;
          packRowsContiguous(x, panelA, len, b, oy, ox, h, w, cin, oh, ow, sh, sw, i * dh - pt, j * dw - pl, ci0);
        } else if (cin == 1 && sw == 1) {
          packRowsOneChannel(x, panelA, zero, len, b, oy, ox, h, w, oh, ow, sh, dh, dw, pt, pl, fw, k0, mr);
        } else {
          packRowsScattered(x, panelA, len, b, oy, ox, h, w, cin, oh, ow, sh, sw, dh, dw, pt, pl, fw, k0, mr);
        }
        gemmPanel(panelA, pb, dst + (<usize>k0 * cout << 2), cout, mr, cout, len, 0, ACT_LINEAR, 0, blk > blk0);
      }
    }
  }
}

// The 4 filter rows are channels ci0..ci0+3 of one tap: one vector per pixel.
@inline function packRowsContiguous(x: usize, out: usize, len: i32, b: i32, oy: i32, ox: i32,
  h: i32, w: i32, cin: i32, oh: i32, ow: i32, sh: i32, sw: i32, offY: i32, offX: i32, ci0: i32): void {
  const zero = f32x4.splat(0);
  const image = <usize>h * w * cin;
  let base = x + ((<usize>b * image + ci0) << 2);
  let iy = oy * sh + offY;
  for (let q = 0; q < len; q++) {
    const ix = ox * sw + offX;
    const v = <u32>iy < <u32>h && <u32>ix < <u32>w ? v128.load(base + (<usize>(iy * w + ix) * cin << 2)) : zero;
    v128.store(out + (<usize>q << 4), v);
    if (++ox == ow) {
      ox = 0;
      iy += sh;
      if (++oy == oh) { oy = 0; iy = offY; base += image << 2; }
    }
  }
}

// One input channel, stride 1: the 4 rows are 4 taps, and 4 pixels adjacent
// in an output row read 4 adjacent inputs per tap, so away from the borders
// the panel is built from whole vectors transposed in registers (packTap);
// elsewhere pixel by pixel. Rows past mr read the zero vector.
@inline function packRowsOneChannel(x: usize, out: usize, zero: usize, len: i32, b: i32, oy: i32, ox: i32,
  h: i32, w: i32, oh: i32, ow: i32, sh: i32, dh: i32, dw: i32, pt: i32, pl: i32, fw: i32, k0: i32, mr: i32): void {
  const image = <usize>h * w << 2;
  // Offsets of rows 0..3 (OUTSIDE-like huge negatives for rows past mr).
  const t1 = k0 + 1, t2 = k0 + 2, t3 = k0 + 3;
  const i0 = k0 / fw, i1 = t1 / fw, i2 = t2 / fw, i3 = t3 / fw;
  const far = -(1 << 30);
  const fy0 = i0 * dh - pt, fx0 = (k0 - i0 * fw) * dw - pl;
  const fy1 = mr > 1 ? i1 * dh - pt : far, fx1 = (t1 - i1 * fw) * dw - pl;
  const fy2 = mr > 2 ? i2 * dh - pt : far, fx2 = (t2 - i2 * fw) * dw - pl;
  const fy3 = mr > 3 ? i3 * dh - pt : far, fx3 = (t3 - i3 * fw) * dw - pl;
  let img = x + <usize>b * image;
  let q = 0;
  while (q < len) {
    const cy = oy * sh;
    const y0 = cy + fy0, y1 = cy + fy1, y2 = cy + fy2, y3 = cy + fy3;
    const o = out + (<usize>q << 4);
    if (q + 4 <= len && ox + 4 <= ow &&
      inSpan(y0, ox + fx0, h, w) && inSpan(y1, ox + fx1, h, w) && inSpan(y2, ox + fx2, h, w) && inSpan(y3, ox + fx3, h, w)) {
      packTap(o, at(img, y0, ox + fx0, w, zero), at(img, y1, ox + fx1, w, zero),
        at(img, y2, ox + fx2, w, zero), at(img, y3, ox + fx3, w, zero), 4);
      q += 4;
      ox += 4;
    } else {
      let v = f32x4.splat(0);
      v = f32x4.replace_lane(v, 0, value(img, y0, ox + fx0, h, w));
      v = f32x4.replace_lane(v, 1, value(img, y1, ox + fx1, h, w));
      v = f32x4.replace_lane(v, 2, value(img, y2, ox + fx2, h, w));
      v = f32x4.replace_lane(v, 3, value(img, y3, ox + fx3, h, w));
      v128.store(o, v);
      q++;
      ox++;
    }
    if (ox == ow) {
      ox = 0;
      if (++oy == oh) { oy = 0; img += image; }
    }
  }
}

// Whether 4 inputs from (iy, ix) lie in the image (a row past mr, iy far
// below zero, counts as in: it reads the zero vector).
@inline function inSpan(iy: i32, ix: i32, h: i32, w: i32): bool {
  return iy < -(1 << 29) || (<u32>iy < <u32>h && ix >= 0 && ix + 4 <= w);
}

@inline function at(img: usize, iy: i32, ix: i32, w: i32, zero: usize): usize {
  return iy < 0 ? zero : img + (<usize>(iy * w + ix) << 2);
}

@inline function value(img: usize, iy: i32, ix: i32, h: i32, w: i32): f32 {
  return <u32>iy < <u32>h && <u32>ix < <u32>w ? load<f32>(img + (<usize>(iy * w + ix) << 2)) : 0;
}

// General case (cin not a multiple of 4, or the last rows): each of the mr
// rows has its own tap and channel; rows past mr are zero.
@inline function packRowsScattered(x: usize, out: usize, len: i32, b: i32, oy: i32, ox: i32,
  h: i32, w: i32, cin: i32, oh: i32, ow: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  fw: i32, k0: i32, mr: i32): void {
  const image = <usize>h * w * cin;
  for (let r = 0; r < MR; r++) {
    const o = out + (<usize>r << 2);
    if (r >= mr) {
      for (let q = 0; q < len; q++) store<f32>(o + (<usize>q << 4), 0);
      continue;
    }
    const kk = k0 + r, tap = kk / cin, ci = kk - tap * cin, i = tap / fw, j = tap - i * fw;
    const offY = i * dh - pt, offX = j * dw - pl;
    let base = x + ((<usize>b * image + ci) << 2);
    let py = oy, px = ox, iy = oy * sh + offY;
    for (let q = 0; q < len; q++) {
      const ix = px * sw + offX;
      store<f32>(o + (<usize>q << 4),
        <u32>iy < <u32>h && <u32>ix < <u32>w ? load<f32>(base + (<usize>(iy * w + ix) * cin << 2)) : 0);
      if (++px == ow) {
        px = 0;
        iy += sh;
        if (++py == oh) { py = 0; iy = offY; base += image << 2; }
      }
    }
  }
}

/**
 * out[i] = Σ_c partial[c][i] over `chunks` partials of `count` floats, added
 * in chunk order. Range items: ceil(count / 4) groups of 4 floats.
 */
export function conv2d_sum_chunks_f32(partial: usize, out: usize, count: i32, chunks: i32, start: i32, end: i32): void {
  const stride = <usize>count << 2;
  for (let item = start; item < end; item++) {
    const i = item << 2, wd = imin(4, count - i);
    let p = partial + (<usize>i << 2);
    let acc = loadPartial(p, wd);
    for (let c = 1; c < chunks; c++) {
      p += stride;
      acc = f32x4.add(acc, loadPartial(p, wd));
    }
    storePartial(out + (<usize>i << 2), acc, wd);
  }
}
