// Causal (masked) multi-head self-attention for decoder blocks, composed from
// tensor ops: one fused QKV projection (GPT-2's c_attn), an additive causal
// mask, optional rotary positions, and a key/value cache so generation costs
// one step per new token. A fused attention kernel would replace the middle
// (scores, mask, softmax, value product) once a measurement asks for it.
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

/** Keys and values of the positions seen so far: [B, H, P, headDim] each. */
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

// x [B, H, T, hd]: x·cos + rotate_half(x)·sin, rotate_half(x) = [-x2, x1].
function applyRotary(x: Tensor, r: Rotary): Tensor {
  const hd = x.shape[3] as number;
  const [x1, x2] = ops.split(x, [hd / 2, hd / 2], 3) as [Tensor, Tensor];
  return ops.add(ops.mul(x, r.cos), ops.mul(ops.concat([ops.neg(x2), x1], 3), r.sin));
}

/** [T, S] additive mask: query t (at absolute position S - T + t) sees keys 0..S-T+t. */
export function causalMask(T: number, S: number): Tensor {
  const m = new Float32Array(T * S);
  for (let t = 0; t < T; t++) for (let s = S - T + t + 1; s < S; s++) m[t * S + s] = -1e9;
  return ops.tensor(m, [T, S]);
}

/**
 * Causal self-attention of x [B, T, d] with `heads` heads. With `cache` (the
 * keys/values of earlier positions) x holds only the new positions; the
 * returned cache holds all of them. Returns [B, T, d].
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
  const [q0, k0, v0] = ops.split(qkv, 3, 2).map((t) => ops.transpose(ops.reshape(t, [B, T, heads, hd]), [0, 2, 1, 3])) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  let q = q0,
    k = k0;
  if (opts.rotary) {
    q = applyRotary(q0, opts.rotary);
    k = applyRotary(k0, opts.rotary);
  }
  const keys = opts.cache ? ops.concat([opts.cache.k, k], 2) : k;
  const values = opts.cache ? ops.concat([opts.cache.v, v0], 2) : v0;
  const S = keys.shape[2] as number;
  let logits = ops.mul(ops.matMul(q, keys, false, true), 1 / Math.sqrt(hd));
  if (T > 1) logits = ops.add(logits, causalMask(T, S));
  let probs = ops.softmax(logits);
  if (opts.training && opts.dropout) probs = ops.dropout(probs, opts.dropout, undefined, opts.seed);
  const ctx = ops.matMul(probs, values);
  const merged = ops.reshape(ops.transpose(ctx, [0, 2, 1, 3]), [B, T, d]);
  return { output: project(merged, w.proj, w.projBias, opts.training), cache: { k: keys, v: values } };
}

/** RMS normalisation over the last axis (Zhang & Sennrich 2019): x / sqrt(mean(x²) + eps) · gamma. */
export function rmsNorm(x: Tensor, gamma: Tensor, epsilon: number): Tensor {
  return ops.mul(ops.mul(x, ops.rsqrt(ops.add(ops.mean(ops.square(x), -1, true), epsilon))), gamma);
}
