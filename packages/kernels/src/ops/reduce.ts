// Reductions over a contiguous set of axes: the input is viewed as
// [outer, r, inner] and reduced over r. Long axes are cut into fixed chunks
// whose partials are reduced again (see assembly/reduce.ts), so results are
// deterministic and one long vector still spreads over the pool.
import { checkCounts } from './checks.js';
import { runtime } from '../runtime.js';
import { f32View, i32View, u8View } from '../views.js';

/** Reduction ops: tfjs's sum, mean, prod, max, min, all, any, logSumExp, argMax, argMin. */
export type ReduceOp = 'sum' | 'mean' | 'prod' | 'max' | 'min' | 'all' | 'any' | 'logSumExp' | 'argMax' | 'argMin';

/** Element types the reductions read: float32, int32, or bool (one byte per element). */
export type ReduceDtype = 'float32' | 'int32' | 'bool';

/** Keep in step with CHUNK and COLS in assembly/reduce.ts. */
const CHUNK = 4096;
const COLS = 16;
const COLS8 = 64;

const DTYPES: Record<ReduceOp, ReduceDtype[]> = {
  sum: ['float32', 'int32'],
  prod: ['float32', 'int32'],
  max: ['float32', 'int32'],
  min: ['float32', 'int32'],
  mean: ['float32'],
  logSumExp: ['float32'],
  argMax: ['float32', 'int32'],
  argMin: ['float32', 'int32'],
  all: ['bool'],
  any: ['bool'],
};

/** A tensor seen as [outer, r, inner] for a reduction over r. */
export interface ReduceDims {
  /** Product of the dims before the reduced ones. */
  outer: number;
  /** Product of the reduced dims. */
  r: number;
  /** Product of the dims after the reduced ones. */
  inner: number;
}

/** The [outer, r, inner] view of `shape` reduced over `axes` (which must be contiguous once sorted). */
export function reduceDims(shape: readonly number[], axes: readonly number[], what = 'reduce'): ReduceDims {
  const rank = shape.length;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`wasmml ${what}: bad shape [${shape}]`);
  }
  const ax = [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  for (const a of ax) {
    if (!Number.isInteger(a) || a < 0 || a >= rank) {
      throw new RangeError(`wasmml ${what}: axis ${a} is out of range for shape [${shape}] (rank ${rank})`);
    }
  }
  if (ax.length > 0 && ax[ax.length - 1]! - ax[0]! !== ax.length - 1) {
    throw new Error(`wasmml ${what}: axes [${axes}] of shape [${shape}] are not contiguous; transpose them together first`);
  }
  const lo = ax.length ? ax[0]! : rank,
    hi = ax.length ? ax[ax.length - 1]! + 1 : rank;
  const prod = (a: number, b: number) => shape.slice(a, b).reduce((p, d) => p * d, 1);
  return { outer: prod(0, lo), r: prod(lo, hi), inner: prod(hi, rank) };
}

function kernelName(op: ReduceOp, dtype: ReduceDtype): string {
  if (op === 'all' || op === 'any') return `reduce_${op}_u8`;
  if (op === 'argMax' || op === 'argMin') return `${op.toLowerCase()}_${dtype === 'int32' ? 'i32' : 'f32'}`;
  return `reduce_${op === 'mean' ? 'sum' : op}_${dtype === 'int32' ? 'i32' : 'f32'}`;
}

// What an empty reduction gives (sum 0, prod 1, max -inf, ... as reducing nothing does).
function fillEmpty(op: ReduceOp, dtype: ReduceDtype, out: number, n: number): void {
  if (dtype === 'bool' || op === 'all' || op === 'any') {
    u8View(out, n).fill(op === 'all' ? 1 : 0);
    return;
  }
  const int = dtype === 'int32';
  const v = {
    sum: 0,
    prod: 1,
    mean: NaN,
    logSumExp: -Infinity,
    max: int ? -2147483648 : -Infinity,
    min: int ? 2147483647 : Infinity,
  } as Record<string, number>;
  (int ? i32View(out, n) : f32View(out, n)).fill(v[op]!);
}

/**
 * Reduces x (of `shape`, dtype `dtype`) over `axes` into out, tfjs style:
 * `out` holds shape without the reduced axes; it is int32 for argMax/argMin,
 * bool (uint8) for all/any and of x's dtype otherwise. The axes must be
 * contiguous (transpose first otherwise); argMax/argMin take one axis and give
 * the first extreme (NaN only wins in first place, as in tfjs). Reducing an
 * empty axis gives the identity (0, 1, -inf, +inf, true, false, NaN for mean,
 * -inf for logSumExp); argMax/argMin of an empty axis throw. Mean is the sum
 * divided by the count (tfjs divides first, then sums: they differ by rounding).
 */
