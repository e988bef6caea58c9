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
import { ACT_LINEAR, activate } from './activation';

// Input lanes for output channels o..o+wd-1 of the pixel at p.
@inline function loadIn(p: usize, o: i32, mult: i32, wd: i32): v128 {
  if (mult == 1) return loadPartial(p + (<usize>o << 2), wd);
  let v = f32x4.splat(0);
  if (wd <= 0) return v;
  // o is a multiple of 4: with mult 2 the lanes are channels c, c, c+1, c+1;
  // with mult a multiple of 4 all four lanes are one channel.
  if (wd == 4 && mult == 2) {
    const pair = v128.load64_zero(p + (<usize>(o >> 1) << 2));
    return i32x4.shuffle(pair, pair, 0, 0, 1, 1);
  }
  if ((mult & 3) == 0) return v128.load32_splat(p + (<usize>(o / mult) << 2));
  v = f32x4.replace_lane(v, 0, load<f32>(p + (<usize>(o / mult) << 2)));
  if (wd > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + (<usize>((o + 1) / mult) << 2)));
  if (wd > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + (<usize>((o + 2) / mult) << 2)));
  if (wd > 3) v = f32x4.replace_lane(v, 3, load<f32>(p + (<usize>((o + 3) / mult) << 2)));
  return v;
}

// Lanes p[(c+l)*mult + q] for l < wd: the multiplier-q outputs of channels c..c+3.
@inline function loadStrided(p: usize, c: i32, q: i32, mult: i32, wd: i32): v128 {
  if (mult == 1) return loadPartial(p + (<usize>c << 2), wd);
  let v = f32x4.splat(0);
  if (wd <= 0) return v;
  if (wd == 4 && mult == 2) {
    // Eight consecutive values, every other one.
    const a = p + (<usize>(c << 1) << 2);
    const lo = v128.load(a), hi = v128.load(a, 16);
    return q == 0 ? i32x4.shuffle(lo, hi, 0, 2, 4, 6) : i32x4.shuffle(lo, hi, 1, 3, 5, 7);
  }
  const s = <usize>mult << 2;
  const a = p + (<usize>(c * mult + q) << 2);
  v = f32x4.replace_lane(v, 0, load<f32>(a));
  if (wd > 1) v = f32x4.replace_lane(v, 1, load<f32>(a + s));
  if (wd > 2) v = f32x4.replace_lane(v, 2, load<f32>(a + 2 * s));
  if (wd > 3) v = f32x4.replace_lane(v, 3, load<f32>(a + 3 * s));
  return v;
}

// The passes (16 output channels each, from 0) that can use plain loads:
// whole vectors of one input channel each (the same sums, so a channel's
// value does not depend on which path computed it). The kernels run those
// passes and the rest as two loops over passes specialised for the answer,
// which keeps the test out of the tap loop.
@inline function plainEnd(mult: i32, cout: i32): i32 {
  return mult == 1 ? cout & ~15 : 0;
}

// acc + the product, for output channels o + 4k.. (wd of them, k a constant),
// of input pixel xp (xo = its channel o) and the 4 values at w + 16k (filter
// taps forward, output gradients for the filter's gradient).
@inline function tapGroup(acc: v128, xp: usize, xo: usize, w: usize, k: i32, o: i32, mult: i32, wd: i32, plain: bool): v128 {
  if (plain) return madd(load16k(xo, k), load16k(w, k), acc);
  return madd(loadIn(xp, o + (k << 2), mult, wd), loadPartial(w + (<usize>k << 4), wd), acc);
}

// v128.load(p + 16k) for a constant k, the offset in the instruction.
@inline function load16k(p: usize, k: i32): v128 {
  return k == 0 ? v128.load(p) : k == 1 ? v128.load(p, 16) : k == 2 ? v128.load(p, 32) : v128.load(p, 48);
}

// One forward pass: output channels o..o+15 of one pixel over its ni x nj
// taps inside the image (from input xr and filter row fr), the sums to out.
@inline function forwardPass(plain: bool, xr: usize, fr: usize, out: usize, o: i32, cout: i32, mult: i32, ni: i32, nj: i32,
  rowStep: usize, colStep: usize, tapStep: usize, fw: i32): void {
  const w0 = lanes(cout - o), w1 = lanes(cout - o - 4), w2 = lanes(cout - o - 8), w3 = lanes(cout - o - 12);
  const zero = f32x4.splat(0), oo = <usize>o << 2;
  fr += oo;
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  for (let i = 0; i < ni; i++, xr += rowStep, fr += <usize>fw * tapStep) {
    let xp = xr, fp = fr;
    for (let j = 0; j < nj; j++, xp += colStep, fp += tapStep) {
      const xo = xp + oo;
      a0 = tapGroup(a0, xp, xo, fp, 0, o, mult, w0, plain);
      a1 = tapGroup(a1, xp, xo, fp, 1, o, mult, w1, plain);
      a2 = tapGroup(a2, xp, xo, fp, 2, o, mult, w2, plain);
      a3 = tapGroup(a3, xp, xo, fp, 3, o, mult, w3, plain);
    }
  }
  store16(out + oo, w0, w1, w2, w3, a0, a1, a2, a3);
}

