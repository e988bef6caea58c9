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
import { imin, loadPartial, storePartial } from './common';
import { ACT_LINEAR } from './activation';

/**
 * partial[chunk][K][cout] for K = fh*fw*cin; chunk c covers pixel blocks
 * [c*blocksPerChunk, (c+1)*blocksPerChunk). scratch: 16*blockLen bytes.
 * Range items: chunks * ceil(ceil(K/4) / group), chunk-major.
 */
export function conv2d_backprop_filter_f32(x: usize, packedDy: usize, partial: usize, n: i32, h: i32, w: i32,
  cin: i32, oh: i32, ow: i32, cout: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  blockLen: i32, blocksPerChunk: i32, group: i32, scratch: usize, start: i32, end: i32): void {
  const k = fh * fw * cin, kp = (k + MR - 1) / MR, groups = (kp + group - 1) / group;
  const total = n * oh * ow, plane = oh * ow;
  const blocks = (total + blockLen - 1) / blockLen;
  const np = (cout + NR - 1) / NR;
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
          packRowsContiguous(x, scratch, len, b, oy, ox, h, w, cin, oh, ow, sh, sw, i * dh - pt, j * dw - pl, ci0);
        } else {
          packRowsScattered(x, scratch, len, b, oy, ox, h, w, cin, oh, ow, sh, sw, dh, dw, pt, pl, fw, k0, mr);
        }
        gemmPanel(scratch, pb, dst + (<usize>k0 * cout << 2), cout, mr, cout, len, 0, ACT_LINEAR, 0, blk > blk0);
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
