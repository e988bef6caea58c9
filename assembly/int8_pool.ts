// 2-D max pooling of u7 activations (NHWC bytes) between int8 layers.
// Quantisation is monotone, so the max of the quantised values is the
// quantised max: pooling the bytes gives what pooling the floats and then
// quantising would, at a quarter of the memory traffic and 16 lanes a vector.
// Windows are clipped to the image (padding is never the maximum), as in
// max_pool2d_f32; a window with nothing inside it gives 0.
import { imax, imin } from './common';

/** Range items: n*oh output rows. */
export function max_pool2d_u8(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32, start: i32, end: i32): void {
  const rowBytes = <usize>w * c, colBytes = <usize>c;
  for (let item = start; item < end; item++) {
    const b = item / oh, oy = item - b * oh;
    const img = x + <usize>b * h * w * c;
    let out = y + <usize>item * ow * c;
    const y0 = imax(0, oy * sh - pt), y1 = imin(h, oy * sh - pt + fh);
    for (let ox = 0; ox < ow; ox++) {
      const x0 = imax(0, ox * sw - pl), x1 = imin(w, ox * sw - pl + fw);
      const win = img + <usize>(y0 * w + x0) * c;
      let ch = 0;
      for (; ch + 32 <= c; ch += 32) {
        let m0 = i8x16.splat(0), m1 = m0;
        let row = win + <usize>ch;
        for (let iy = y0; iy < y1; iy++) {
          let p = row;
          for (let ix = x0; ix < x1; ix++) {
            m0 = i8x16.max_u(m0, v128.load(p));
            m1 = i8x16.max_u(m1, v128.load(p, 16));
            p += colBytes;
          }
          row += rowBytes;
        }
        v128.store(out + <usize>ch, m0);
        v128.store(out + <usize>ch, m1, 16);
      }
      for (; ch + 16 <= c; ch += 16) {
        let m = i8x16.splat(0);
        let row = win + <usize>ch;
        for (let iy = y0; iy < y1; iy++) {
          let p = row;
          for (let ix = x0; ix < x1; ix++) {
            m = i8x16.max_u(m, v128.load(p));
            p += colBytes;
          }
          row += rowBytes;
        }
        v128.store(out + <usize>ch, m);
      }
      for (; ch < c; ch++) {
        let m: u32 = 0;
        let row = win + <usize>ch;
        for (let iy = y0; iy < y1; iy++) {
          let p = row;
          for (let ix = x0; ix < x1; ix++) {
            const v = <u32>load<u8>(p);
            if (v > m) m = v;
            p += colBytes;
          }
          row += rowBytes;
        }
        store<u8>(out + <usize>ch, <u8>m);
      }
      out += colBytes;
    }
  }
}
