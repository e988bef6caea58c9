// 2-D max and average pooling (NHWC), forward and backprop, with the
// TensorFlow.js cpu semantics:
// - max keeps the first strictly greater value in row-major window order,
//   starting from -Infinity: NaN inputs are skipped, and a window of NaN (or
//   nothing) gives -Infinity. The gradient goes to that first maximum only.
//   A 1x1 window over an unchanged shape is the identity (NaN passes through).
// - average divides by the number of window positions inside the image
//   (padding is not counted); 0/0 = NaN for a window that is all padding.
//   Its gradient uses the same divisor (the exact gradient of the forward).
// Vectors run over 4 channels.
import { imax, imin, loadPartial, storePartial } from './common';

// max: keep v where it is strictly greater (false for NaN, so NaN is skipped).
@inline function maxStep(m: v128, v: v128): v128 {
  return v128.bitselect(v, m, f32x4.gt(v, m));
}

// One window step and the window's result: the running maximum, or the sum
// divided by the window's count (isMax is a constant at each call site).
@inline function poolStep(isMax: bool, acc: v128, v: v128): v128 {
  return isMax ? maxStep(acc, v) : f32x4.add(acc, v);
}

@inline function poolResult(isMax: bool, acc: v128, count: v128): v128 {
  return isMax ? acc : f32x4.div(acc, count);
}

// The forward pass of both poolings: every window of output row `item`,
// sixteen channels at a time and then four, each lane seeing the window in
// the same row-major order.
@inline function poolForward(isMax: bool, x: usize, y: usize, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32, start: i32, end: i32): void {
  const identity = isMax && fh == 1 && fw == 1 && oh == h && ow == w;
  const rowBytes = <usize>w * c << 2, colBytes = <usize>c << 2;
  const init = f32x4.splat(isMax ? f32.NEGATIVE_INFINITY : 0);
  for (let item = start; item < end; item++) {
    const b = item / oh, oy = item - b * oh;
    const img = x + (<usize>b * h * w * c << 2);
    let out = y + (<usize>item * ow * c << 2);
    const y0 = imax(0, oy * sh - pt), y1 = imin(h, oy * sh - pt + fh);
    for (let ox = 0; ox < ow; ox++) {
      const x0 = imax(0, ox * sw - pl), x1 = imin(w, ox * sw - pl + fw);
      const win = img + (<usize>(y0 * w + x0) * c << 2);
      if (identity) {
        // tfjs returns x itself here, whatever the padding says.
        memory.copy(out, img + (<usize>(oy * w + ox) * c << 2), colBytes);
        out += colBytes;
        continue;
      }
      const count = f32x4.splat(<f32>(imax(0, y1 - y0) * imax(0, x1 - x0)));
      let ch = 0;
      for (; ch + 16 <= c; ch += 16) {
        let a0 = init, a1 = init, a2 = init, a3 = init;
        let row = win + (<usize>ch << 2);
        for (let iy = y0; iy < y1; iy++) {
          let p = row;
          for (let ix = x0; ix < x1; ix++) {
            a0 = poolStep(isMax, a0, v128.load(p));
            a1 = poolStep(isMax, a1, v128.load(p, 16));
            a2 = poolStep(isMax, a2, v128.load(p, 32));
            a3 = poolStep(isMax, a3, v128.load(p, 48));
            p += colBytes;
          }
          row += rowBytes;
        }
        const o = out + (<usize>ch << 2);
        v128.store(o, poolResult(isMax, a0, count));
        v128.store(o, poolResult(isMax, a1, count), 16);
        v128.store(o, poolResult(isMax, a2, count), 32);
        v128.store(o, poolResult(isMax, a3, count), 48);
      }
      for (; ch < c; ch += 4) {
        const wd = imin(4, c - ch);
        let a = init;
        let row = win + (<usize>ch << 2);
        for (let iy = y0; iy < y1; iy++) {
          let p = row;
          for (let ix = x0; ix < x1; ix++) {
            a = poolStep(isMax, a, loadPartial(p, wd));
            p += colBytes;
          }
          row += rowBytes;
        }
        storePartial(out + (<usize>ch << 2), poolResult(isMax, a, count), wd);
      }
      out += colBytes;
    }
  }
}

/** Range items: n*oh output rows. */
export function max_pool2d_f32(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32, start: i32, end: i32): void {
  poolForward(true, x, y, h, w, c, oh, ow, fh, fw, sh, sw, pt, pl, start, end);
}

/** Range items: n*oh output rows. */
export function avg_pool2d_f32(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32, start: i32, end: i32): void {
  poolForward(false, x, y, h, w, c, oh, ow, fh, fw, sh, sw, pt, pl, start, end);
}

/**
 * dx of max pooling: each image's group of 16 channels scatters dy to the
 * first maximum of every window (items own disjoint dx, so no races). When
 * windows cannot overlap each dx is written once instead of accumulated, and
 * when they tile the image exactly nothing needs zeroing first.
 * Range items: n * ceil(c/16).
 */
