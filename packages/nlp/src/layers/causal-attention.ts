// Causal (masked) multi-head self-attention for decoder blocks, composed from
// tensor ops: one fused QKV projection (GPT-2's c_attn), an additive causal
// mask, optional rotary positions, and a key/value cache so generation costs
// one step per new token. The middle (scores, mask, softmax, value product)
// is the fused attention kernel of @wasmml/tensor.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { project } from './attention-math.js';

/** Weights of one causal self-attention block (GPT-2 layout: x·W, W is [in, out]). */
export interface CausalAttentionWeights {
  /** Fused query/key/value kernel [d, 3d]. */
  qkv: Tensor;
  /** Its bias [3d]. */
  qkvBias?: Tensor | undefined;
  /** Output projection [d, d]. */
  proj: Tensor;
  /** Its bias [d]. */
  projBias?: Tensor | undefined;
}

/** What {@link causalSelfAttention} returns. */
export interface AttentionResult {
  /** [B, T, d]. */
  output: Tensor;
  /** Keys and values of every position so far. */
  cache: KvCache;
}

/** Keys and values of the positions seen so far: [B, P, H, headDim] each (Keras's attention layout). */
export interface KvCache {
  /** Keys. */
  k: Tensor;
  /** Values. */
  v: Tensor;
}

/** Rotary tables for positions [offset, offset + T): cos and sin, [T, headDim]. */
export interface Rotary {
  /** cos of the rotation angles. */
  cos: Tensor;
  /** sin of the rotation angles. */
  sin: Tensor;
}

/**
 * cos/sin tables of rotary position embeddings (Su et al. 2021, the
 * rotate-half form of GPT-NeoX and Llama) for T positions from `offset`.
 */
export function rotaryTables(T: number, headDim: number, offset = 0, base = 10000): Rotary {
  const half = headDim / 2;
  const cos = new Float32Array(T * headDim),
    sin = new Float32Array(T * headDim);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const a = (offset + t) * base ** (-(2 * i) / headDim);
      cos[t * headDim + i] = cos[t * headDim + half + i] = Math.cos(a);
      sin[t * headDim + i] = sin[t * headDim + half + i] = Math.sin(a);
    }
  }
  return { cos: ops.tensor(cos, [T, headDim]), sin: ops.tensor(sin, [T, headDim]) };
}

// x [B, T, H, hd]: x·cos + rotate_half(x)·sin, rotate_half(x) = [-x2, x1]
// (the [T, hd] tables broadcast over the heads as [T, 1, hd]).
function applyRotary(x: Tensor, r: Rotary): Tensor {
  const [, T, , hd] = x.shape as [number, number, number, number];
  const [x1, x2] = ops.split(x, [hd / 2, hd / 2], 3) as [Tensor, Tensor];
  const cos = ops.reshape(r.cos, [T, 1, hd]),
    sin = ops.reshape(r.sin, [T, 1, hd]);
  return ops.add(ops.mul(x, cos), ops.mul(ops.concat([ops.neg(x2), x1], 3), sin));
}

/** [T, S] additive mask: query t (at absolute position S - T + t) sees keys 0..S-T+t. */
export function causalMask(T: number, S: number): Tensor {
  const m = new Float32Array(T * S);
  for (let t = 0; t < T; t++) for (let s = S - T + t + 1; s < S; s++) m[t * S + s] = -1e9;
  return ops.tensor(m, [T, S]);
}

// Softmax attention with dropout on the probabilities (training only), composed
// from tensor ops in the [B, H, positions, hd] layout; the fused kernel has no dropout.
function composedAttention(q: Tensor, keys: Tensor, values: Tensor, dropout: number, seed: number | undefined): Tensor {
  const [qh, kh, vh] = [q, keys, values].map((t) => ops.transpose(t, [0, 2, 1, 3])) as [Tensor, Tensor, Tensor];
  const T = q.shape[1] as number,
    S = keys.shape[1] as number;
  let logits = ops.mul(ops.matMul(qh, kh, false, true), 1 / Math.sqrt(q.shape[3] as number));
  if (T > 1) logits = ops.add(logits, causalMask(T, S));
  const probs = ops.dropout(ops.softmax(logits), dropout, undefined, seed);
  return ops.transpose(ops.matMul(probs, vh), [0, 2, 1, 3]);
}

/**
 * Causal self-attention of x [B, T, d] with `heads` heads. With `cache` (the
 * keys/values of earlier positions) x holds only the new positions; the
 * returned cache holds all of them. Returns [B, T, d]. The scores, mask,
 * softmax and value product run as one fused kernel
 * ({@link @wasmml/tensor!dotProductAttention}) unless attention dropout is on.
 */
export function causalSelfAttention(
  x: Tensor,
  w: CausalAttentionWeights,
  heads: number,
  opts: {
    cache?: KvCache | undefined;
    rotary?: Rotary | undefined;
    dropout?: number;
    training?: boolean;
    seed?: number | undefined;
  } = {},
): AttentionResult {
  const [B, T, d] = x.shape as [number, number, number];
  const hd = d / heads;
  const qkv = project(x, w.qkv, w.qkvBias, opts.training);
  const [q0, k0, v0] = ops.split(qkv, 3, 2).map((t) => ops.reshape(t, [B, T, heads, hd])) as [Tensor, Tensor, Tensor];
  let q = q0,
    k = k0;
  if (opts.rotary) {
    q = applyRotary(q0, opts.rotary);
    k = applyRotary(k0, opts.rotary);
  }
  const keys = opts.cache ? ops.concat([opts.cache.k, k], 1) : k;
  const values = opts.cache ? ops.concat([opts.cache.v, v0], 1) : v0;
  const ctx =
    opts.training && opts.dropout
      ? composedAttention(q, keys, values, opts.dropout, opts.seed)
      : ops.dotProductAttention(q, keys, values, { causal: true });
  const merged = ops.reshape(ctx, [B, T, d]);
  return { output: project(merged, w.proj, w.projBias, opts.training), cache: { k: keys, v: values } };
}

/** RMS normalisation over the last axis (Zhang & Sennrich 2019): x / sqrt(mean(x²) + eps) · gamma. */
export function rmsNorm(x: Tensor, gamma: Tensor, epsilon: number): Tensor {
  return ops.rmsNorm(x, gamma, epsilon);
}