export function reduce(
  op: ReduceOp,
  x: number,
  out: number,
  shape: readonly number[],
  axes: readonly number[],
  dtype: ReduceDtype = 'float32',
): void {
  const allowed = DTYPES[op];
  if (!allowed) throw new Error(`wasmml reduce: unknown op '${op}'`);
  if (!allowed.includes(dtype)) {
    throw new TypeError(`wasmml reduce ${op}: dtype ${dtype} is not supported (expected ${allowed.join(' or ')})`);
  }
  if ((op === 'argMax' || op === 'argMin') && axes.length !== 1) {
    throw new Error(`wasmml ${op}: expected exactly one axis, got [${axes}] for shape [${shape}]`);
  }
  const { outer, r, inner } = reduceDims(shape, axes, `reduce ${op}`);
  reduceCollapsed(op, x, out, outer, r, inner, dtype);
}

/** As `reduce`, with x given directly as [outer, r, inner] and reduced over r into [outer, inner]. */
export function reduceCollapsed(
  op: ReduceOp,
  x: number,
  out: number,
  outer: number,
  r: number,
  inner: number,
  dtype: ReduceDtype = 'float32',
): void {
  checkCounts(`reduce ${op}`, { outer, r, inner });
  if (!DTYPES[op]?.includes(dtype)) throw new TypeError(`wasmml reduce ${op}: dtype ${dtype} is not supported`);
  const n = outer * inner;
  if (n === 0) return;
  if (r === 0) {
    if (op === 'argMax' || op === 'argMin') throw new Error(`wasmml ${op}: the reduced axis is empty ([${outer}, 0, ${inner}])`);
    fillEmpty(op, dtype, out, n);
    return;
  }
  const rt = runtime();
  const bytes = dtype === 'bool' ? 1 : 4;
  const cols = dtype === 'bool' ? COLS8 : COLS;
  const colBlocks = (w: number) => (inner === 1 ? 1 : Math.ceil(inner / w));
  const chunksOf = (rows: number) => Math.ceil(rows / CHUNK);
  const cost = (rows: number) => Math.min(rows, CHUNK) * Math.min(inner, cols) * (op === 'logSumExp' ? 12 : 1) + 8;
  const temps: number[] = [];
  const tmp = (b: number) => {
    const p = rt.arena.alloc(Math.max(16, b));
    temps.push(p);
    return p;
  };
  try {
    if (op === 'argMax' || op === 'argMin') {
      const chunks = chunksOf(r);
      const name = kernelName(op, dtype);
      if (chunks === 1) {
        rt.pool.run(name, [x, 0, out, outer, r, inner], outer * colBlocks(COLS), { cost: cost(r) });
        return;
      }
      const vals = tmp(outer * chunks * inner * 4),
        idx = tmp(outer * chunks * inner * 4);
      rt.pool.run(name, [x, vals, idx, outer, r, inner], outer * chunks * colBlocks(COLS), { cost: cost(r) });
      rt.pool.run(name.replace(/_/, '_merge_'), [vals, idx, out, outer, chunks, inner], outer * Math.ceil(inner / 4), { cost: chunks * 4 });
      return;
    }
    if (op === 'logSumExp') {
      const chunks = chunksOf(r);
      if (chunks === 1) {
        rt.pool.run('logsumexp_f32', [x, out, 0, outer, r, inner], outer * colBlocks(COLS), { cost: cost(r) });
        return;
      }
      const m = tmp(outer * chunks * inner * 4),
        s = tmp(outer * chunks * inner * 4);
      rt.pool.run('logsumexp_f32', [x, m, s, outer, r, inner], outer * chunks * colBlocks(COLS), { cost: cost(r) });
      rt.pool.run('logsumexp_merge_f32', [m, s, out, outer, chunks, inner], outer * Math.ceil(inner / 4), { cost: chunks * 16 });
      return;
    }
    // Reduce chunk partials again until one chunk is left.
    let src = x,
      rows = r;
    for (;;) {
      const chunks = chunksOf(rows);
      const last = chunks === 1;
      const dst = last ? out : tmp(outer * chunks * inner * bytes);
      const mean = last && op === 'mean';
      rt.pool.run(
        mean ? 'reduce_mean_f32' : kernelName(op, dtype),
        mean ? [src, dst, outer, rows, inner, r] : [src, dst, outer, rows, inner],
        outer * chunks * colBlocks(cols),
        { cost: cost(rows) },
      );
      if (last) return;
      src = dst;
      rows = chunks;
    }
  } finally {
    for (const p of temps) rt.arena.free(p);
  }
}
