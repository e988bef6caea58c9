// Transpose / permute of rank <= 6 (after collapsing), for 4-byte and 1-byte elements.
import { runtime } from '../runtime.js';

/** Bytes per element the transpose kernels move: 4 (float32, int32) or 1 (bool, uint8). */
export type ElementBytes = 4 | 1;

const STRIP = 16; // keep in step with assembly/transpose.ts
const MAX_RANK = 6;

/** A transpose problem reduced to its smallest equivalent form. */
export interface CollapsedPermutation {
  /** The collapsed input shape. */
  shape: number[];
  /** The permutation of the collapsed dims. */
  perm: number[];
}

/**
 * The smallest equivalent problem: size-1 dims dropped and input dims that stay
 * adjacent (in order) in the output merged.
 */
export function collapsePermutation(shape: readonly number[], perm: readonly number[]): CollapsedPermutation {
  const keep = shape.map((d, i) => (d !== 1 ? i : -1)).filter((i) => i >= 0);
  const renumber = new Map(keep.map((d, i) => [d, i]));
  const p = perm.filter((d) => renumber.has(d)).map((d) => renumber.get(d)!);
  const s = keep.map((d) => shape[d]!);
  // Runs of consecutive input dims, in output order.
  const runs: number[][] = [];
  for (const d of p) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1]! + 1 === d) last.push(d);
    else runs.push([d]);
  }
  const byInput = runs.map((r, i) => ({ first: r[0]!, size: r.reduce((a, d) => a * s[d]!, 1), out: i })).sort((a, b) => a.first - b.first);
  const newShape = byInput.map((g) => g.size);
  const pos = new Map(byInput.map((g, i) => [g.out, i]));
  return { shape: newShape, perm: runs.map((_, i) => pos.get(i)!) };
}

/**
 * y = transpose(x, perm) as tfjs: x has `shape` (row-major), y has shape
 * perm.map(d => shape[d]). Works on bytes, so 4-byte elements cover float32 and
 * int32, 1-byte bool and uint8. x and y must not overlap.
 */
export function transpose(x: number, y: number, shape: readonly number[], perm: readonly number[], elementBytes: ElementBytes = 4): void {
  const rank = shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((d, i) => d !== i)) {
    throw new Error(`wasmml transpose: perm [${perm}] is not a permutation of the ${rank} axes of shape [${shape}]`);
  }
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new RangeError(`wasmml transpose: bad shape [${shape}]`);
  if (elementBytes !== 4 && elementBytes !== 1) {
    throw new RangeError(`wasmml transpose: elementBytes must be 4 or 1, got ${elementBytes}`);
  }
  const size = shape.reduce((a, d) => a * d, 1);
  if (size === 0) return;
  const c = collapsePermutation(shape, perm);
  const r = c.shape.length;
  const rt = runtime();
  if (r <= 1) {
    new Uint8Array(rt.memory.buffer).copyWithin(y, x, x + size * elementBytes);
    return;
  }
  if (r > MAX_RANK) {
    throw new Error(
      `wasmml transpose: shape [${shape}] with perm [${perm}] is rank ${r} after collapsing; at most ${MAX_RANK} is supported`,
    );
  }
  const suffix = elementBytes === 4 ? 'f32' : 'u8';
  const batched2d = c.perm.every((d, i) => (i < r - 2 ? d === i : d === (i === r - 2 ? r - 1 : r - 2)));
  if (batched2d) {
    const rows = c.shape[r - 2]!,
      cols = c.shape[r - 1]!;
    const batch = size / (rows * cols);
    rt.pool.run(`transpose2d_${suffix}`, [x, y, rows, cols], batch * Math.ceil(cols / STRIP), { cost: rows * STRIP });
    return;
  }
  const inStride = c.shape.map((_, d) => c.shape.slice(d + 1).reduce((a, v) => a * v, 1));
  const dims = c.perm.map((d) => c.shape[d]!);
  const strides = c.perm.map((d) => inStride[d]!);
  while (dims.length < MAX_RANK) {
    dims.unshift(1);
    strides.unshift(0);
  }
  const rowLen = dims[MAX_RANK - 1]!;
  rt.pool.run(`transpose_${suffix}`, [x, y, ...dims, ...strides], size / rowLen, { cost: rowLen + 8 });
}