// Bias and activation of wd sums at p, in place: after the specialised
// passes, so the inlined activations are compiled once.
@inline function finishGroup(p: usize, bias: usize, bp: usize, wd: i32, act: i32, alpha: f32): void {
  storePartial(p, epilogue(loadPartial(p, wd), bias, bp, wd, act, alpha), wd);
}

// One pass of the filter's gradient: output channels o..o+15 over the chunk's
// len output pixels from (oy0, ox0) of image img (gradients from g), to op.
@inline function filterPass(plain: bool, img: usize, g: usize, out: usize, o: i32, cout: i32, mult: i32, len: i32,
  oy0: i32, ox0: i32, h: i32, w: i32, cin: i32, oh: i32, ow: i32, sh: i32, sw: i32, offY: i32, offX: i32): void {
  const w0 = lanes(cout - o), w1 = lanes(cout - o - 4), w2 = lanes(cout - o - 8), w3 = lanes(cout - o - 12);
  const zero = f32x4.splat(0), oo = <usize>o << 2, image = <usize>h * w * cin << 2;
  g += oo;
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  let oy = oy0, ox = ox0, iy = oy0 * sh + offY;
  for (let q = 0; q < len; q++) {
    const ix = ox * sw + offX;
    if (<u32>iy < <u32>h && <u32>ix < <u32>w) {
      const xp = img + (<usize>(iy * w + ix) * cin << 2), xo = xp + oo;
      a0 = tapGroup(a0, xp, xo, g, 0, o, mult, w0, plain);
      a1 = tapGroup(a1, xp, xo, g, 1, o, mult, w1, plain);
      a2 = tapGroup(a2, xp, xo, g, 2, o, mult, w2, plain);
      a3 = tapGroup(a3, xp, xo, g, 3, o, mult, w3, plain);
    }
    g += <usize>cout << 2;
    if (++ox == ow) {
      ox = 0;
      iy += sh;
      if (++oy == oh) { oy = 0; iy = offY; img += image; }
    }
  }
  store16(out + oo, w0, w1, w2, w3, a0, a1, a2, a3);
}

// The 16-channel group's accumulators, lanes w0..w3 of each.
@inline function store16(op: usize, w0: i32, w1: i32, w2: i32, w3: i32, a0: v128, a1: v128, a2: v128, a3: v128): void {
  storePartial(op, a0, w0);
  if (w1 > 0) storePartial(op + 16, a1, w1);
  if (w2 > 0) storePartial(op + 32, a2, w2);
  if (w3 > 0) storePartial(op + 48, a3, w3);
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
    // The taps inside the image along y, the same for the whole output row.
    const y0 = oy * sh - pt, i0 = firstTap(y0, dh), i1 = endTap(y0, dh, h, fh);
    const rowStep = <usize>dh * w * cin << 2, colStep = <usize>dw * cin << 2, tapStep = <usize>cout << 2;
    for (let ox = 0; ox < ow; ox++) {
      // The taps inside along x, found once per pixel rather than per tap and channel group.
      const x0 = ox * sw - pl, j0 = firstTap(x0, dw), j1 = endTap(x0, dw, w, fw);
      const first = img + (<usize>((y0 + i0 * dh) * w + x0 + j0 * dw) * cin << 2);
      // 16 channels per pass: four accumulators amortise the tap bookkeeping.
      const fr = f + (<usize>((i0 * fw + j0) * cout) << 2), ni = i1 - i0, nj = j1 - j0;
      let o = 0;
      for (; o < plainEnd(mult, cout); o += 16) forwardPass(true, first, fr, out, o, cout, mult, ni, nj, rowStep, colStep, tapStep, fw);
      for (; o < cout; o += 16) forwardPass(false, first, fr, out, o, cout, mult, ni, nj, rowStep, colStep, tapStep, fw);
      if (bias != 0 || act != ACT_LINEAR) {
        for (o = 0; o < cout; o += 4) finishGroup(out + (<usize>o << 2), bias, bias + (<usize>o << 2), lanes(cout - o), act, alpha);
      }
      out += <usize>cout << 2;
    }
  }
}

