// int8 kernels against a plain integer reference: the accumulation is exact,
// and the epilogue is replayed with Math.fround step by step, so results must
// be the same bits — on one thread, on the pool, and in the relaxed-SIMD build.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  alloc,
  conv2dGeometry,
  conv2dInt8,
  f32View,
  gemmInt8,
  int8EpilogueTables,
  int8PackedBytes,
  int8PaddedK,
  int8PaddedN,
  maxPoolU7,
  packInt8Weights,
  quantizeU7,
  u8View,
  type Conv2dParams,
  type Int8Activation,
  type Int8InputQuant,
} from '@wasmml/kernels';
import { randomFloats } from '@wasmml/test-utils';
import { expectSameBytes } from './conv-helpers.js';
import { get, put, release, setup, singleAndThreaded } from './helpers.js';

beforeAll(() => setup(2));

const f = Math.fround;

/** Round half to even, as f32x4.nearest. */
function nearest(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function refQuantize(x: Float32Array, q: Int8InputQuant): Uint8Array {
  const inv = f(1 / q.scale);
  return Uint8Array.from(x, (v) => Math.min(127, Math.max(0, nearest(f(v * inv)) + q.zeroPoint)));
}

function randomInt8(n: number, seed: number): Int8Array {
  return Int8Array.from(randomFloats(n, seed, -127.999, 127.999), (v) => Math.trunc(v));
}

function refEpilogue(
  acc: number,
  j: number,
  colsum: Int32Array,
  scales: Float32Array,
  bias: Float32Array | null,
  q: Int8InputQuant,
  act: Int8Activation,
): number {
  const { mult, off } = int8EpilogueTables(colsum, scales, bias, scales.length, q);
  let v = f(f(f(acc) * mult[j]!) + off[j]!);
  if (act === 'relu') v = Math.max(v, 0);
  if (act === 'relu6') v = Math.min(Math.max(v, 0), 6);
  return v;
}

/** The u7 epilogue: clamp(roundEven(f32(acc)·mult' + off'), lo, hi), replayed with the kernels' tables. */
function refU7(
  acc: number,
  j: number,
  colsum: Int32Array,
  scales: Float32Array,
  bias: Float32Array | null,
  q: Int8InputQuant,
  out: Int8InputQuant,
  act: Int8Activation,
): number {
  const t = int8EpilogueTables(colsum, scales, bias, scales.length, q, { quant: out, activation: act });
  const v = f(f(f(acc) * t.mult[j]!) + t.off[j]!);
  return Math.min(t.hi, Math.max(t.lo, nearest(v)));
}

interface Packed {
  buffers: { packed: number; colsum: number; scales: number; bias: number };
  colsum: Int32Array;
  ptrs: number[];
}

function packed(w: Int8Array, k: number, n: number, scales: Float32Array, bias: Float32Array | null): Packed {
  const p = alloc(Math.max(16, int8PackedBytes(k, n)));
  const colsum = packInt8Weights(w, k, n, u8View(p, int8PackedBytes(k, n)));
  // The kernels read colsum, scales and bias as whole 8-column panels.
  const np = int8PaddedN(n),
    pad = (v: Float32Array) => {
      const o = new Float32Array(np);
      o.set(v);
      return o;
    };
  const cs = alloc(np * 4);
  new Int32Array(f32View(cs, np).buffer, cs, np).set(colsum);
  const sc = put(pad(scales));
  const b = bias ? put(pad(bias)) : 0;
  return { buffers: { packed: p, colsum: cs, scales: sc, bias: b }, colsum, ptrs: [p, cs, sc, ...(b ? [b] : [])] };
}

describe('quantizeU7', () => {
  it.each([0, 1, 15, 16, 17, 100, 333])('k = %i, padded, ties to even, clamped', (k) => {
    const rows = 3,
      kp = int8PaddedK(k) + 16;
    const x = randomFloats(rows * k, k + 1, -3, 9);
    if (k > 2) {
      x[0] = 0.5;
      x[1] = 1.5;
      x[2] = Number.NaN;
    }
    const quant = { scale: k > 2 ? 1 : 0.07, zeroPoint: 5 };
    const px = put(x),
      q = alloc(rows * kp + 16);
    const { single, threaded } = singleAndThreaded(() => {
      u8View(q, rows * kp).fill(255);
      quantizeU7(px, q, rows, k, kp, quant);
      return u8View(q, rows * kp).slice();
    });
    const ref = refQuantize(x, quant);
    const expected = new Uint8Array(rows * kp);
    for (let r = 0; r < rows; r++) expected.set(ref.subarray(r * k, (r + 1) * k), r * kp);
    if (k > 2) expected[2] = 0; // NaN
    expect(Array.from(single)).toEqual(Array.from(expected));
    expect(Array.from(threaded)).toEqual(Array.from(expected));
    release(px, q);
  });

  it('rejects a bad zero point or scale', () => {
    expect(() => quantizeU7(0, 0, 1, 1, 16, { scale: 0, zeroPoint: 0 })).toThrow(/scale > 0/);
    expect(() => quantizeU7(0, 0, 1, 1, 16, { scale: 1, zeroPoint: 128 })).toThrow(/0\.\.127/);
  });
});

describe('gemmInt8', () => {
  const cases: [number, number, number, Int8Activation, boolean][] = [
    [1, 1, 1, 'linear', false],
    [1, 10, 5408, 'relu', true],
    [3, 7, 17, 'linear', true],
    [4, 2, 16, 'relu6', false],
    [5, 9, 33, 'relu', true],
    [37, 29, 301, 'linear', true],
    [64, 128, 784, 'relu', true],
  ];
  const quant = { scale: 0.013, zeroPoint: 17 };

  function setupGemm(m: number, n: number, k: number, hasBias: boolean) {
    const a = Uint8Array.from(randomFloats(m * k, m + n, 0, 127.999), Math.trunc);
    const w = randomInt8(k * n, k);
    const scales = randomFloats(n, 3, 0.001, 0.02);
    const bias = hasBias ? randomFloats(n, 4) : null;
    const pw = packed(w, k, n, scales, bias);
    // Rows of k bytes, back to back (no padding), at the very end of their block.
    const pa = alloc(m * k + 16) + 16;
    u8View(pa, m * k).set(a);
    const acc = (i: number, j: number) => {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * w[p * n + j]!;
      return s;
    };
    return { a, w, scales, bias, pw, pa, acc };
  }

  it.each(cases)('m %i, n %i, k %i, %s, bias %s: f32 out, exact, threaded == single', (m, n, k, act, hasBias) => {
    const { scales, bias, pw, pa, acc } = setupGemm(m, n, k, hasBias);
    const c = alloc(m * n * 4);
    const { single, threaded } = singleAndThreaded(() => {
      f32View(c, m * n).fill(Number.NaN);
      gemmInt8(pa, pw.buffers, c, m, n, k, quant, act);
      return get(c, m * n);
    });
    const expected = new Float32Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) expected[i * n + j] = refEpilogue(acc(i, j), j, pw.colsum, scales, bias, quant, act);
    expectSameBytes(single, expected, 'single');
    expectSameBytes(threaded, expected, 'threaded');
    release(pa - 16, c, ...pw.ptrs);
  });

  it.each(cases)('m %i, n %i, k %i, %s, bias %s: u7 out, exact, threaded == single', (m, n, k, act, hasBias) => {
    const { scales, bias, pw, pa, acc } = setupGemm(m, n, k, hasBias);
    // An output range that clips some values at both ends.
    const out = { scale: 0.02 + 0.001 * k, zeroPoint: act === 'linear' ? 60 : 3 };
    const c = alloc(m * n + 16);
    const { single, threaded } = singleAndThreaded(() => {
      u8View(c, m * n + 16).fill(255);
      gemmInt8(pa, pw.buffers, c, m, n, k, quant, act, { quant: out });
      return u8View(c, m * n + 16).slice();
    });
    const expected = new Uint8Array(m * n + 16).fill(255);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) expected[i * n + j] = refU7(acc(i, j), j, pw.colsum, scales, bias, quant, out, act);
    expect(Array.from(single)).toEqual(Array.from(expected));
    expect(Array.from(threaded)).toEqual(Array.from(expected));
    if (m * n > 50) expect(new Set(expected.subarray(0, m * n)).size).toBeGreaterThan(10);
    release(pa - 16, c, ...pw.ptrs);
  });

  it('rejects an activation the epilogue does not apply', () => {
    expect(() =>
      gemmInt8(0, { packed: 0, colsum: 0, scales: 0, bias: 0 }, 0, 1, 1, 1, { scale: 1, zeroPoint: 0 }, 'sigmoid' as Int8Activation),
    ).toThrow(/gemmInt8.*'linear', 'relu' or 'relu6'.*sigmoid/);
  });
});

