import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { alloc, cast, f32View, free, i32View, u8View, type CastDtype } from '@wasmml/kernels';
import { rng } from '@wasmml/test-utils';
import { setup, singleAndThreaded } from './helpers.js';

beforeAll(async () => {
  await setup(2);
  tf.env().set('PROD', true); // no tfjs-node banner
  await tf.setBackend('cpu');
});

const BYTES: Record<CastDtype, number> = { float32: 4, int32: 4, bool: 1 };

function typed(dtype: CastDtype, p: number, n: number): Float32Array | Int32Array | Uint8Array {
  return dtype === 'float32' ? f32View(p, n) : dtype === 'int32' ? i32View(p, n) : u8View(p, n);
}

// Inputs with the awkward values mixed in: ±0, halves, int32 limits, beyond them, NaN, infinities.
function input(dtype: CastDtype, n: number, seed: number): number[] {
  const r = rng(seed);
  const special =
    dtype === 'float32'
      ? [
          0,
          -0,
          0.5,
          -0.5,
          2.7,
          -2.7,
          2147483520,
          2147483648,
          -2147483648,
          -2147483904,
          3e9,
          -3e9,
          1e20,
          -1e38,
          NaN,
          Infinity,
          -Infinity,
          16777217,
        ]
      : dtype === 'int32'
        ? [0, 1, -1, 2147483647, -2147483648, 16777217, -16777217]
        : [0, 1, 2, 255];
  return Array.from({ length: n }, (_, i) => {
    if (i % 5 === 0) return special[Math.floor(r() * special.length)]!;
    if (dtype === 'bool') return r() < 0.5 ? 0 : 1;
    const v = (r() - 0.5) * 2 ** Math.floor(r() * 34);
    return dtype === 'int32' ? Math.trunc(v) : v;
  });
}

// tfjs cpu semantics: Int32Array.from for int32, x !== 0 for bool, plain widening otherwise;
// the same dtype is an identity (a copy).
function reference(values: Float32Array | Int32Array | Uint8Array, from: CastDtype, to: CastDtype): ArrayLike<number> {
  if (from === to) return values;
  if (to === 'int32') return Int32Array.from(values);
  if (to === 'bool') return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  return Float32Array.from(values);
}

const dtypes: CastDtype[] = ['float32', 'int32', 'bool'];

describe('cast', () => {
  for (const from of dtypes) {
    for (const to of dtypes) {
      it(`${from} -> ${to}`, () => {
        for (const n of [0, 1, 3, 15, 16, 17, 33, 100, 20003]) {
          const src = typed(from, 0, 0).constructor as Float32ArrayConstructor;
          const values = src.from(input(from, n, n + 1));
          const x = alloc(Math.max(16, n * BYTES[from]));
          typed(from, x, n).set(values);
          const { single, threaded } = singleAndThreaded(() => {
            const y = alloc(Math.max(16, n * BYTES[to]));
            cast(x, y, n, from, to);
            const out = typed(to, y, n).slice();
            free(y);
            return out;
          });
          const ref = reference(values, from, to);
          let bad = -1,
            split = -1;
          for (let i = 0; i < n && bad < 0; i++) if (!Object.is(single[i], ref[i])) bad = i;
          for (let i = 0; i < n && split < 0; i++) if (!Object.is(single[i], threaded[i])) split = i;
          expect(bad, `${from}->${to} n=${n}: at ${bad} got ${single[bad]} for ${values[bad]}, expected ${ref[bad]}`).toBe(-1);
          expect(split, 'threaded differs from single').toBe(-1);
          free(x);
        }
      });
    }
  }

  it('agrees with tf.cast on the cpu backend for the awkward values', () => {
    const values = [0, -0, 2.7, -2.7, 2147483648, -2147483904, 3e9, -3e9, 1e20, NaN, Infinity, -Infinity];
    const x = alloc(64),
      y = alloc(64);
    f32View(x, values.length).set(values);
    for (const to of ['int32', 'bool'] as CastDtype[]) {
      cast(x, y, values.length, 'float32', to);
      const ref = tf.cast(tf.tensor1d(values), to);
      expect(Array.from(typed(to, y, values.length)), to).toEqual(Array.from(ref.dataSync()));
      ref.dispose();
    }
    free(x);
    free(y);
    expect(() => cast(0, 0, 4, 'float32', 'complex64' as CastDtype)).toThrow(/cannot cast float32 to complex64/);
  });
});
