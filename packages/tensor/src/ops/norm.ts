// layerNorm and rmsNorm over the last axis as one recorded op each on the fused
// kernel (assembly/norm.ts): one kernel forward and one backward (dx and the
// dy·x̂ whose column sums are dgamma), where the composed form runs eight each way.
import { norm, normGrad } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record, recording } from '../engine.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, type Tensor, viewOf } from '../tensor.js';
import { reduceRaw } from './reduce.js';

function normOp(
  op: string,
  x0: Tensor | TensorLike,
  gamma0: Tensor | TensorLike,
  beta0: Tensor | TensorLike | undefined,
  epsilon: number,
  rms: boolean,
): Tensor {
  const x = convert(x0, 'x', op),
    gamma = convert(gamma0, 'gamma', op);
  const beta = beta0 === undefined ? undefined : convert(beta0, 'beta', op);
  if (x.dtype !== 'float32' || x.rank === 0)
    throw new Error(`${op}: x must be float32 of rank >= 1, got ${fmtShape(x.shape)} (${x.dtype})`);
  const d = x.shape[x.rank - 1]!;
  for (const [name, t] of [
    ['gamma', gamma],
    ['beta', beta],
  ] as const) {
    if (t && (t.dtype !== 'float32' || t.rank !== 1 || t.shape[0] !== d)) {
      throw new Error(`${op}: ${name} must be float32 [${d}] for x ${fmtShape(x.shape)}, got ${fmtShape(t.shape)} (${t.dtype})`);
    }
  }
  if (!(epsilon >= 0)) throw new Error(`${op}: epsilon must be >= 0, got ${epsilon}`);
  const rows = d === 0 ? 0 : x.size / d;
  const y = emptyTensor(x.shape, 'float32');
  if (!recording()) {
    norm({ x: x.ptr, gamma: gamma.ptr, beta: beta?.ptr ?? 0, y: y.ptr, rows, d, epsilon, rms });
    return y;
  }
  const stats = emptyTensor([rows, 2], 'float32');
  norm({ x: x.ptr, gamma: gamma.ptr, beta: beta?.ptr ?? 0, y: y.ptr, stats: stats.ptr, rows, d, epsilon, rms });
  const inputs = beta ? [x, gamma, beta] : [x, gamma];
  record(op, inputs, [y], ([dy], needed) => {
    const dx = needed[0] ? emptyTensor(x.shape, 'float32') : undefined;
    const dyXhat = needed[1] ? emptyTensor([rows, d], 'float32') : undefined;
    normGrad(x.ptr, gamma.ptr, dy!.ptr, stats.ptr, { dx: dx?.ptr ?? 0, dyXhat: dyXhat?.ptr ?? 0 }, rows, d, rms);
    const dGamma = dyXhat ? reduceRaw('sum', dyXhat, [0], 'float32') : undefined;
    dyXhat?.dispose();
    const dBeta = beta && needed[2] ? reduceRaw('sum', viewOf(dy!, [rows, d]), [0], 'float32') : undefined;
    return beta ? [dx, dGamma, dBeta] : [dx, dGamma];
  });
  return y;
}

/**
 * Layer normalisation over the last axis (Ba et al. 2016):
 * (x - mean) / sqrt(var + epsilon) · gamma + beta, gamma and beta [d] (beta
 * optional), as Keras `LayerNormalization(axis=-1)` and torch `layer_norm` compute it.
 */
export function layerNorm(x: Tensor | TensorLike, gamma: Tensor | TensorLike, beta?: Tensor | TensorLike, epsilon = 1e-5): Tensor {
  return normOp('layerNorm', x, gamma, beta, epsilon, false);
}

/** RMS normalisation over the last axis (Zhang & Sennrich 2019): x / sqrt(mean(x²) + epsilon) · gamma. */
export function rmsNorm(x: Tensor | TensorLike, gamma: Tensor | TensorLike, epsilon = 1e-6): Tensor {
  return normOp('rmsNorm', x, gamma, undefined, epsilon, true);
}