function refConvInt8(qx: Uint8Array, xs: number[], w: Int8Array, fs: number[], p: Conv2dParams, zp: number): Int32Array {
  const g = conv2dGeometry(xs, [fs[0]!, fs[1]!], p, 'ref');
  const [, h, wd, cin] = xs as [number, number, number, number];
  const cout = fs[3]!;
  const out = new Int32Array(g.batch * g.outHeight * g.outWidth * cout);
  let o = 0;
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outHeight; oy++)
      for (let ox = 0; ox < g.outWidth; ox++) {
        for (let co = 0; co < cout; co++) {
          let acc = 0;
          for (let i = 0; i < fs[0]!; i++)
            for (let j = 0; j < fs[1]!; j++) {
              const iy = oy * g.strideHeight - g.padTop + i * g.dilationHeight,
                ix = ox * g.strideWidth - g.padLeft + j * g.dilationWidth;
              const inside = iy >= 0 && iy < h && ix >= 0 && ix < wd;
              for (let c = 0; c < cin; c++) {
                const v = inside ? qx[((b * h + iy) * wd + ix) * cin + c]! : zp;
                acc += v * w[((i * fs[1]! + j) * cin + c) * cout + co]!;
              }
            }
          out[o++] = acc;
        }
      }
  return out;
}

