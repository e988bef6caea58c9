// matMul (batched, with transposes and batch broadcasting), dot, outerProduct.
import { gemm } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape, sizeOf } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';

function describe(a: Tensor, b: Tensor): string {
  return `a ${fmtShape(a.shape)} (${a.dtype}), b ${fmtShape(b.shape)} (${b.dtype})`;
}

/** Raw product without recording: shapes already checked and batch dims resolved. */
function product(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, op: string): Tensor {
  const ra = a.rank,
    rb = b.rank;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb) {
    throw new Error(
      `${op}: inner dimensions do not match: ${describe(a, b)} with transposeA=${transposeA}, ` +
        `transposeB=${transposeB} gives ${k} (from a) vs ${kb} (from b)`,
    );
  }
  const batchA = a.shape.slice(0, -2),
    batchB = b.shape.slice(0, -2);
  const na = sizeOf(batchA),
    nb = sizeOf(batchB);
  let batchShape: number[];
  if (na === nb && (batchA.length === batchB.length || na === 1)) batchShape = batchA.length >= batchB.length ? batchA : batchB;
  else if (nb === 1) batchShape = batchA;
  else if (na === 1) batchShape = batchB;
  else {
    throw new Error(
      `${op}: batch dimensions ${fmtShape(batchA)} and ${fmtShape(batchB)} of ${describe(a, b)} do not broadcast (one side must have batch size 1 or both the same)`,
    );
  }
  const batch = sizeOf(batchShape);
  const out = emptyTensor([...batchShape, m, n], 'float32');
  gemm(a.ptr, b.ptr, out.ptr, m, n, k, {
    transposeA,
    transposeB,
    batch,
    batchA: na > 1,
    batchB: nb > 1,
  });
  return out;
}

/** Sums a batched gradient over the batch dimensions its input did not have. */
function unbroadcastBatch(g: Tensor, input: Tensor): Tensor {
  if (g.rank === input.rank && sizeOf(g.shape.slice(0, -2)) === sizeOf(input.shape.slice(0, -2))) {
    return g.rank === input.rank ? reshape(g, input.shape) : g;
  }
  const lead = g.rank - 2;
  const summed = sum(
    g,
    Array.from({ length: lead }, (_, i) => i),
  );
  return reshape(summed, input.shape);
}

/**
 * Matrix product of the last two dimensions, batched over the leading ones
 * (a batch of 1 broadcasts). float32 only.
 */
export function matMul(a: Tensor | TensorLike, b: Tensor | TensorLike, transposeA = false, transposeB = false): Tensor {
  const at = convert(a, 'a', 'matMul'),
    bt = convert(b, 'b', 'matMul');
  if (at.rank < 2 || bt.rank < 2) {
    throw new Error(`matMul: both inputs must have rank >= 2, got ${describe(at, bt)}`);
  }
  if (at.dtype !== 'float32' || bt.dtype !== 'float32') {
    throw new Error(`matMul: inputs must be float32, got ${describe(at, bt)}; cast them first`);
  }
  const out = product(at, bt, transposeA, transposeB, 'matMul');
  record('BatchMatMul', [at, bt], [out], ([dy], needed) => {
    const g = 'matMul grad';
    const da = !needed[0]
      ? undefined
      : !transposeA && !transposeB
        ? product(dy!, bt, false, true, g)
        : !transposeA
          ? product(dy!, bt, false, false, g)
          : !transposeB
            ? product(bt, dy!, false, true, g)
            : product(bt, dy!, true, true, g);
    const db = !needed[1]
      ? undefined
      : !transposeA && !transposeB
        ? product(at, dy!, true, false, g)
        : !transposeA
          ? product(dy!, at, true, false, g)
          : !transposeB
            ? product(at, dy!, false, false, g)
            : product(dy!, at, true, true, g);
    return [da && unbroadcastBatch(da, at), db && unbroadcastBatch(db, bt)];
  });
  return out;
}

/** Dot product of vectors / matrix-vector / matrix-matrix products (rank 1 or 2). */
export function dot(a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  const at = convert(a, 'a', 'dot'),
    bt = convert(b, 'b', 'dot');
  if (at.rank < 1 || at.rank > 2 || bt.rank < 1 || bt.rank > 2) {
    throw new Error(`dot: inputs must have rank 1 or 2, got ${describe(at, bt)}`);
  }
  const a2 = at.rank === 1 ? reshape(at, [1, at.size]) : at;
  const b2 = bt.rank === 1 ? reshape(bt, [bt.size, 1]) : bt;
  const p = matMul(a2, b2);
  if (at.rank === 1 && bt.rank === 1) return reshape(p, []);
  if (at.rank === 1) return reshape(p, [p.shape[1]!]);
  if (bt.rank === 1) return reshape(p, [p.shape[0]!]);
  return p;
}

/** Outer product of two vectors: [m] x [n] -> [m, n]. */
export function outerProduct(v1: Tensor | TensorLike, v2: Tensor | TensorLike): Tensor {
  const a = convert(v1, 'v1', 'outerProduct'),
    b = convert(v2, 'v2', 'outerProduct');
  if (a.rank !== 1 || b.rank !== 1) throw new Error(`outerProduct: inputs must be vectors, got ${describe(a, b)}`);
  return matMul(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
}
