// dotProductAttention: softmax(scale·q·kᵀ [+ causal mask])·v as one recorded op
// on the fused kernel (assembly/attention.ts), so neither direction builds the
// [batch, heads, queries, keys] score tensor the composed ops need.
import { attention, attentionGrad, type AttentionShape } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record, recording } from '../engine.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { zeros } from '../create.js';

/** Options of {@link dotProductAttention}. */
export interface DotProductAttentionOptions {
  /** Factor on the scores (default 1/√headDim). */
  scale?: number;
  /**
   * Mask the keys after each query (default false). Aligned to the end: with S
   * keys and T queries, query t is at position S - T + t, as when the keys hold
   * a key/value cache of S - T earlier positions; with S = T the usual triangle.
   */
  causal?: boolean;
}

const KEYS: OptionKeys<DotProductAttentionOptions> = { scale: true, causal: true };

/**
 * Scaled dot-product attention in Keras 3's layout (`keras.ops.dot_product_attention`):
 * query [batch, T, heads, headDim], key and value [batch, S, heads, headDim] →
 * [batch, T, heads, headDim]. Differentiable in all three; a query row that
 * sees no key (causal, T > S) gives zeros.
 */
export function dotProductAttention(
  query: Tensor | TensorLike,
  key: Tensor | TensorLike,
  value: Tensor | TensorLike,
  options: DotProductAttentionOptions = {},
): Tensor {
  checkOptions('dotProductAttention', options, KEYS);
  const q = convert(query, 'query', 'dotProductAttention'),
    k = convert(key, 'key', 'dotProductAttention'),
    v = convert(value, 'value', 'dotProductAttention');
  const desc = `query ${fmtShape(q.shape)} (${q.dtype}), key ${fmtShape(k.shape)} (${k.dtype}), value ${fmtShape(v.shape)} (${v.dtype})`;
  if ([q, k, v].some((t) => t.dtype !== 'float32')) throw new Error(`dotProductAttention: expected float32 tensors, got ${desc}`);
  if ([q, k, v].some((t) => t.rank !== 4))
    throw new Error(`dotProductAttention: expected rank-4 [batch, positions, heads, headDim] tensors, got ${desc}`);
  const [B, T, H, D] = q.shape as [number, number, number, number];
  const S = k.shape[1] as number;
  if (k.shape[0] !== B || k.shape[2] !== H || k.shape[3] !== D || v.shape.some((n, i) => n !== k.shape[i]))
    throw new Error(
      `dotProductAttention: key and value must be [${B}, S, ${H}, ${D}] (batch, heads and headDim of the query), got ${desc}`,
    );
  const scale = options.scale ?? 1 / Math.sqrt(D);
  if (!Number.isFinite(scale)) throw new Error(`dotProductAttention: scale must be a finite number, got ${scale}`);
  const shape: AttentionShape = { batch: B, queries: T, keys: S, heads: H, headDim: D, scale, causal: options.causal ?? false };
  const out = emptyTensor([B, T, H, D], 'float32');
  const lse = emptyTensor([B, T, H], 'float32');
  attention(q.ptr, k.ptr, v.ptr, out.ptr, lse.ptr, shape);
  if (!recording()) {
    lse.dispose();
    return out;
  }
  record('DotProductAttention', [q, k, v], [out], ([dy]) => {
    if (T === 0 || S === 0 || D === 0) return [zeros(q.shape), zeros(k.shape), zeros(v.shape)];
    const dq = emptyTensor(q.shape, 'float32'),
      dk = emptyTensor(k.shape, 'float32'),
      dv = emptyTensor(v.shape, 'float32');
    attentionGrad(q.ptr, k.ptr, v.ptr, out.ptr, lse.ptr, dy!.ptr, dq.ptr, dk.ptr, dv.ptr, shape);
    return [dq, dk, dv];
  });
  return out;
}