describe('conv2dInt8', () => {
  const cases: [number[], number[], Conv2dParams][] = [
    [[1, 1, 1, 1], [1, 1, 1, 1], {}],
    [[2, 5, 7, 3], [3, 3, 3, 5], { pad: 'same' }],
    [[3, 6, 5, 2], [2, 3, 2, 9], { strides: [2, 1] }],
    [[5, 28, 28, 1], [3, 3, 1, 32], {}], // the seed CNN's first layer
    [[2, 10, 11, 6], [3, 3, 6, 7], { dilations: 2, pad: 'same' }],
    [[2, 9, 8, 20], [3, 3, 20, 16], { strides: 2, pad: 'same' }],
  ];
  function setupConv(xs: number[], fs: number[], p: Conv2dParams) {
    const quant = { scale: 0.021, zeroPoint: 9 };
    const nx = xs.reduce((s, d) => s * d, 1),
      nw = fs.reduce((s, d) => s * d, 1);
    const qx = Uint8Array.from(randomFloats(nx, nx, 0, 127.999), Math.trunc);
    const w = randomInt8(nw, nw);
    const cout = fs[3]!,
      k = nw / cout;
    const scales = randomFloats(cout, 5, 0.001, 0.02),
      bias = randomFloats(cout, 6);
    const pw = packed(w, k, cout, scales, bias);
    // The images end where their block ends: whole-vector reads must stop there.
    const block = alloc(nx + 16);
    const px = block + 16;
    u8View(px, nx).set(qx);
    const g = conv2dGeometry(xs, [fs[0]!, fs[1]!], p, 'test');
    const ny = g.batch * g.outHeight * g.outWidth * cout;
    const acc = refConvInt8(qx, xs, w, fs, p, quant.zeroPoint);
    return { quant, scales, bias, pw, block, px, ny, cout, acc };
  }

  it.each(cases)('x %j, filter %j, %j: f32 out, exact, threaded == single', (xs, fs, p) => {
    const { quant, scales, bias, pw, block, px, ny, cout, acc } = setupConv(xs, fs, p);
    const y = alloc(ny * 4);
    const { single, threaded } = singleAndThreaded(() => {
      f32View(y, ny).fill(Number.NaN);
      conv2dInt8(px, pw.buffers, y, xs, fs, quant, { ...p, activation: 'relu' });
      return get(y, ny);
    });
    const expected = Float32Array.from(acc, (a, i) => refEpilogue(a, i % cout, pw.colsum, scales, bias, quant, 'relu'));
    expectSameBytes(single, expected, 'single');
    expectSameBytes(threaded, expected, 'threaded');
    release(block, y, ...pw.ptrs);
  });

  it.each(cases)('x %j, filter %j, %j: u7 out (relu6), exact, threaded == single', (xs, fs, p) => {
    const { quant, scales, bias, pw, block, px, ny, cout, acc } = setupConv(xs, fs, p);
    const out = { scale: 0.03, zeroPoint: 11 };
    const y = alloc(ny + 16);
    const { single, threaded } = singleAndThreaded(() => {
      u8View(y, ny + 16).fill(255);
      conv2dInt8(px, pw.buffers, y, xs, fs, quant, { ...p, activation: 'relu6', output: { quant: out } });
      return u8View(y, ny + 16).slice();
    });
    const expected = new Uint8Array(ny + 16).fill(255);
    acc.forEach((a, i) => {
      expected[i] = refU7(a, i % cout, pw.colsum, scales, bias, quant, out, 'relu6');
    });
    expect(Array.from(single)).toEqual(Array.from(expected));
    expect(Array.from(threaded)).toEqual(Array.from(expected));
    release(block, y, ...pw.ptrs);
  });
});

