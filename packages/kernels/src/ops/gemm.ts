// C = act(op(A)·op(B) + bias), batched; addresses are byte offsets into the arena.
import { runtime } from '../runtime.js';
import { actCode, type ActName } from './codes.js';

const MR = 4;
const NR = 8;

/** Options of {@link gemm}: transposes, batching, fused bias and activation, accumulation. */
export interface GemmOptions {
  /** A is stored [k][m] and used transposed (default false). */
  transposeA?: boolean;
  /** B is stored [n][k] and used transposed (default false). */
  transposeB?: boolean;
  /** Number of matrices (default 1). */
  batch?: number;
  /** Whether each batch has its own A / B (default true); false broadcasts one. */
  batchA?: boolean;
  /** Whether each batch has its own B (default true); false uses one B for every batch. */
  batchB?: boolean;
  /** Address of a length-N bias vector, or 0. */
  bias?: number;
  /** Activation applied after the bias (default 'linear'). */
  activation?: ActName;
  /** Parameter of leakyRelu / elu. */
  alpha?: number;
  /** Add into C instead of overwriting it (no bias or activation then). */
  accumulate?: boolean;
  /**
   * @internal How the work is split over threads: by 4-row panels, or by
   * 16-column groups over every row (chosen by shape when absent). Both give
   * the same bits; tests and benches force one.
   */
  split?: 'rows' | 'cols';
}

/**
 * C[batch][m][n] = op(A)[m][k] · op(B)[k][n], row-major and contiguous.
 * A is [m][k] ([k][m] when transposeA); B is [k][n] ([n][k] when transposeB).
 */
export function gemm(a: number, b: number, c: number, m: number, n: number, k: number, opts: GemmOptions = {}): void {
  const rt = runtime();
  const batch = opts.batch ?? 1;
  if (batch === 0 || m === 0 || n === 0) return;
  const bPerBatch = (opts.batchB ?? true) && batch > 1;
  const aPerBatch = (opts.batchA ?? true) && batch > 1;
  if (k > 0 && (opts.split ?? chooseSplit(batch, m, n)) === 'cols') {
    gemmCols(a, b, c, m, n, k, opts, aPerBatch, bPerBatch);
    return;
  }
  const np = Math.ceil(n / NR);
  const packedElems = np * k * NR;
  const packedBatches = bPerBatch ? batch : 1;
  const packed = rt.arena.alloc(Math.max(4, packedElems * packedBatches * 4));
  try {
    const [bks, bjs] = opts.transposeB ? [1, k] : [n, 1];
    rt.pool.run('gemm_pack_b_f32', [b, bks, bjs, k * n, k, n, packed], packedBatches * np, { cost: k * NR });
    const [ars, aks] = opts.transposeA ? [1, m] : [k, 1];
    const act = actCode('gemm', opts.activation);
    rt.pool.run(
      'gemm_f32',
      [
        a,
        ars,
        aks,
        aPerBatch ? m * k : 0,
        packed,
        bPerBatch ? packedElems : 0,
        c,
        n,
        m * n,
        m,
        n,
        k,
        opts.bias ?? 0,
        act,
        opts.alpha ?? 0.2,
        opts.accumulate ? 1 : 0,
      ],
      batch * Math.ceil(m / MR),
      { cost: MR * n * k + 1, scratchBytes: MR * k * 4 + 64 },
    );
  } finally {
    rt.arena.free(packed);
  }
}

/**
 * The column split for up to 128 rows: there the row split reads all of B once
 * per 4-row panel (from L3 once B outgrows L2) and leaves threads idle when
 * panels are fewer than threads, where the column split re-reads only the
 * packed A, which still fits in L2 (bench/gemm-split.mjs: 1.3-1.6x at m = 16-128,
 * 2.6-4.7x at m = 1; 0.9x at 512 rows and up).
 */
function chooseSplit(batch: number, m: number, n: number): 'rows' | 'cols' {
  return m <= 128 && batch * Math.ceil(n / (2 * NR)) >= 2 ? 'cols' : 'rows';
}

function gemmCols(
  a: number,
  b: number,
  c: number,
  m: number,
  n: number,
  k: number,
  opts: GemmOptions,
  aPerBatch: boolean,
  bPerBatch: boolean,
): void {
  const rt = runtime();
  const batch = opts.batch ?? 1;
  const mp = Math.ceil(m / MR),
    np = Math.ceil(n / NR);
  const groups = Math.ceil(np / 2);
  // Row-major B in whole panels is read where it is; anything else is packed.
  const inPlace = !opts.transposeB && n % NR === 0;
  const packedA = rt.arena.alloc(Math.max(4, (aPerBatch ? batch : 1) * mp * k * MR * 4));
  const packedB = inPlace ? 0 : rt.arena.alloc(Math.max(4, (bPerBatch ? batch : 1) * np * k * NR * 4));
  try {
    const [ars, aks] = opts.transposeA ? [1, m] : [k, 1];
    rt.pool.run('gemm_pack_a_f32', [a, ars, aks, m * k, m, k, packedA], (aPerBatch ? batch : 1) * mp, { cost: k * MR });
    let bArgs: number[];
    if (inPlace) {
      bArgs = [b, NR, n, bPerBatch ? k * n : 0];
    } else {
      const [bks, bjs] = opts.transposeB ? [1, k] : [n, 1];
      rt.pool.run('gemm_pack_b_f32', [b, bks, bjs, k * n, k, n, packedB], (bPerBatch ? batch : 1) * np, { cost: k * NR });
      bArgs = [packedB, k * NR, NR, bPerBatch ? np * k * NR : 0];
    }
    const act = actCode('gemm', opts.activation);
    rt.pool.run(
      'gemm_cols_f32',
      [
        packedA,
        aPerBatch ? mp * k * MR : 0,
        ...bArgs,
        c,
        n,
        m * n,
        m,
        n,
        k,
        opts.bias ?? 0,
        act,
        opts.alpha ?? 0.2,
        opts.accumulate ? 1 : 0,
      ],
      batch * groups,
      { cost: m * 2 * NR * k + 1 },
    );
  } finally {
    if (packedB !== 0) rt.arena.free(packedB);
    rt.arena.free(packedA);
  }
}
