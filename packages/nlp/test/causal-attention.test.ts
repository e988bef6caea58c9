// Causal self-attention (with and without rotary positions and a key/value
// cache), forward and gradients, against the same formula written in
// TensorFlow.js (cpu backend) on random inputs of odd sizes.
import * as ops from '@wasmml/tensor';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import { tf } from '@wasmml/test-utils/tfjs';
import { describe, it } from 'vitest';
import { causalSelfAttention, rotaryTables } from '../src/index.js';

type TfT = ReturnType<typeof tf.tensor>;

function tfAttention(x: TfT, qkv: TfT, qkvB: TfT, proj: TfT, projB: TfT, heads: number, rotary: boolean, past = 0): TfT {
  const [B, T, d] = x.shape as [number, number, number];
  const hd = d / heads;
  const y = tf.add(tf.matMul(tf.reshape(x, [B * T, d]), qkv), qkvB);
  const [q, k, v] = tf.split(tf.reshape(y, [B, T, 3 * d]), 3, 2).map((t) => tf.transpose(tf.reshape(t, [B, T, heads, hd]), [0, 2, 1, 3]));
  let qq = q as TfT,
    kk = k as TfT;
  if (rotary) {
    const r = rotaryTables(T, hd, past);
    const cos = tf.tensor(r.cos.dataSync() as Float32Array, [T, hd]),
      sin = tf.tensor(r.sin.dataSync() as Float32Array, [T, hd]);
    const rot = (t: TfT) => {
      const [a, b] = tf.split(t, 2, 3) as [TfT, TfT];
      return tf.add(tf.mul(t, cos), tf.mul(tf.concat([tf.neg(b), a], 3), sin));
    };
    qq = rot(qq);
    kk = rot(kk);
  }
  const mask = tf.tensor(
    Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? -1e9 : 0)),
    [T, T],
  );
  const logits = tf.add(tf.mul(tf.matMul(qq, kk, false, true), 1 / Math.sqrt(hd)), mask);
  const ctx = tf.matMul(tf.softmax(logits), v as TfT);
  const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [B * T, d]);
  return tf.reshape(tf.add(tf.matMul(merged, proj), projB), [B, T, d]);
}

describe('causalSelfAttention vs tfjs', () => {
  for (const [B, T, d, heads, rotary] of [
    [1, 1, 4, 1, false],
    [2, 7, 12, 3, false],
    [3, 5, 16, 4, true],
    [1, 33, 24, 2, true],
  ] as const) {
    it(`B ${B} T ${T} d ${d} heads ${heads}${rotary ? ' rotary' : ''}: forward and gradients`, () => {
      const xs = randomFloats(B * T * d, 1),
        wq = randomFloats(d * 3 * d, 2, -0.5, 0.5),
        bq = randomFloats(3 * d, 3);
      const wp = randomFloats(d * d, 4, -0.5, 0.5),
        bp = randomFloats(d, 5);
      const ref = tf.tidy(() => {
        const f = (x: TfT, a: TfT, b: TfT, c: TfT, e: TfT) =>
          tf.sum(tf.mul(tfAttention(x, a, b, c, e, heads, rotary), tf.reshape(tf.mod(tf.range(0, B * T * d), 7), [B, T, d])));
        const out = tfAttention(
          tf.tensor(xs, [B, T, d]),
          tf.tensor(wq, [d, 3 * d]),
          tf.tensor(bq, [3 * d]),
          tf.tensor(wp, [d, d]),
          tf.tensor(bp, [d]),
          heads,
          rotary,
        );
        const g = tf.grads(f)([
          tf.tensor(xs, [B, T, d]),
          tf.tensor(wq, [d, 3 * d]),
          tf.tensor(bq, [3 * d]),
          tf.tensor(wp, [d, d]),
          tf.tensor(bp, [d]),
        ]);
        return { out: out.dataSync(), grads: g.map((t) => t.dataSync()) };
      });
      ops.tidy(() => {
        const weight = (k: number) => k % 7;
        const sel = ops.tensor(
          Float32Array.from({ length: B * T * d }, (_, i) => weight(i)),
          [B, T, d],
        );
        const rot = rotary ? rotaryTables(T, d / heads) : undefined;
        const run = (x: ops.Tensor, a: ops.Tensor, b: ops.Tensor, c: ops.Tensor, e: ops.Tensor) =>
          causalSelfAttention(x, { qkv: a, qkvBias: b, proj: c, projBias: e }, heads, { rotary: rot }).output;
        const inputs = [
          ops.tensor(xs, [B, T, d]),
          ops.tensor(wq, [d, 3 * d]),
          ops.tensor(bq, [3 * d]),
          ops.tensor(wp, [d, d]),
          ops.tensor(bp, [d]),
        ] as const;
        expectClose(run(...inputs).dataSync(), ref.out, 1e-4, 1e-5, 'forward');
        const g = ops.grads((x, a, b, c, e) =>
          ops.sum(ops.mul(run(x as ops.Tensor, a as ops.Tensor, b as ops.Tensor, c as ops.Tensor, e as ops.Tensor), sel)),
        )([...inputs]);
        ['x', 'qkv', 'qkvBias', 'proj', 'projBias'].forEach((n, i) =>
          expectClose((g[i] as ops.Tensor).dataSync(), ref.grads[i] as Float32Array, 1e-3, 1e-4, `d${n}`),
        );
      });
    });
  }

  it('the cached step equals the uncached last position', () => {
    const B = 2,
      T = 6,
      d = 8,
      heads = 2;
    ops.tidy(() => {
      const x = ops.tensor(randomFloats(B * T * d, 9), [B, T, d]);
      const w = { qkv: ops.tensor(randomFloats(d * 3 * d, 10), [d, 3 * d]), proj: ops.tensor(randomFloats(d * d, 11), [d, d]) };
      const full = causalSelfAttention(x, w, heads, { rotary: rotaryTables(T, d / heads) }).output;
      const head = causalSelfAttention(ops.slice(x, [0, 0, 0], [B, T - 1, d]), w, heads, { rotary: rotaryTables(T - 1, d / heads) });
      const last = causalSelfAttention(ops.slice(x, [0, T - 1, 0], [B, 1, d]), w, heads, {
        cache: head.cache,
        rotary: rotaryTables(1, d / heads, T - 1),
      });
      expectClose(last.output.dataSync(), ops.slice(full, [0, T - 1, 0], [B, 1, d]).dataSync(), 1e-4, 1e-5, 'cached');
    });
  });
});