describe('conv2dInt8 with maxPool2x2', () => {
  const cases: [number[], number[], Conv2dParams][] = [
    [[3, 28, 28, 1], [3, 3, 1, 32], {}], // the seed CNN: 26x26 -> 13x13
    [[2, 11, 9, 16], [3, 3, 16, 12], {}], // odd output sizes: the last row / column is dropped
    [[2, 8, 8, 3], [3, 3, 3, 5], { pad: 'same', strides: [1, 1] }],
  ];
  it.each(cases)('x %j, filter %j, %j: the max of each 2x2 window, f32 and u7, threaded == single', (xs, fs, p) => {
    const quant = { scale: 0.02, zeroPoint: 7 },
      out = { quant: { scale: 0.05, zeroPoint: 2 } };
    const nx = xs.reduce((a, d) => a * d, 1),
      nw = fs.reduce((a, d) => a * d, 1),
      cout = fs[3]!;
    const pw = packed(randomInt8(nw, nw + 1), nw / cout, cout, randomFloats(cout, 8, 0.001, 0.02), randomFloats(cout, 9));
    const px = alloc(nx + 16);
    u8View(px, nx).set(Uint8Array.from(randomFloats(nx, nx + 2, 0, 127.999), Math.trunc));
    const g = conv2dGeometry(xs, [fs[0]!, fs[1]!], p, 'test');
    const [n, oh, ow] = [g.batch, g.outHeight, g.outWidth];
    const [ph, pw2] = [oh >> 1, ow >> 1];
    const full = alloc(n * oh * ow * cout * 4 + 16),
      pooled = alloc(n * ph * pw2 * cout * 4 + 16);
    const pool = (v: ArrayLike<number>) => {
      const r: number[] = [];
      for (let b = 0; b < n; b++)
        for (let y = 0; y < ph; y++)
          for (let x = 0; x < pw2; x++)
            for (let c = 0; c < cout; c++) {
              const at = (yy: number, xx: number) => v[((b * oh + 2 * y + yy) * ow + 2 * x + xx) * cout + c]!;
              r.push(Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1)));
            }
      return r;
    };
    for (const output of [undefined, out]) {
      const bytes = output ? 1 : 4;
      const read = (a: number, len: number) => (output ? Array.from(u8View(a, len)) : Array.from(get(a, len)));
      conv2dInt8(px, pw.buffers, full, xs, fs, quant, { ...p, activation: 'relu', ...(output ? { output } : {}) });
      const expected = pool(read(full, n * oh * ow * cout));
      const { single, threaded } = singleAndThreaded(() => {
        u8View(pooled, n * ph * pw2 * cout * bytes).fill(255);
        conv2dInt8(px, pw.buffers, pooled, xs, fs, quant, { ...p, activation: 'relu', maxPool2x2: true, ...(output ? { output } : {}) });
        return read(pooled, n * ph * pw2 * cout);
      });
      expect(single).toEqual(expected);
      expect(threaded).toEqual(expected);
    }
    release(px, full, pooled, ...pw.ptrs);
  });
});

describe('maxPoolU7', () => {
  const cases: [number[], [number, number], { strides?: [number, number]; pad?: 'same' | 'valid' }][] = [
    [[1, 1, 1, 1], [1, 1], {}],
    [[2, 26, 26, 32], [2, 2], {}], // the seed CNN's pool
    [[3, 7, 5, 19], [3, 2], { strides: [2, 1], pad: 'same' }],
    [[2, 9, 9, 48], [3, 3], { strides: [2, 2] }],
  ];
  it.each(cases)('x %j, window %j, %j: the max of each window, threaded == single', (xs, size, opts) => {
    const nx = xs.reduce((s, d) => s * d, 1);
    const x = Uint8Array.from(randomFloats(nx, nx + 3, 0, 127.999), Math.trunc);
    const px = alloc(nx + 16);
    u8View(px, nx).set(x);
    const g = conv2dGeometry(xs, size, { strides: opts.strides ?? size, pad: opts.pad ?? 'valid' }, 'test');
    const [, h, w, c] = xs as [number, number, number, number];
    const ny = g.batch * g.outHeight * g.outWidth * c;
    const y = alloc(ny + 16);
    const { single, threaded } = singleAndThreaded(() => {
      u8View(y, ny).fill(200);
      maxPoolU7(px, y, xs, size, opts);
      return u8View(y, ny).slice();
    });
    const expected = new Uint8Array(ny);
    let o = 0;
    for (let b = 0; b < g.batch; b++)
      for (let oy = 0; oy < g.outHeight; oy++)
        for (let ox = 0; ox < g.outWidth; ox++)
          for (let ch = 0; ch < c; ch++) {
            let m = 0;
            for (let i = 0; i < size[0]; i++)
              for (let j = 0; j < size[1]; j++) {
                const iy = oy * g.strideHeight - g.padTop + i,
                  ix = ox * g.strideWidth - g.padLeft + j;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) m = Math.max(m, x[((b * h + iy) * w + ix) * c + ch]!);
              }
            expected[o++] = m;
          }
    expect(Array.from(single)).toEqual(Array.from(expected));
    expect(Array.from(threaded)).toEqual(Array.from(expected));
    release(px, y);
  });
});

