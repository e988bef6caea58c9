// Attention, positional embedding and transformer encoder against float64
// references of their published formulas, masking, and gradients that train.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { adam } from '@wasmml/optimizers';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import { MultiHeadAttention, PositionalEmbedding, TransformerEncoder, nlpLayers } from '@wasmml/nlp';

type M = number[][];
const matmul = (a: M, b: M): M => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const rows = (flat: ArrayLike<number>, r: number, c: number): M =>
  Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => flat[i * c + j]!));

/** softmax(Q Kᵀ / sqrt(dk) + mask) V per head, then the output projection (Vaswani et al. 2017, eq. 1). */
function refAttention(q: M, kv: M, w: Float32Array[], H: number, dk: number, keyMask?: number[]): M {
  const [Wq, Wk, Wv, Wo, bq, bk, bv, bo] = w;
  const dOut = Wo!.length / (H * dk);
  const proj = (x: M, W: Float32Array, b: Float32Array, n: number) =>
    matmul(x, rows(W, x[0]!.length, n)).map((r) => r.map((v, j) => v + b[j]!));
  const Q = proj(q, Wq!, bq!, H * dk),
    K = proj(kv, Wk!, bk!, H * dk),
    V = proj(kv, Wv!, bv!, H * dk);
  const ctx: M = q.map(() => new Array(H * dk).fill(0));
  for (let h = 0; h < H; h++) {
    for (let t = 0; t < q.length; t++) {
      const logits = kv.map((_, s) => {
        let z = 0;
        for (let j = 0; j < dk; j++) z += Q[t]![h * dk + j]! * K[s]![h * dk + j]!;
        return z / Math.sqrt(dk) + (keyMask && keyMask[s] === 0 ? -1e9 : 0);
      });
      const mx = Math.max(...logits);
      const e = logits.map((z) => Math.exp(z - mx));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < dk; j++) ctx[t]![h * dk + j] = e.reduce((a, p, s) => a + (p / sum) * V[s]![h * dk + j]!, 0);
    }
  }
  return proj(ctx, Wo!, bo!, dOut);
}