// The output position whose window reaches an input pixel through a tap
// (t = input + pad - tap offset): t / stride when t is a non-negative multiple
// of the stride below out, else -1.
@inline function gatherIndex(t: i32, stride: i32, out: i32): i32 {
  if (t < 0) return -1;
  const o = stride == 1 ? t : t / stride;
  return o * stride == t && o < out ? o : -1;
}

// The first tap k (offset p + k*d) at or past 0, and one past the last below n
// (with at most `taps` taps); an empty range when none is inside.
@inline function firstTap(p: i32, d: i32): i32 {
  return p >= 0 ? 0 : (-p + d - 1) / d;
}
@inline function endTap(p: i32, d: i32, n: i32, taps: i32): i32 {
  return p >= n ? 0 : imin(taps, (n - 1 - p) / d + 1);
}

// Lanes of a 4-vector that fall below the channel count (n channels left).
@inline function lanes(n: i32): i32 {
  return n < 0 ? 0 : n > 4 ? 4 : n;
}

@inline function epilogue(acc: v128, bias: usize, bp: usize, wd: i32, act: i32, alpha: f32): v128 {
  if (bias != 0) acc = f32x4.add(acc, loadPartial(bp, wd));
  return activate(act, acc, alpha);
}

/**
 * dx[n][h][w][cin] = Σ over taps and multipliers of dy · f, gathered per
 * input pixel (no races). Range items: n*h input rows.
 */
export function depthwise_conv2d_backprop_input_f32(dy: usize, f: usize, dx: usize, n: i32, h: i32, w: i32,
  cin: i32, oh: i32, ow: i32, mult: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  start: i32, end: i32): void {
  const cout = cin * mult;
  const zero = f32x4.splat(0);
  for (let item = start; item < end; item++) {
    const b = item / h, iy = item - b * h;
    const img = dy + (<usize>b * oh * ow * cout << 2);
    let out = dx + (<usize>item * w * cin << 2);
    for (let ix = 0; ix < w; ix++) {
      for (let c = 0; c < cin; c += 16) {
        const w0 = lanes(cin - c), w1 = lanes(cin - c - 4), w2 = lanes(cin - c - 8), w3 = lanes(cin - c - 12);
        let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
        const plain = mult == 1 && w3 == 4;
        for (let i = 0; i < fh; i++) {
          const oy = gatherIndex(iy + pt - i * dh, sh, oh);
          if (oy < 0) continue;
          for (let j = 0; j < fw; j++) {
            const ox = gatherIndex(ix + pl - j * dw, sw, ow);
            if (ox < 0) continue;
            const g = img + (<usize>(oy * ow + ox) * cout << 2);
            const fp = f + (<usize>(i * fw + j) * cout << 2);
            if (plain) {
              const go = g + (<usize>c << 2), fo = fp + (<usize>c << 2);
              a0 = madd(v128.load(go), v128.load(fo), a0);
              a1 = madd(v128.load(go, 16), v128.load(fo, 16), a1);
              a2 = madd(v128.load(go, 32), v128.load(fo, 32), a2);
              a3 = madd(v128.load(go, 48), v128.load(fo, 48), a3);
            } else {
              for (let q = 0; q < mult; q++) {
                a0 = madd(loadStrided(g, c, q, mult, w0), loadStrided(fp, c, q, mult, w0), a0);
                a1 = madd(loadStrided(g, c + 4, q, mult, w1), loadStrided(fp, c + 4, q, mult, w1), a1);
                a2 = madd(loadStrided(g, c + 8, q, mult, w2), loadStrided(fp, c + 8, q, mult, w2), a2);
                a3 = madd(loadStrided(g, c + 12, q, mult, w3), loadStrided(fp, c + 12, q, mult, w3), a3);
              }
            }
          }
        }
        store16(out + (<usize>c << 2), w0, w1, w2, w3, a0, a1, a2, a3);
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
    // 16 channels per pass over the chunk; each lane sums its pixels in
    // order, so neither the grouping nor the split changes a value.
    const img = x + <usize>b0 * image, g = dy + (<usize>(p0 * cout) << 2);
    let o = 0;
    for (; o < plainEnd(mult, cout); o += 16) filterPass(true, img, g, out, o, cout, mult, len, oy0, ox0, h, w, cin, oh, ow, sh, sw, offY, offX);
    for (; o < cout; o += 16) filterPass(false, img, g, out, o, cout, mult, len, oy0, ox0, h, w, cin, oh, ow, sh, sw, offY, offX);
  }
}
