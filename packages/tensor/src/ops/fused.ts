// Fused matMul + bias + activation: one GEMM with the bias and activation
// applied while the output tile is still in registers (the Dense layer's hot
// path). Gradients use the output only, which suffices for these activations.
import { gemm, type ActName } from '@wasmml/kernels';
import { unaryGradInto } from '../backend.js';
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { matMul } from './matmul.js';
import { reduceRaw } from './reduce.js';
import { add } from './binary.generated.js';
import { getActivationFn } from './activation-fns.js';

/**
 * Activations a fused op applies in the same pass (tfjs fused activation names; 'leakyrelu' uses `leakyreluAlpha`,
 * 'elu' alpha 1).
 */
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'elu' | 'leakyrelu';

/** Arguments of {@link fusedMatMul} (tfjs `fused.matMul`). */
export interface FusedMatMulArgs {
  /** Left matrix, [m, k] ([k, m] with transposeA); float32. */
  a: Tensor | TensorLike;
  /** Right matrix, [k, n] ([n, k] with transposeB); float32. */
  b: Tensor | TensorLike;
  /** Use a transposed (default false). */
  transposeA?: boolean;
  /** Use b transposed (default false). */
  transposeB?: boolean;
  /** A vector added to every row (broadcast over the last axis). */
  bias?: Tensor | TensorLike;
  /** Activation applied after the bias (default 'linear'). */
  activation?: FusedActivation;
  /** Slope below zero of 'leakyrelu' (default 0.2). */
  leakyreluAlpha?: number;
}

/** The kernels' activation parameter: leakyRelu's slope, ELU's alpha (1 in tfjs). */
export function actAlpha(act: FusedActivation, leakyreluAlpha?: number): number {
  return act === 'leakyrelu' ? (leakyreluAlpha ?? 0.2) : act === 'elu' ? 1 : 0;
}

/** The kernels' name of each tfjs fused activation. */
export const KERNEL_ACT: Record<FusedActivation, ActName> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  elu: 'elu',
  leakyrelu: 'leakyRelu',
};

/** tfjs `fused.matMul` for rank-2 inputs: activation(op(a)·op(b) + bias). */
export function fusedMatMul(args: FusedMatMulArgs): Tensor {
  const a = convert(args.a, 'a', 'fused.matMul'),
    b = convert(args.b, 'b', 'fused.matMul');
  const act = args.activation ?? 'linear';
  const tA = args.transposeA ?? false,
    tB = args.transposeB ?? false;
  if (!(act in KERNEL_ACT)) throw new Error(`fused.matMul: unsupported activation '${act}'`);
  const bias = args.bias === undefined ? undefined : convert(args.bias, 'bias', 'fused.matMul');
  if (a.rank !== 2 || b.rank !== 2) {
    // Batched inputs: compose (rare in layers, which flatten to rank 2).
    let y = matMul(a, b, tA, tB);
    if (bias) y = add(y, bias);
    return getActivationFn(act, args.leakyreluAlpha)(y);
  }
  const m = tA ? a.shape[1]! : a.shape[0]!,
    k = tA ? a.shape[0]! : a.shape[1]!;
  const kb = tB ? b.shape[1]! : b.shape[0]!,
    n = tB ? b.shape[0]! : b.shape[1]!;
  if (k !== kb || a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error(
      `fused.matMul: a ${fmtShape(a.shape)} (${a.dtype}) and b ${fmtShape(b.shape)} (${b.dtype}) with transposeA=${tA}, transposeB=${tB}: expected float32 with matching inner dimensions (${k} vs ${kb})`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== n || bias.dtype !== 'float32')) {
    throw new Error(`fused.matMul: bias must be a float32 vector of length ${n}, got ${fmtShape(bias.shape)} (${bias.dtype})`);
  }
  const out = emptyTensor([m, n], 'float32');
  gemm(a.ptr, b.ptr, out.ptr, m, n, k, {
    transposeA: tA,
    transposeB: tB,
    activation: KERNEL_ACT[act],
    alpha: actAlpha(act, args.leakyreluAlpha),
    ...(bias ? { bias: bias.ptr } : {}),
  });
  const inputs = bias ? [a, b, bias] : [a, b];
  record('_FusedMatMul', inputs, [out], ([dy], needed) => {
    const kind = act === 'leakyrelu' ? 'leakyRelu' : act;
    const dz = kind === 'linear' ? dy! : unaryGradInto(kind, out, out, dy!, actAlpha(act, args.leakyreluAlpha));
    // Gradients only where asked: a first layer's input is data.
    const da = !needed[0]
      ? undefined
      : !tA && !tB
        ? matMul(dz, b, false, true)
        : !tA && tB
          ? matMul(dz, b, false, false)
          : tA && !tB
            ? matMul(b, dz, false, true)
            : matMul(b, dz, true, true);
    const db = !needed[1]
      ? undefined
      : !tA && !tB
        ? matMul(a, dz, true, false)
        : !tA && tB
          ? matMul(dz, a, true, false)
          : tA && !tB
            ? matMul(a, dz, false, false)
            : matMul(dz, a, true, true);
    return bias ? [da, db, needed[2] ? reduceRaw('sum', dz, [0], 'float32') : undefined] : [da, db];
  });
  return out;
}