describe('MultiHeadAttention', () => {
  it('self-attention and cross-attention with a key mask match the formula', () => {
    const B = 2,
      T = 3,
      S = 4,
      d = 5,
      H = 2,
      dk = 3;
    const mha = new MultiHeadAttention({ numHeads: H, keyDim: dk });
    const q = randomFloats(B * T * d, 1),
      kv = randomFloats(B * S * d, 2);
    const keyMask = [1, 1, 0, 1, 1, 0, 0, 1];
    const out = mha.apply([wm.tensor(q, [B, T, d]), wm.tensor(kv, [B, S, d])], { keyMask: wm.tensor(keyMask, [B, S]) }) as wm.Tensor;
    expect(out.shape).toEqual([B, T, d]);
    // Biases start at zero: give them values so they are checked too.
    const ws = mha.getWeights();
    expect(ws.map((w) => w.shape)).toEqual([[d, H * dk], [d, H * dk], [d, H * dk], [H * dk, d], [H * dk], [H * dk], [H * dk], [d]]);
    mha.setWeights(ws.map((w, i) => wm.tensor(randomFloats(w.size, 10 + i, -0.7, 0.7), w.shape)));
    const w = mha.getWeights().map((t) => Float32Array.from(t.dataSync()));
    const got = (
      mha.apply([wm.tensor(q, [B, T, d]), wm.tensor(kv, [B, S, d])], { keyMask: wm.tensor(keyMask, [B, S]) }) as wm.Tensor
    ).dataSync();
    for (let b = 0; b < B; b++) {
      const want = refAttention(
        rows(q.subarray(b * T * d), T, d),
        rows(kv.subarray(b * S * d), S, d),
        w,
        H,
        dk,
        keyMask.slice(b * S, (b + 1) * S),
      );
      expectClose(got.subarray(b * T * d, (b + 1) * T * d), want.flat(), 1e-4, 1e-5, `batch ${b}`);
    }
    const self = (mha.apply(wm.tensor(kv, [B, S, d])) as wm.Tensor).dataSync();
    const wantSelf = refAttention(rows(kv.subarray(S * d), S, d), rows(kv.subarray(S * d), S, d), w, H, dk);
    expectClose(self.subarray(S * d), wantSelf.flat(), 1e-4, 1e-5, 'self-attention');
  });

  it('rejects bad arguments', () => {
    expect(() => nlpLayers.multiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow(/numHeads must be a positive integer/);
    const m = nlpLayers.multiHeadAttention({ numHeads: 1, keyDim: 2 });
    expect(() => m.apply(wm.zeros([2, 3]))).toThrow();
  });
});

describe('PositionalEmbedding', () => {
  it('adds the learned position vector to the token vector and masks id 0', () => {
    const pe = new PositionalEmbedding({ inputDim: 7, outputDim: 3, sequenceLength: 5 });
    const ids = wm.tensor(
      [
        [3, 1, 0],
        [6, 6, 2],
      ],
      [2, 3],
      'int32',
    );
    const y = (pe.apply(ids) as wm.Tensor).arraySync() as number[][][];
    const [tok, pos] = pe.getWeights().map((t) => t.arraySync() as number[][]);
    [
      [3, 1, 0],
      [6, 6, 2],
    ].forEach((r, b) =>
      r.forEach((id, t) => {
        expectClose(
          y[b]![t]!,
          tok![id]!.map((v, j) => v + pos![t]![j]!),
          1e-6,
          1e-6,
          `b${b} t${t}`,
        );
      }),
    );
    expect(pe.computeMask(ids)!.arraySync()).toEqual([
      [true, true, false],
      [true, true, true],
    ]);
    expect(() => pe.apply(wm.zeros([1, 6], 'int32'))).toThrow(/longer than sequenceLength 5/);
  });
});

describe('TransformerEncoder', () => {
  it('outputs at real tokens ignore what sits at padded positions', () => {
    const pe = new PositionalEmbedding({ inputDim: 20, outputDim: 8, sequenceLength: 6 });
    const enc = new TransformerEncoder({ intermediateDim: 16, numHeads: 2 });
    const run = (ids: number[][]) => {
      const t = wm.tensor(ids, [2, 6], 'int32');
      const x = pe.apply(t) as wm.Tensor;
      return (enc.apply(x, { mask: pe.computeMask(t) }) as wm.Tensor).arraySync() as number[][][];
    };
    const a = run([
      [4, 5, 6, 0, 0, 0],
      [7, 8, 9, 10, 11, 12],
    ]);
    // Same real tokens; the padded slots hold other (masked) values through a mask built from the first run.
    const t2 = wm.tensor(
      [
        [4, 5, 6, 13, 14, 15],
        [7, 8, 9, 10, 11, 12],
      ],
      [2, 6],
      'int32',
    );
    const x2 = pe.apply(t2) as wm.Tensor;
    const b = (
      enc.apply(x2, {
        mask: wm.tensor(
          [
            [1, 1, 1, 0, 0, 0],
            [1, 1, 1, 1, 1, 1],
          ],
          [2, 6],
        ),
      }) as wm.Tensor
    ).arraySync() as number[][][];
    for (let t = 0; t < 3; t++) expectClose(b[0]![t]!, a[0]![t]!, 1e-5, 1e-6, `real step ${t}`);
    expectClose(b[1]!.flat(), a[1]!.flat(), 1e-5, 1e-6, 'unpadded row');
    // Post-norm: each output vector is layer-normalised (mean 0, unit variance with gamma 1, beta 0).
    const v = a[1]![2]!;
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(1e-5);
    expect(variance).toBeCloseTo(1, 3);
  });

  it('gradients reach every weight and a few Adam steps fit a toy target', () => {
    const enc = new TransformerEncoder({ intermediateDim: 8, numHeads: 2, normalizeFirst: true });
    const x = wm.randomNormal([4, 5, 6], 0, 1, 'float32', 3),
      target = wm.randomNormal([4, 5, 6], 0, 1, 'float32', 4);
    enc.apply(x);
    const loss = () => wm.mean(wm.square(wm.sub(enc.apply(x) as wm.Tensor, target)));
    const { grads } = wm.variableGrads(loss, enc.trainableWeights);
    expect(Object.keys(grads).length).toBe(16);
    for (const g of Object.values(grads)) expect(Math.max(...Array.from(g.dataSync(), Math.abs))).toBeGreaterThan(0);
    const first = loss().dataSync()[0]!;
    const o = adam(0.02);
    for (let i = 0; i < 60; i++) o.minimize(loss, false, enc.trainableWeights);
    expect(loss().dataSync()[0]!).toBeLessThan(first * 0.6);
  });
});
