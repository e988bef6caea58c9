// gruSequence: a whole GRU layer pass (tfjs/Keras GRU with the reset gate
// applied before the recurrent product) as one recorded op with a hand-written
// gradient, on the fused sequence kernels (see ops/rnn.ts for the LSTM).
import { gemm, gruBackward, gruForward, type GruSequence } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record, recording } from '../engine.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, viewData, viewOf, type Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { zeros } from '../create.js';
import { reduceRaw } from './reduce.js';
import type { RecurrentActivation } from './rnn.js';

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
  const x = convert(args.x, 'x', op), W = convert(args.kernel, 'kernel', op);
  const U = convert(args.recurrentKernel, 'recurrentKernel', op);
  const bias = args.bias === undefined ? undefined : convert(args.bias, 'bias', op);
  const rec = args.recurrentActivation ?? 'hardSigmoid';
  if (rec !== 'hardSigmoid' && rec !== 'sigmoid') throw new Error(`${op}: recurrentActivation must be 'hardSigmoid' or 'sigmoid', got '${rec}'`);
  if (x.rank !== 3 || x.dtype !== 'float32') throw new Error(`${op}: x must be float32 [batch, steps, features], got ${fmtShape(x.shape)} (${x.dtype})`);
  const [B, T, F] = x.shape as [number, number, number];
  if (U.rank !== 2 || U.shape[1] !== 3 * U.shape[0]! || U.dtype !== 'float32') {
    throw new Error(`${op}: recurrentKernel must be float32 [units, 3*units], got ${fmtShape(U.shape)} (${U.dtype})`);
  }
  const u = U.shape[0]!, g3 = 3 * u;
  if (W.rank !== 2 || W.shape[0] !== F || W.shape[1] !== g3 || W.dtype !== 'float32') {
    throw new Error(`${op}: kernel must be float32 [${F}, ${g3}] for x ${fmtShape(x.shape)} and ${u} units, got ${fmtShape(W.shape)} (${W.dtype})`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== g3 || bias.dtype !== 'float32')) {
    throw new Error(`${op}: bias must be float32 [${g3}], got ${fmtShape(bias.shape)} (${bias.dtype})`);
  }
  const owned: Tensor[] = [];
  let h0: Tensor;
  if (args.initialState === undefined) {
    h0 = zeros([B, u]);
    owned.push(h0);
  } else {
    h0 = convert(args.initialState, 'initialState', op);
    if (h0.rank !== 2 || h0.shape[0] !== B || h0.shape[1] !== u || h0.dtype !== 'float32') {
      throw new Error(`${op}: initialState must be float32 [${B}, ${u}], got ${fmtShape(h0.shape)} (${h0.dtype})`);
    }
  }
  let mask: Tensor | undefined;
  if (args.mask !== undefined) {
    const m = convert(args.mask, 'mask', op);
    if (m.rank !== 2 || m.shape[0] !== B || m.shape[1] !== T) throw new Error(`${op}: mask must be [${B}, ${T}], got ${fmtShape(m.shape)}`);
    mask = m.dtype === 'float32' ? m : cast(m, 'float32');
    if (mask !== m) owned.push(mask);
  }
  const grad = recording();
  const gates = emptyTensor([B, T, g3], 'float32'), h = emptyTensor([B, T, u], 'float32'), rh = emptyTensor([B, T, u], 'float32');
  const hPrev = grad ? emptyTensor([B, T, u], 'float32') : undefined;
  gemm(x.ptr, W.ptr, gates.ptr, B * T, g3, F, bias ? { bias: bias.ptr } : {});
  const seq: GruSequence = {
    gates: gates.ptr, recurrentKernel: U.ptr, h0: h0.ptr, h: h.ptr, rh: rh.ptr, hPrev: hPrev?.ptr ?? 0, mask: mask?.ptr ?? 0,
    batch: B, steps: T, units: u, goBackwards: args.goBackwards ?? false, recurrentActivation: rec,
  };
  gruForward(seq);
  const hLast = emptyTensor([B, u], 'float32');
  if (B * u > 0) {
    const src = viewData(T === 0 ? h0 : h), dst = viewData(hLast);
    for (let b = 0; b < B; b++) {
      const from = T === 0 ? b * u : (b * T + T - 1) * u;
      dst.set(src.subarray(from, from + u), b * u);
    }
  }
  const inputs = [x, W, U, ...(bias ? [bias] : []), h0];
  record('GruSequence', inputs, [h, hLast], ([dh, dhLast]) => {
    const dGates = emptyTensor([B, T, g3], 'float32'), dh0 = emptyTensor([B, u], 'float32');
    gruBackward({ ...seq, gates: gates.ptr, recurrentKernel: U.ptr, h0: h0.ptr, h: h.ptr, rh: rh.ptr, mask: mask?.ptr ?? 0 },
      { dh: dh!.ptr, dhLast: dhLast!.ptr, dGates: dGates.ptr, dh0: dh0.ptr });
    const dx = emptyTensor([B, T, F], 'float32'), dW = emptyTensor([F, g3], 'float32');
    gemm(dGates.ptr, W.ptr, dx.ptr, B * T, F, g3, { transposeB: true });
    gemm(x.ptr, dGates.ptr, dW.ptr, F, g3, B * T, { transposeA: true });
    // dU[:, :2u] = hPrevᵀ·dGates[..., :2u] and dU[:, 2u:] = rhᵀ·dGates[..., 2u:]: two full
    // products, then the column blocks each one owns.
    const a = emptyTensor([u, g3], 'float32'), b = emptyTensor([u, g3], 'float32'), dU = emptyTensor([u, g3], 'float32');
    gemm(hPrev!.ptr, dGates.ptr, a.ptr, u, g3, B * T, { transposeA: true });
    gemm(rh.ptr, dGates.ptr, b.ptr, u, g3, B * T, { transposeA: true });
    const va = viewData(a), vb = viewData(b), vu = viewData(dU);
    for (let j = 0; j < u; j++) {
      vu.set(va.subarray(j * g3, j * g3 + 2 * u), j * g3);
      vu.set(vb.subarray(j * g3 + 2 * u, (j + 1) * g3), j * g3 + 2 * u);
    }
    a.dispose();
    b.dispose();
    const grads: Tensor[] = [dx, dW, dU];
    if (bias) grads.push(reduceRaw('sum', viewOf(dGates, [B * T, g3]), [0], 'float32'));
    grads.push(dh0);
    return grads;
  });
  if (!grad) {
    gates.dispose();
    rh.dispose();
    for (const t of owned) t.dispose();
  }
  return [h, hLast];
}
