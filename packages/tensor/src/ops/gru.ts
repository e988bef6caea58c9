// gruSequence: a whole GRU layer pass (tfjs/Keras GRU with the reset gate
// applied before the recurrent product) as one recorded op with a hand-written
// gradient, on the fused sequence kernels (see ops/rnn.ts for the LSTM).
import { gemm, gruBackward, gruForward, type GruSequence } from '@wasmml/kernels';
import type { TensorLike } from '../convert.js';
import { record, recording } from '../engine.js';
import { emptyTensor, viewData, type Tensor } from '../tensor.js';
import { lastStep, projectionGrads, recurrentInputs, type RecurrentActivation } from './rnn.js';

/** Arguments of {@link gruSequence} (tfjs-layers GRU weight layouts, gates z, r, h). */
export interface GruSequenceArgs {
  /** [batch, steps, features] inputs. */
  x: Tensor | TensorLike;
  /** [features, 3·units] input kernel. */
  kernel: Tensor | TensorLike;
  /** [units, 3·units] recurrent kernel. */
  recurrentKernel: Tensor | TensorLike;
  /** [3·units] bias (none by default). */
  bias?: Tensor | TensorLike;
  /** Initial state [batch, units] (zeros by default). */
  initialState?: Tensor | TensorLike;
  /** Mask of shape [batch, steps]: steps where it is 0 leave the state unchanged. */
  mask?: Tensor | TensorLike;
  /** Process the sequence from its last step (outputs in processing order, as tfjs). */
  goBackwards?: boolean;
  /** Gate activation: 'hardSigmoid' (tfjs default) or 'sigmoid'. The candidate activation is tanh. */
  recurrentActivation?: RecurrentActivation;
}

/**
 * Runs a GRU over a sequence: returns [outputs [batch, steps, units] in
 * processing order, last state [batch, units]]. Differentiable with respect to
 * x, the kernels, the bias and the initial state.
 */
export function gruSequence(args: GruSequenceArgs): [Tensor, Tensor] {
  const op = 'gruSequence';
  const { x, W, U, bias, rec, B, T, F, u, states, mask, owned } = recurrentInputs(op, args, 3, [args.initialState], ['initialState']);
  const h0 = states[0]!;
  const g3 = 3 * u;
  const grad = recording();
  const gates = emptyTensor([B, T, g3], 'float32'),
    h = emptyTensor([B, T, u], 'float32'),
    rh = emptyTensor([B, T, u], 'float32');
  const hPrev = grad ? emptyTensor([B, T, u], 'float32') : undefined;
  gemm(x.ptr, W.ptr, gates.ptr, B * T, g3, F, bias ? { bias: bias.ptr } : {});
  const seq: GruSequence = {
    gates: gates.ptr,
    recurrentKernel: U.ptr,
    h0: h0.ptr,
    h: h.ptr,
    rh: rh.ptr,
    hPrev: hPrev?.ptr ?? 0,
    mask: mask?.ptr ?? 0,
    batch: B,
    steps: T,
    units: u,
    goBackwards: args.goBackwards ?? false,
    recurrentActivation: rec,
  };
  gruForward(seq);
  const hLast = lastStep(h, h0!);
  const inputs = [x, W, U, ...(bias ? [bias] : []), h0];
  record('GruSequence', inputs, [h, hLast], ([dh, dhLast]) => {
    const dGates = emptyTensor([B, T, g3], 'float32'),
      dh0 = emptyTensor([B, u], 'float32');
    gruBackward(
      { ...seq, gates: gates.ptr, recurrentKernel: U.ptr, h0: h0.ptr, h: h.ptr, rh: rh.ptr, mask: mask?.ptr ?? 0 },
      { dh: dh!.ptr, dhLast: dhLast!.ptr, dGates: dGates.ptr, dh0: dh0.ptr },
    );
    // dU[:, :2u] = hPrevᵀ·dGates[..., :2u] and dU[:, 2u:] = rhᵀ·dGates[..., 2u:]: two full
    // products, then the column blocks each one owns.
    const a = emptyTensor([u, g3], 'float32'),
      b = emptyTensor([u, g3], 'float32'),
      dU = emptyTensor([u, g3], 'float32');
    gemm(hPrev!.ptr, dGates.ptr, a.ptr, u, g3, B * T, { transposeA: true });
    gemm(rh.ptr, dGates.ptr, b.ptr, u, g3, B * T, { transposeA: true });
    const va = viewData(a),
      vb = viewData(b),
      vu = viewData(dU);
    for (let j = 0; j < u; j++) {
      vu.set(va.subarray(j * g3, j * g3 + 2 * u), j * g3);
      vu.set(vb.subarray(j * g3 + 2 * u, (j + 1) * g3), j * g3 + 2 * u);
    }
    a.dispose();
    b.dispose();
    const [dx, dW, dBias] = projectionGrads(x, W, dGates, bias !== undefined);
    return [dx, dW, dU, ...(dBias ? [dBias] : []), dh0];
  });
  if (!grad) {
    gates.dispose();
    rh.dispose();
    for (const t of owned) t.dispose();
  }
  return [h, hLast];
}
