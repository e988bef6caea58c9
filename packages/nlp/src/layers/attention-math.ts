// Scaled dot-product attention over heads, shared by MultiHeadAttention and
// TransformerEncoder. Projections are [d, heads*headDim] matrices (Keras keeps
// them as [d, heads, headDim]; the same numbers, flattened for one GEMM).
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { adapterOf } from '../lora/registry.js';

/** The projection weights of one attention block. */
export interface AttentionWeights {
  query: Tensor;
  queryBias?: Tensor;
  key: Tensor;
  keyBias?: Tensor;
  value: Tensor;
  valueBias?: Tensor;
  output: Tensor;
  outputBias?: Tensor;
}

/**
 * x [B, T, d] · W [d, n] (+ b) -> [B, T, n]. A LoRA adapter on W adds
 * scale·(x·A)·B — two thin products, never the full-size A·B.
 */
export function project(x: Tensor, w: Tensor, b?: Tensor, training = false): Tensor {
  const [B, T, d] = x.shape as [number, number, number];
  const flat = ops.reshape(x, [B * T, d]);
  let y = ops.fusedMatMul({ a: flat, b: w, ...(b ? { bias: b } : {}) });
  const lora = adapterOf(w);
  if (lora && !lora.merged) {
    const input = training && lora.dropout > 0 ? ops.dropout(flat, lora.dropout, undefined, lora.seed) : flat;
    y = ops.add(y, ops.mul(ops.matMul(ops.matMul(input, lora.a), lora.b), lora.scale));
  }
  return ops.reshape(y, [B, T, w.shape[1]!]);
}

/** [B, T, H*k] -> [B, H, T, k]. */
function splitHeads(x: Tensor, heads: number): Tensor {
  const [B, T, n] = x.shape as [number, number, number];
  return ops.transpose(ops.reshape(x, [B, T, heads, n / heads]), [0, 2, 1, 3]);
}

/**
 * Multi-head attention of query [B, T, dq] over value [B, S, dv] (keys from
 * `key`, default value). keyMask [B, S] (1 keep, 0 padding) stops attention to
 * padded positions. Returns [B, T, dOut] and the attention scores [B, H, T, S].
 */
export function multiHeadAttention(
  query: Tensor,
  value: Tensor,
  key: Tensor,
  w: AttentionWeights,
  heads: number,
  opts: { keyMask?: Tensor | null; dropout?: number; training?: boolean; seed?: number } = {},
): { output: Tensor; scores: Tensor } {
  const tr = opts.training ?? false;
  const q = splitHeads(project(query, w.query, w.queryBias, tr), heads);
  const k = splitHeads(project(key, w.key, w.keyBias, tr), heads);
  const v = splitHeads(project(value, w.value, w.valueBias, tr), heads);
  const headDim = q.shape[3]!;
  let logits = ops.mul(ops.matMul(q, k, false, true), 1 / Math.sqrt(headDim));
  if (opts.keyMask) {
    const [B, S] = opts.keyMask.shape as [number, number];
    // Padded keys get -1e9 before the softmax: exp underflows to exactly 0.
    const adder = ops.mul(ops.sub(1, ops.cast(opts.keyMask, 'float32')), -1e9);
    logits = ops.add(logits, ops.reshape(adder, [B, 1, 1, S]));
  }
  const scores = ops.softmax(logits);
  const drop = opts.training && opts.dropout ? ops.dropout(scores, opts.dropout, undefined, opts.seed) : scores;
  const ctx = ops.matMul(drop, v);
  const [B, H, T, dv] = ctx.shape as [number, number, number, number];
  const merged = ops.reshape(ops.transpose(ctx, [0, 2, 1, 3]), [B, T, H * dv]);
  return { output: project(merged, w.output, w.outputBias, tr), scores };
}

/** Layer normalisation over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta. */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): Tensor {
  return ops.layerNorm(x, gamma, beta, epsilon);
}
