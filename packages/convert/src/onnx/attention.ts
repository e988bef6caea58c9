// MultiHeadAttention (registered by @wasmml/nlp) as an ONNX composition at
// opset 17, which has no attention op: projections as MatMul + Add, heads by
// Reshape + Transpose, softmax(q·kᵀ / sqrt(key_dim)) · v, heads merged back,
// the output projection. Our kernels are [in, heads * dim] (Keras's
// [in, heads, dim], flattened), so each projection is one MatMul.
import type { GraphBuilder } from './graph.js';
import type { Layer, Variable } from './types.js';

type Json = Record<string, unknown>;

export function attentionIssues(cfg: Json): string[] {
  return cfg.attention_axes !== undefined && cfg.attention_axes !== null ? [`attention_axes=${JSON.stringify(cfg.attention_axes)}`] : [];
}

function values(v: Variable): Float32Array {
  return v.dataSync() as Float32Array;
}

/** x [B, T, d] · W [d, n] (+ b). */
function project(g: GraphBuilder, x: string, w: Variable, b: Variable | undefined, base: string): string {
  const y = g.op1('MatMul', [x, g.float(`${base}_kernel`, [...w.shape], values(w))], {}, base);
  return b ? g.op1('Add', [y, g.float(`${base}_bias`, [...b.shape], values(b))], {}, `${base}_bias_add`) : y;
}

/** [B, T, H * d] -> [B, H, T, d] (perm [0, 2, 1, 3]) or [B, H, d, T] (perm [0, 2, 3, 1], for keys). */
function heads(g: GraphBuilder, x: string, h: number, d: number, perm: number[], base: string): string {
  const r = g.op1('Reshape', [x, g.int64(`${base}_split_shape`, [0, 0, h, d])], {}, `${base}_split`);
  return g.op1('Transpose', [r], { perm }, `${base}_heads`);
}

/** inputs: [query] (self-attention), [query, value] or [query, value, key]. */
export function emitAttention(g: GraphBuilder, ins: string[], layer: Layer, base: string): string {
  const l = layer as unknown as { numHeads: number; keyDim: number; valueDim: number; useBias: boolean };
  const [query, value = query, key = value] = ins as [string, string?, string?];
  const w = layer.weights;
  const bias = (i: number) => (l.useBias ? w[4 + i] : undefined);
  const H = l.numHeads,
    dk = l.keyDim,
    dv = l.valueDim;
  const q = heads(g, project(g, query, w[0]!, bias(0), `${base}_query`), H, dk, [0, 2, 1, 3], `${base}_query`);
  const kT = heads(g, project(g, key!, w[1]!, bias(1), `${base}_key`), H, dk, [0, 2, 3, 1], `${base}_key`);
  const v = heads(g, project(g, value!, w[2]!, bias(2), `${base}_value`), H, dv, [0, 2, 1, 3], `${base}_value`);
  const logits = g.op1(
    'Mul',
    [g.op1('MatMul', [q, kT], {}, `${base}_qk`), g.float(`${base}_scale`, [], [1 / Math.sqrt(dk)])],
    {},
    `${base}_logits`,
  );
  const scores = g.op1('Softmax', [logits], { axis: -1 }, `${base}_scores`);
  const ctx = g.op1('MatMul', [scores, v], {}, `${base}_context`);
  const merged = g.op1(
    'Reshape',
    [g.op1('Transpose', [ctx], { perm: [0, 2, 1, 3] }, `${base}_context_bthd`), g.int64(`${base}_merge_shape`, [0, 0, H * dv])],
    {},
    `${base}_merged`,
  );
  return project(g, merged, w[3]!, bias(3), `${base}_output`);
}
