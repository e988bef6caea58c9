// Fused scaled dot-product attention (see assembly/attention.ts): q [B, T, H, D],
// k and v [B, S, H, D], addresses are byte offsets into the arena.
import { checkCounts } from './checks.js';
import { runtime } from '../runtime.js';

/** Sizes and options of one attention call. */
export interface AttentionShape {
  /** Batch. */
  batch: number;
  /** Query positions. */
  queries: number;
  /** Key (value) positions. */
  keys: number;
  /** Heads. */
  heads: number;
  /** Size of each head. */
  headDim: number;
  /** Factor on the scores (usually 1/√headDim). */
  scale: number;
  /** Mask keys after each query's position (aligned to the end: query t is at keys - queries + t). */
  causal: boolean;
}

function check(what: string, s: AttentionShape): void {
  checkCounts(what, { batch: s.batch, queries: s.queries, keys: s.keys, heads: s.heads, headDim: s.headDim });
  if (!Number.isFinite(s.scale)) throw new RangeError(`wasmml ${what}: scale = ${s.scale}, expected a finite number`);
}

// Scratch: one vector (the 4 rows of a tile) per key, and one more.
const align16 = (n: number) => Math.ceil(n / 16) * 16;

// Scores and value products: about 2·D multiply-adds per visible key each way.
const rowCost = (s: AttentionShape) => (s.causal ? (s.keys + 1) / 2 : s.keys) * s.headDim * 4 + 16;

/** o = softmax(scale·q·kᵀ [causal])·v and the rows' log-sum-exp lse [B, T, H]. */
export function attention(q: number, k: number, v: number, o: number, lse: number, s: AttentionShape): void {
  check('attention', s);
  const tiles = s.batch * s.heads * Math.ceil(s.queries / 4);
  if (tiles === 0 || s.headDim === 0) return;
  runtime().pool.run('attention_f32', [q, k, v, o, lse, s.queries, s.keys, s.heads, s.headDim, s.scale, s.causal ? 1 : 0], tiles, {
    cost: 4 * rowCost(s),
    scratchBytes: align16(16 * s.keys + 16),
  });
}

/** dq, dk, dv of {@link attention} from its output gradient dout, output o and lse (all overwritten). */
export function attentionGrad(
  q: number,
  k: number,
  v: number,
  o: number,
  lse: number,
  dout: number,
  dq: number,
  dk: number,
  dv: number,
  s: AttentionShape,
): void {
  check('attentionGrad', s);
  const pairs = s.batch * s.heads;
  if (pairs === 0 || s.headDim === 0) return;
  runtime().pool.run(
    'attention_grad_f32',
    [q, k, v, o, lse, dout, dq, dk, dv, s.queries, s.keys, s.heads, s.headDim, s.scale, s.causal ? 1 : 0],
    pairs,
    { cost: s.queries * rowCost(s) * 2.5 + 16, scratchBytes: align16(32 * s.keys + 16) },
  );
}
