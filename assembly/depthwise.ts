// Depthwise conv2d (NHWC, filter [fh][fw][cin][mult]): output channel
// o = c*mult + q reads input channel c = o / mult, so the filter is a
// [tap][cout] table indexed by o and each output value is a short dot product
// over the taps. Vectors run over 4 output channels; with mult > 1 the input
// lanes are gathered (x[o/mult]).
//
// Backprop filter reduces over every output pixel: as in conv_filter.ts the
// reduction is cut into chunks fixed by the problem size, each item writes
// its own partial, and conv2d_sum_chunks_f32 adds them in chunk order.
import { imin, loadPartial, madd, storePartial } from './common';
import { activate } from './activation';

// Input lanes for output channels o..o+wd-1 of the pixel at p.
@inline function loadIn(p: usize, o: i32, mult: i32, wd: i32): v128 {
  if (mult == 1) return loadPartial(p + (<usize>o << 2), wd);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p + (<usize>(o / mult) << 2)));
  if (wd > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + (<usize>((o + 1) / mult) << 2)));
  if (wd > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + (<usize>((o + 2) / mult) << 2)));
  if (wd > 3) v = f32x4.replace_lane(v, 3, load<f32>(p + (<usize>((o + 3) / mult) << 2)));
  return v;
}

// Lanes p[(c+l)*mult + q] for l < wd: the multiplier-q outputs of channels c..c+3.
@inline function loadStrided(p: usize, c: i32, q: i32, mult: i32, wd: i32): v128 {
  if (mult == 1) return loadPartial(p + (<usize>c << 2), wd);
  const s = <usize>mult << 2;
  const a = p + (<usize>(c * mult + q) << 2);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(a));
  if (wd > 1) v = f32x4.replace_lane(v, 1, load<f32>(a + s));
  if (wd > 2) v = f32x4.replace_lane(v, 2, load<f32>(a + 2 * s));
  if (wd > 3) v = f32x4.replace_lane(v, 3, load<f32>(a + 3 * s));
  return v;
}

/**
 * y[n][oh][ow][cin*mult] = act(depthwise(x, f) + bias); bias: 0 or cin*mult floats.
 * Range items: n*oh output rows.
 */
export function depthwise_conv2d_f32(x: usize, f: usize, y: usize, n: i32, h: i32, w: i32, cin: i32,
  oh: i32, ow: i32, mult: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  bias: usize, act: i32, alpha: f32, start: i32, end: i32): void {
  const cout = cin * mult;
  for (let item = start; item < end; item++) {
    const b = item / oh, oy = item - b * oh;
    const img = x + (<usize>b * h * w * cin << 2);
    let out = y + (<usize>item * ow * cout << 2);
    for (let ox = 0; ox < ow; ox++) {
      for (let o = 0; o < cout; o += 4) {
        const wd = imin(4, cout - o);
        let acc = f32x4.splat(0);
        for (let i = 0; i < fh; i++) {
          const iy = oy * sh - pt + i * dh;
          if (<u32>iy >= <u32>h) continue;
          for (let j = 0; j < fw; j++) {
            const ix = ox * sw - pl + j * dw;
            if (<u32>ix >= <u32>w) continue;
            const xv = loadIn(img + (<usize>(iy * w + ix) * cin << 2), o, mult, wd);
            acc = madd(xv, loadPartial(f + (<usize>((i * fw + j) * cout + o) << 2), wd), acc);
          }
        }
        if (bias != 0) acc = f32x4.add(acc, loadPartial(bias + (<usize>o << 2), wd));
        storePartial(out + (<usize>o << 2), activate(act, acc, alpha), wd);
      }
      out += <usize>cout << 2;
    }
  }
}

/**
 * dx[n][h][w][cin] = Σ over taps and multipliers of dy · f, gathered per
 * input pixel (no races). Range items: n*h input rows.
 */