describe('int8 in the relaxed-SIMD build', () => {
  it('relaxed_dot_i8x16_i7x16 gives the same bits as the plain build (GEMM and conv, f32 and u7 out)', () => {
    const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
    // One script, run on each variant: a GEMM and a conv with k not a multiple of 16, extreme weights (-128, 127),
    // each with a float32 and a u7 output. Weights are packed per build (the layouts differ), results must not.
    const script = (relaxed: boolean) => `
      const K = await import('@wasmml/kernels');
      await K.init({ relaxedSimd: ${relaxed}, threads: 2 });
      const weights = (k, n) => {
        const w = Int8Array.from({ length: k * n }, (_, i) => (i % 5 === 0 ? -128 : ((i * 37) % 255) - 127));
        const np = K.int8PaddedN(n);
        const p = K.alloc(K.int8PackedBytes(k, n)), cs = K.alloc(np * 4), sc = K.alloc(np * 4);
        const colsum = K.packInt8Weights(w, k, n, K.u8View(p, K.int8PackedBytes(k, n)));
        new Int32Array(K.f32View(cs, np).buffer, cs, np).set(colsum);
        K.f32View(sc, np).fill(0.01);
        return { packed: p, colsum: cs, scales: sc, bias: 0 };
      };
      const bytes = (n, seed) => {
        const a = K.alloc(n + 16);
        K.u8View(a, n).set(Uint8Array.from({ length: n }, (_, i) => (i * seed) % 128));
        return a;
      };
      // Output ranges that hold most of each result (GEMM: about -2600..-1900; conv: -760..90).
      const quant = { scale: 0.5, zeroPoint: 3 }, gemmOut = { quant: { scale: 25, zeroPoint: 120 } }, convOut = { quant: { scale: 1, zeroPoint: 0 } };
      const m = 9, n = 13, k = 301;
      const wg = weights(k, n), a = bytes(m * k, 53), c = K.alloc(m * n * 4), cq = K.alloc(m * n);
      K.gemmInt8(a, wg, c, m, n, k, quant);
      K.gemmInt8(a, wg, cq, m, n, k, quant, 'linear', gemmOut);
      const xs = [2, 9, 10, 5], fs = [3, 3, 5, 11], ny = 2 * 9 * 10 * 11;
      const wc = weights(45, 11), x = bytes(2 * 9 * 10 * 5, 29), y = K.alloc(ny * 4), yq = K.alloc(ny);
      K.conv2dInt8(x, wc, y, xs, fs, quant, { pad: 'same' });
      K.conv2dInt8(x, wc, yq, xs, fs, quant, { pad: 'same', activation: 'relu', output: convOut });
      console.log(JSON.stringify({
        variant: K.backendInfo().variant,
        gemm: Array.from(K.f32View(c, m * n)), gemmU7: Array.from(K.u8View(cq, m * n)),
        conv: Array.from(K.f32View(y, ny)), convU7: Array.from(K.u8View(yq, ny)),
      }));
    `;
    const run = (relaxed: boolean) =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script(relaxed)], { cwd: pkg, timeout: 30_000, encoding: 'utf8' })
          .trim()
          .split('\n')
          .pop()!,
      );
    const plain = run(false),
      relaxed = run(true);
    expect(relaxed.variant).toBe('relaxed-shared');
    expect(plain.variant).toBe('simd-shared');
    for (const key of ['gemm', 'gemmU7', 'conv', 'convU7']) expect(relaxed[key], key).toEqual(plain[key]);
    expect(plain.gemm.every((v: number) => Number.isFinite(v))).toBe(true);
    // The u7 outputs use their range (not all clamped to one end).
    expect(new Set(plain.gemmU7).size).toBeGreaterThan(5);
    expect(new Set(plain.convU7).size).toBeGreaterThan(5);
  });
});
