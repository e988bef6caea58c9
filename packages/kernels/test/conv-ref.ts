// Float64 reference convolutions and pools for the kernel tests: plain loops
// over every output position and tap, in scatter form where the kernels
// gather (and the other way round), so the two share no indexing logic.
import type { Conv2dGeometry } from '@wasmml/kernels';

type G = Conv2dGeometry;

/** Visits every (output pixel, tap) pair whose input position lies in the image. */
function eachTap(g: G, fn: (b: number, oy: number, ox: number, i: number, j: number, iy: number, ix: number) => void): void {
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        for (let i = 0; i < g.filterHeight; i++) {
          const iy = oy * g.strideHeight - g.padTop + i * g.dilationHeight;
          if (iy < 0 || iy >= g.inHeight) continue;
          for (let j = 0; j < g.filterWidth; j++) {
            const ix = ox * g.strideWidth - g.padLeft + j * g.dilationWidth;
            if (ix < 0 || ix >= g.inWidth) continue;
            fn(b, oy, ox, i, j, iy, ix);
          }
        }
      }
    }
  }
}

const xAt = (g: G, b: number, iy: number, ix: number) => ((b * g.inHeight + iy) * g.inWidth + ix) * g.inChannels;
const yAt = (g: G, b: number, oy: number, ox: number, c: number) => ((b * g.outHeight + oy) * g.outWidth + ox) * c;

export function refConv2d(x: Float32Array, f: Float32Array, g: G, cout: number): Float64Array {
  const cin = g.inChannels;
  const y = new Float64Array(g.batch * g.outHeight * g.outWidth * cout);
  eachTap(g, (b, oy, ox, i, j, iy, ix) => {
    const xo = xAt(g, b, iy, ix),
      yo = yAt(g, b, oy, ox, cout),
      fo = (i * g.filterWidth + j) * cin * cout;
    for (let ci = 0; ci < cin; ci++) {
      for (let co = 0; co < cout; co++) y[yo + co]! += x[xo + ci]! * f[fo + ci * cout + co]!;
    }
  });
  return y;
}

export function refConv2dBackpropInput(dy: Float32Array, f: Float32Array, g: G, cout: number): Float64Array {
  const cin = g.inChannels;
  const dx = new Float64Array(g.batch * g.inHeight * g.inWidth * cin);
  eachTap(g, (b, oy, ox, i, j, iy, ix) => {
    const xo = xAt(g, b, iy, ix),
      yo = yAt(g, b, oy, ox, cout),
      fo = (i * g.filterWidth + j) * cin * cout;
    for (let ci = 0; ci < cin; ci++) {
      for (let co = 0; co < cout; co++) dx[xo + ci]! += dy[yo + co]! * f[fo + ci * cout + co]!;
    }
  });
  return dx;
}

export function refConv2dBackpropFilter(x: Float32Array, dy: Float32Array, g: G, cout: number): Float64Array {
  const cin = g.inChannels;
  const dw = new Float64Array(g.filterHeight * g.filterWidth * cin * cout);
  eachTap(g, (b, oy, ox, i, j, iy, ix) => {
    const xo = xAt(g, b, iy, ix),
      yo = yAt(g, b, oy, ox, cout),
      fo = (i * g.filterWidth + j) * cin * cout;
    for (let ci = 0; ci < cin; ci++) {
      for (let co = 0; co < cout; co++) dw[fo + ci * cout + co]! += x[xo + ci]! * dy[yo + co]!;
    }
  });
  return dw;
}

export function refDepthwise(x: Float32Array, f: Float32Array, g: G, mult: number): Float64Array {
  const cin = g.inChannels,
    cout = cin * mult;
  const y = new Float64Array(g.batch * g.outHeight * g.outWidth * cout);
  eachTap(g, (b, oy, ox, i, j, iy, ix) => {
    const xo = xAt(g, b, iy, ix),
      yo = yAt(g, b, oy, ox, cout),
      fo = (i * g.filterWidth + j) * cout;
    for (let c = 0; c < cin; c++) {
      for (let q = 0; q < mult; q++) y[yo + c * mult + q]! += x[xo + c]! * f[fo + c * mult + q]!;
    }
  });
  return y;
}

export function refDepthwiseBackpropInput(dy: Float32Array, f: Float32Array, g: G, mult: number): Float64Array {
  const cin = g.inChannels,
    cout = cin * mult;
  const dx = new Float64Array(g.batch * g.inHeight * g.inWidth * cin);
  eachTap(g, (b, oy, ox, i, j, iy, ix) => {
    const xo = xAt(g, b, iy, ix),
      yo = yAt(g, b, oy, ox, cout),
      fo = (i * g.filterWidth + j) * cout;
    for (let c = 0; c < cin; c++) {
      for (let q = 0; q < mult; q++) dx[xo + c]! += dy[yo + c * mult + q]! * f[fo + c * mult + q]!;
    }
  });
  return dx;
}

export function refDepthwiseBackpropFilter(x: Float32Array, dy: Float32Array, g: G, mult: number): Float64Array {
  const cin = g.inChannels,
    cout = cin * mult;
  const dw = new Float64Array(g.filterHeight * g.filterWidth * cout);
  eachTap(g, (b, oy, ox, i, j, iy, ix) => {
    const xo = xAt(g, b, iy, ix),
      yo = yAt(g, b, oy, ox, cout),
      fo = (i * g.filterWidth + j) * cout;
    for (let c = 0; c < cin; c++) {
      for (let q = 0; q < mult; q++) dw[fo + c * mult + q]! += x[xo + c]! * dy[yo + c * mult + q]!;
    }
  });
  return dw;
}

/** Window positions inside the image of output pixel (oy, ox), row-major (dilation 1). */
function windowOf(g: G, oy: number, ox: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < g.filterHeight; i++) {
    const iy = oy * g.strideHeight - g.padTop + i;
    if (iy < 0 || iy >= g.inHeight) continue;
    for (let j = 0; j < g.filterWidth; j++) {
      const ix = ox * g.strideWidth - g.padLeft + j;
      if (ix >= 0 && ix < g.inWidth) out.push([iy, ix]);
    }
  }
  return out;
}

/**
 * Pool forward and backward in one pass: tfjs cpu semantics (first strictly
 * greater value from -Infinity; average over in-image positions). dx is the
 * exact gradient of y for the upstream gradient dy.
 */
export function refPool(kind: 'max' | 'avg', x: Float32Array, dy: Float32Array | undefined, g: G): { y: Float64Array; dx: Float64Array } {
  const c = g.inChannels;
  const y = new Float64Array(g.batch * g.outHeight * g.outWidth * c);
  const dx = new Float64Array(x.length);
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        const win = windowOf(g, oy, ox);
        for (let ch = 0; ch < c; ch++) {
          const yo = yAt(g, b, oy, ox, c) + ch;
          const d = dy ? dy[yo]! : 0;
          if (kind === 'max') {
            let best = -Infinity,
              at = -1;
            for (const [iy, ix] of win) {
              const v = x[xAt(g, b, iy, ix) + ch]!;
              if (v > best) {
                best = v;
                at = xAt(g, b, iy, ix) + ch;
              }
            }
            y[yo] = best;
            if (at >= 0) dx[at]! += d;
          } else {
            let s = 0;
            for (const [iy, ix] of win) s += x[xAt(g, b, iy, ix) + ch]!;
            y[yo] = s / win.length;
            for (const [iy, ix] of win) dx[xAt(g, b, iy, ix) + ch]! += d / win.length;
          }
        }
      }
    }
  }
  return { y, dx };
}