export function max_pool2d_backprop_f32(x: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32,
  oh: i32, ow: i32, fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32, start: i32, end: i32): void {
  const groups = (c + 15) >> 4;
  const zero = f32x4.splat(0);
  const colBytes = <usize>c << 2, rowBytes = <usize>w * c << 2;
  const disjoint = sh >= fh && sw >= fw;
  const tiled = disjoint && sh == fh && sw == fw && pt == 0 && pl == 0 && oh * sh == h && ow * sw == w;
  for (let item = start; item < end; item++) {
    const b = item / groups, c0 = (item - b * groups) << 4, c1 = imin(c, c0 + 16);
    const img = x + (<usize>(b * h * w * c + c0) << 2);
    const dimg = dx + (<usize>(b * h * w * c + c0) << 2);
    let g = dy + (<usize>(b * oh * ow * c + c0) << 2);
    if (!tiled) {
      for (let p = 0; p < h * w; p++) {
        const d = dimg + <usize>p * colBytes;
        for (let ch = c0; ch < c1; ch += 4) storePartial(d + (<usize>(ch - c0) << 2), zero, imin(4, c1 - ch));
      }
    }
    for (let oy = 0; oy < oh; oy++) {
      const y0 = imax(0, oy * sh - pt), y1 = imin(h, oy * sh - pt + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = imax(0, ox * sw - pl), x1 = imin(w, ox * sw - pl + fw);
        const corner = <usize>(y0 * w + x0) * colBytes;
        for (let ch = c0; ch < c1; ch += 4) {
          const wd = imin(4, c1 - ch), off = corner + (<usize>(ch - c0) << 2);
          // Window positions are numbered row-major from 0; `at` keeps the first maximum's.
          let m = f32x4.splat(f32.NEGATIVE_INFINITY);
          let at = i32x4.splat(-1);
          let row = img + off, pos = 0;
          for (let iy = y0; iy < y1; iy++) {
            let p = row;
            for (let ix = x0; ix < x1; ix++) {
              const v = loadPartial(p, wd);
              const gt = f32x4.gt(v, m);
              m = v128.bitselect(v, m, gt);
              at = v128.bitselect(i32x4.splat(pos), at, gt);
              p += colBytes;
              pos++;
            }
            row += rowBytes;
          }
          const gv = loadPartial(g + (<usize>(ch - c0) << 2), wd);
          row = dimg + off;
          pos = 0;
          for (let iy = y0; iy < y1; iy++) {
            let d = row;
            for (let ix = x0; ix < x1; ix++) {
              const hit = v128.and(gv, i32x4.eq(at, i32x4.splat(pos)));
              storePartial(d, disjoint ? hit : f32x4.add(loadPartial(d, wd), hit), wd);
              d += colBytes;
              pos++;
            }
            row += rowBytes;
          }
        }
        g += colBytes;
      }
    }
  }
}

/**
 * dx of average pooling, gathered per input pixel from the windows that
 * contain it (each window's dy divided by its in-image size, added in window
 * order). Range items: n*h input rows.
 */
export function avg_pool2d_backprop_f32(dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32,
  oh: i32, ow: i32, fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32, start: i32, end: i32): void {
  const colBytes = <usize>c << 2;
  for (let item = start; item < end; item++) {
    const b = item / h, iy = item - b * h;
    const img = dy + (<usize>b * oh * ow * c << 2);
    let out = dx + (<usize>item * w * c << 2);
    // Windows oy with oy*sh - pt <= iy < oy*sh - pt + fh.
    const oy0 = imax(0, firstWindow(iy + pt - fh + 1, sh)), oy1 = imin(oh - 1, (iy + pt) / sh);
    for (let ix = 0; ix < w; ix++) {
      const ox0 = imax(0, firstWindow(ix + pl - fw + 1, sw)), ox1 = imin(ow - 1, (ix + pl) / sw);
      let first = true;
      for (let oy = oy0; oy <= oy1; oy++) {
        const rows = imin(h, oy * sh - pt + fh) - imax(0, oy * sh - pt);
        for (let ox = ox0; ox <= ox1; ox++) {
          const cols = imin(w, ox * sw - pl + fw) - imax(0, ox * sw - pl);
          addShare(out, img + <usize>(oy * ow + ox) * colBytes, f32x4.splat(<f32>(rows * cols)), c, first);
          first = false;
        }
      }
      if (first) {
        // In no window (stride larger than the window): no gradient.
        for (let ch = 0; ch < c; ch += 4) storePartial(out + (<usize>ch << 2), f32x4.splat(0), imin(4, c - ch));
      }
      out += colBytes;
    }
  }
}

// d[ch] = g[ch] / count (first window) or d[ch] += g[ch] / count, over c channels.
@inline function addShare(d: usize, g: usize, count: v128, c: i32, first: bool): void {
  for (let ch = 0; ch < c; ch += 4) {
    const wd = imin(4, c - ch), o = <usize>ch << 2;
    let v = f32x4.div(loadPartial(g + o, wd), count);
    if (!first) v = f32x4.add(loadPartial(d + o, wd), v);
    storePartial(d + o, v, wd);
  }
}

// ceil(t / s) for any sign of t (s > 0).
@inline function firstWindow(t: i32, s: i32): i32 {
  return t <= 0 ? -((-t) / s) : (t + s - 1) / s;
}
