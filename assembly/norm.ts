// Layer and RMS normalisation over the last axis of [rows, d], one row per range
// item: the forward pass (keeping each row's mean and 1/sqrt(var + eps) for the
// backward) and the input gradient. Layer-norm statistics take two passes, the
// mean and then the mean square of x - mean, as moments() computes them, so a
// large offset does not cancel the variance away. One kernel instead of the
// eight ops of the composed form: a decoder step normalises twice per block.
import { imin, loadPartial, storePartial } from './common';

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// Σ (x - c)² (square) or Σ x over a row; the tail's dead lanes are masked out.
@inline function rowSum(p: usize, d: i32, c: f32, square: bool): f32 {
  const cv = f32x4.splat(c);
  let a0 = f32x4.splat(0), a1 = a0;
  let j = 0;
  for (; j + 8 <= d; j += 8) {
    let v0 = v128.load(p + (<usize>j << 2)), v1 = v128.load(p + (<usize>j << 2), 16);
    if (square) {
      v0 = f32x4.sub(v0, cv); v1 = f32x4.sub(v1, cv);
      v0 = f32x4.mul(v0, v0); v1 = f32x4.mul(v1, v1);
    }
    a0 = f32x4.add(a0, v0); a1 = f32x4.add(a1, v1);
  }
  for (; j < d; j += 4) {
    const w = imin(4, d - j);
    let v = loadPartial(p + (<usize>j << 2), w);
    if (square) {
      v = f32x4.sub(v, cv);
      v = v128.and(f32x4.mul(v, v), i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(w)));
    }
    a0 = f32x4.add(a0, v);
  }
  return hsum(f32x4.add(a0, a1));
}

/**
 * y = (x - mean)·r·gamma + beta per row of [rows, d], r = 1/sqrt(var + eps);
 * with rms != 0, mean is 0 and var is mean(x²) (RMSNorm, no beta). beta and
 * stats may be 0; stats, when given, receives [mean, r] per row.
 */
export function norm_f32(x: usize, gamma: usize, beta: usize, y: usize, stats: usize, d: i32, eps: f32, rms: i32,
  start: i32, end: i32): void {
  const inv = <f32>1 / <f32>d;
  for (let row = start; row < end; row++) {
    const px = x + (<usize>row * d << 2), py = y + (<usize>row * d << 2);
    const mean: f32 = rms != 0 ? 0 : rowSum(px, d, 0, false) * inv;
    const r: f32 = <f32>1 / Mathf.sqrt(rowSum(px, d, mean, true) * inv + eps);
    const mv = f32x4.splat(mean), rv = f32x4.splat(r);
    for (let j = 0; j < d; j += 4) {
      const w = imin(4, d - j), o = <usize>j << 2;
      let v = f32x4.mul(f32x4.mul(f32x4.sub(loadPartial(px + o, w), mv), rv), loadPartial(gamma + o, w));
      if (beta != 0) v = f32x4.add(v, loadPartial(beta + o, w));
      storePartial(py + o, v, w);
    }
    if (stats != 0) {
      store<f32>(stats + (<usize>row << 3), mean);
      store<f32>(stats + (<usize>row << 3), r, 4);
    }
  }
}

/**
 * The backward of norm_f32 from dy, x, gamma and the forward's stats: with
 * x̂ = (x - mean)·r and g = dy·gamma, dx = r·(g - mean(g) - x̂·mean(g·x̂)) (no
 * mean(g) term for RMSNorm), and dy·x̂ per element, whose column sums are
 * dgamma. Either output may be 0 to skip it.
 */
export function norm_grad_f32(x: usize, gamma: usize, dy: usize, stats: usize, dx: usize, dyxh: usize, d: i32, rms: i32,
  start: i32, end: i32): void {
  const inv = <f32>1 / <f32>d;
  for (let row = start; row < end; row++) {
    const o0 = <usize>row * d << 2;
    const px = x + o0, pd = dy + o0, pdx = dx + o0, pdxh = dyxh + o0;
    const mv = f32x4.splat(load<f32>(stats + (<usize>row << 3))), r = load<f32>(stats + (<usize>row << 3), 4);
    const rv = f32x4.splat(r);
    if (dyxh != 0) {
      for (let j = 0; j < d; j += 4) {
        const w = imin(4, d - j), o = <usize>j << 2;
        storePartial(pdxh + o, f32x4.mul(loadPartial(pd + o, w), f32x4.mul(f32x4.sub(loadPartial(px + o, w), mv), rv)), w);
      }
    }
    if (dx == 0) continue;
    let s1 = f32x4.splat(0), s2 = s1;
    for (let j = 0; j < d; j += 4) {
      const w = imin(4, d - j), o = <usize>j << 2;
      // Dead lanes load as 0 in dy, so g and g·x̂ are 0 there.
      const g = f32x4.mul(loadPartial(pd + o, w), loadPartial(gamma + o, w));
      const xh = f32x4.mul(f32x4.sub(loadPartial(px + o, w), mv), rv);
      s1 = f32x4.add(s1, g);
      s2 = f32x4.add(s2, f32x4.mul(g, xh));
    }
    const m1 = f32x4.splat(rms != 0 ? <f32>0 : hsum(s1) * inv), m2 = f32x4.splat(hsum(s2) * inv);
    for (let j = 0; j < d; j += 4) {
      const w = imin(4, d - j), o = <usize>j << 2;
      const g = f32x4.mul(loadPartial(pd + o, w), loadPartial(gamma + o, w));
      const xh = f32x4.mul(f32x4.sub(loadPartial(px + o, w), mv), rv);
      storePartial(pdx + o, f32x4.mul(rv, f32x4.sub(f32x4.sub(g, m1), f32x4.mul(xh, m2))), w);
    }
  }
}