export function depthwise_conv2d_backprop_input_f32(dy: usize, f: usize, dx: usize, n: i32, h: i32, w: i32,
  cin: i32, oh: i32, ow: i32, mult: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  start: i32, end: i32): void {
  const cout = cin * mult;
  for (let item = start; item < end; item++) {
    const b = item / h, iy = item - b * h;
    const img = dy + (<usize>b * oh * ow * cout << 2);
    let out = dx + (<usize>item * w * cin << 2);
    for (let ix = 0; ix < w; ix++) {
      for (let c = 0; c < cin; c += 4) {
        const wd = imin(4, cin - c);
        let acc = f32x4.splat(0);
        for (let i = 0; i < fh; i++) {
          const ty = iy + pt - i * dh;
          const oy = ty / sh;
          if (ty < 0 || oy * sh != ty || oy >= oh) continue;
          for (let j = 0; j < fw; j++) {
            const tx = ix + pl - j * dw;
            const ox = tx / sw;
            if (tx < 0 || ox * sw != tx || ox >= ow) continue;
            const g = img + (<usize>(oy * ow + ox) * cout << 2);
            const fp = f + (<usize>(i * fw + j) * cout << 2);
            for (let q = 0; q < mult; q++) {
              acc = madd(loadStrided(g, c, q, mult, wd), loadStrided(fp, c, q, mult, wd), acc);
            }
          }
        }
        storePartial(out + (<usize>c << 2), acc, wd);
      }
      out += <usize>cin << 2;
    }
  }
}

/**
 * partial[chunk][fh*fw][cout]: chunk c's share of dW over output pixels
 * [c*chunkLen, min(n*oh*ow, (c+1)*chunkLen)). Range items: chunks * fh*fw.
 */
export function depthwise_conv2d_backprop_filter_f32(x: usize, dy: usize, partial: usize, n: i32, h: i32, w: i32,
  cin: i32, oh: i32, ow: i32, mult: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  chunkLen: i32, start: i32, end: i32): void {
  const cout = cin * mult, taps = fh * fw;
  const total = n * oh * ow, plane = oh * ow;
  const image = <usize>h * w * cin << 2;
  for (let item = start; item < end; item++) {
    const c = item / taps, tap = item - c * taps, i = tap / fw, j = tap - i * fw;
    const offY = i * dh - pt, offX = j * dw - pl;
    const p0 = c * chunkLen, len = imin(chunkLen, total - p0);
    const b0 = p0 / plane, rem = p0 - b0 * plane, oy0 = rem / ow, ox0 = rem - oy0 * ow;
    const out = partial + (<usize>item * cout << 2);
    // Two vectors per pass over the chunk halve the pixel walks; every lane
    // still sums its pixels in order, so the split into passes cannot matter.
    for (let o = 0; o < cout; o += 8) {
      const wd0 = imin(4, cout - o), wd1 = imin(4, cout - o - 4);
      let acc0 = f32x4.splat(0), acc1 = acc0;
      let img = x + <usize>b0 * image;
      let g = dy + (<usize>p0 * cout << 2);
      let oy = oy0, ox = ox0, iy = oy0 * sh + offY;
      for (let q = 0; q < len; q++) {
        const ix = ox * sw + offX;
        if (<u32>iy < <u32>h && <u32>ix < <u32>w) {
          const xp = img + (<usize>(iy * w + ix) * cin << 2);
          acc0 = madd(loadIn(xp, o, mult, wd0), loadPartial(g + (<usize>o << 2), wd0), acc0);
          if (wd1 > 0) acc1 = madd(loadIn(xp, o + 4, mult, wd1), loadPartial(g + (<usize>(o + 4) << 2), wd1), acc1);
        }
        g += <usize>cout << 2;
        if (++ox == ow) {
          ox = 0;
          iy += sh;
          if (++oy == oh) { oy = 0; iy = offY; img += image; }
        }
      }
      storePartial(out + (<usize>o << 2), acc0, wd0);
      if (wd1 > 0) storePartial(out + (<usize>(o + 4) << 2), acc1, wd1);
    }
  }
}
