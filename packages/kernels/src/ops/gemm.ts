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
