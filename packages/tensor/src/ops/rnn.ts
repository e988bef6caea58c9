// lstmSequence: a whole LSTM layer pass (input projection, recurrence, mask,
// direction) as one recorded op with a hand-written gradient. Composed per step
// from tensor ops an LSTM step is about fifteen ops forward and more backward;
// here a step is one GEMM plus one fused cell kernel each way, and the weight
// gradients are three GEMMs over the whole sequence.
import { gemm, lstmBackward, lstmForward, type LstmSequence, type RecurrentActivation } from '@wasmml/kernels';
import { convert, type TensorLike } from '../convert.js';
import { record, recording } from '../engine.js';
import { fmtShape } from '../shape.js';
import { emptyTensor, viewData, viewOf, type Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { zeros } from '../create.js';
import { reduceRaw } from './reduce.js';

export type { RecurrentActivation };

/** Arguments of {@link lstmSequence} (tfjs-layers LSTM weight layouts, gates i, f, c, o). */
export interface LstmSequenceArgs {
  /** [batch, steps, features] inputs. */
  x: Tensor | TensorLike;
  /** [features, 4·units] input kernel. */
  kernel: Tensor | TensorLike;
  /** [units, 4·units] recurrent kernel. */
  recurrentKernel: Tensor | TensorLike;
  /** [4·units] bias (none by default). */
  bias?: Tensor | TensorLike;
  /** Initial [h, c], each [batch, units] (zeros by default). */
  initialState?: [Tensor | TensorLike, Tensor | TensorLike];
  /** Mask of shape [batch, steps]: steps where it is 0 (false) leave the state unchanged (Keras masking). */
  mask?: Tensor | TensorLike;
  /** Process the sequence from its last step; the output sequence is then in processing (reversed) order, as tfjs. */
  goBackwards?: boolean;
  /** Gate activation: 'hardSigmoid' (tfjs default) or 'sigmoid'. The cell activation is tanh. */
  recurrentActivation?: RecurrentActivation;
}

/**
 * Runs an LSTM over a sequence: returns [outputs [batch, steps, units] (the h
 * of every step in processing order), last h [batch, units], last c [batch, units]].
 * Differentiable with respect to x, the kernels, the bias and the initial state.
 */
export function lstmSequence(args: LstmSequenceArgs): [Tensor, Tensor, Tensor] {
  const op = 'lstmSequence';
  const { x, W, U, bias, rec, B, T, F, u, states, mask, owned } = recurrentInputs(
    op,
    args,
    4,
    [args.initialState?.[0], args.initialState?.[1]],
    ['initialState[0]', 'initialState[1]'],
  );
  const h0 = states[0]!,
    c0 = states[1]!;
  const g4 = 4 * u;
  const grad = recording();
  const gates = emptyTensor([B, T, g4], 'float32');
  const h = emptyTensor([B, T, u], 'float32'),
    c = emptyTensor([B, T, u], 'float32');
  const hPrev = grad ? emptyTensor([B, T, u], 'float32') : undefined;
  // All steps' input projections (and the bias) in one GEMM.
  gemm(x.ptr, W.ptr, gates.ptr, B * T, g4, F, bias ? { bias: bias.ptr } : {});
  const seq: LstmSequence = {
    gates: gates.ptr,
    recurrentKernel: U.ptr,
    h0: h0.ptr,
    c0: c0.ptr,
    h: h.ptr,
    c: c.ptr,
    mask: mask?.ptr ?? 0,
    hPrev: hPrev?.ptr ?? 0,
    batch: B,
    steps: T,
    units: u,
    goBackwards: args.goBackwards ?? false,
    recurrentActivation: rec,
  };
  lstmForward(seq);
  const hLast = lastStep(h, h0),
    cLast = lastStep(c, c0);
  const inputs = [x, W, U, ...(bias ? [bias] : []), h0, c0];
  record('LstmSequence', inputs, [h, hLast, cLast], ([dh, dhLast, dcLast]) => {
    const dGates = emptyTensor([B, T, g4], 'float32');
    const dh0 = emptyTensor([B, u], 'float32'),
      dc0 = emptyTensor([B, u], 'float32');
    // Pointers are read after every allocation above: growing memory moves nothing, but a disposed tensor throws here.
    lstmBackward(
      { ...seq, gates: gates.ptr, recurrentKernel: U.ptr, c0: c0.ptr, c: c.ptr, mask: mask?.ptr ?? 0 },
      { dh: dh!.ptr, dhLast: dhLast!.ptr, dcLast: dcLast!.ptr, dGates: dGates.ptr, dh0: dh0.ptr, dc0: dc0.ptr },
    );
    const dU = emptyTensor([u, g4], 'float32');
    gemm(hPrev!.ptr, dGates.ptr, dU.ptr, u, g4, B * T, { transposeA: true });
    const [dx, dW, dBias] = projectionGrads(x, W, dGates, bias !== undefined);
    return [dx, dW, dU, ...(dBias ? [dBias] : []), dh0, dc0];
  });
  if (!grad) {
    gates.dispose();
    c.dispose();
    for (const t of owned) t.dispose();
  }
  return [h, hLast, cLast];
}

/**
 * The gradients of the input projection gates = x·W + bias that both fused
 * recurrent ops start with, from dGates [B, T, G]: dx = dGates·Wᵀ,
 * dW = xᵀ·dGates and, with a bias, dGates summed over batch and steps.
 */
export function projectionGrads(x: Tensor, W: Tensor, dGates: Tensor, bias: boolean): [Tensor, Tensor, Tensor | undefined] {
  const [B, T, F] = x.shape as [number, number, number];
  const G = W.shape[1]!;
  const dx = emptyTensor([B, T, F], 'float32'),
    dW = emptyTensor([F, G], 'float32');
  gemm(dGates.ptr, W.ptr, dx.ptr, B * T, F, G, { transposeB: true });
  gemm(x.ptr, dGates.ptr, dW.ptr, F, G, B * T, { transposeA: true });
  return [dx, dW, bias ? reduceRaw('sum', viewOf(dGates, [B * T, G]), [0], 'float32') : undefined];
}

/** The checked operands of a fused recurrent op, everything float32; `owned` holds what was made here (zero states, a cast mask). */
interface RecurrentInputs {
  x: Tensor;
  W: Tensor;
  U: Tensor;
  bias: Tensor | undefined;
  rec: RecurrentActivation;
  B: number;
  T: number;
  F: number;
  u: number;
  states: Tensor[];
  mask: Tensor | undefined;
  owned: Tensor[];
}

/**
 * @internal Validates the operands of lstmSequence / gruSequence (`gates` gate blocks in the kernels): shapes and
 * dtypes against x [batch, steps, features] and the recurrent kernel [units, gates·units]; missing initial states
 * become zeros and a non-float mask is cast.
 */
export function recurrentInputs(
  op: string,
  args: {
    x: Tensor | TensorLike;
    kernel: Tensor | TensorLike;
    recurrentKernel: Tensor | TensorLike;
    bias?: Tensor | TensorLike;
    mask?: Tensor | TensorLike;
    recurrentActivation?: RecurrentActivation;
  },
  gates: number,
  initial: Array<Tensor | TensorLike | undefined>,
  stateNames: string[],
): RecurrentInputs {
  const x = convert(args.x, 'x', op),
    W = convert(args.kernel, 'kernel', op);
  const U = convert(args.recurrentKernel, 'recurrentKernel', op);
  const bias = args.bias === undefined ? undefined : convert(args.bias, 'bias', op);
  const rec = args.recurrentActivation ?? 'hardSigmoid';
  if (rec !== 'hardSigmoid' && rec !== 'sigmoid')
    throw new Error(`${op}: recurrentActivation must be 'hardSigmoid' or 'sigmoid', got '${rec}'`);
  if (x.rank !== 3 || x.dtype !== 'float32')
    throw new Error(`${op}: x must be float32 [batch, steps, features], got ${fmtShape(x.shape)} (${x.dtype})`);
  const [B, T, F] = x.shape as [number, number, number];
  if (U.rank !== 2 || U.shape[1] !== gates * U.shape[0]! || U.dtype !== 'float32') {
    throw new Error(`${op}: recurrentKernel must be float32 [units, ${gates}*units], got ${fmtShape(U.shape)} (${U.dtype})`);
  }
  const u = U.shape[0]!,
    g = gates * u;
  if (W.rank !== 2 || W.shape[0] !== F || W.shape[1] !== g || W.dtype !== 'float32') {
    throw new Error(
      `${op}: kernel must be float32 [${F}, ${g}] for x ${fmtShape(x.shape)} and ${u} units, got ${fmtShape(W.shape)} (${W.dtype})`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== g || bias.dtype !== 'float32')) {
    throw new Error(`${op}: bias must be float32 [${g}], got ${fmtShape(bias.shape)} (${bias.dtype})`);
  }
  const owned: Tensor[] = [];
  const states = initial.map((v, i) => {
    if (v === undefined) {
      const z = zeros([B, u]);
      owned.push(z);
      return z;
    }
    const t = convert(v, stateNames[i]!, op);
    if (t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== u || t.dtype !== 'float32') {
      throw new Error(`${op}: ${stateNames[i]} must be float32 [${B}, ${u}], got ${fmtShape(t.shape)} (${t.dtype})`);
    }
    return t;
  });
  let mask: Tensor | undefined;
  if (args.mask !== undefined) {
    const m = convert(args.mask, 'mask', op);
    if (m.rank !== 2 || m.shape[0] !== B || m.shape[1] !== T) throw new Error(`${op}: mask must be [${B}, ${T}], got ${fmtShape(m.shape)}`);
    mask = m.dtype === 'float32' ? m : cast(m, 'float32');
    if (mask !== m) owned.push(mask);
  }
  return { x, W, U, bias, rec, B, T, F, u, states, mask, owned };
}

/** @internal The last step's rows of a [batch, steps, units] sequence (the initial state when there are no steps). */
export function lastStep(seq: Tensor, initial: Tensor): Tensor {
  const [B, T, u] = seq.shape as [number, number, number];
  const out = emptyTensor([B, u], 'float32');
  if (B * u === 0) return out;
  const src = viewData(T === 0 ? initial : seq),
    dst = viewData(out);
  for (let b = 0; b < B; b++) {
    const from = T === 0 ? b * u : (b * T + T - 1) * u;
    dst.set(src.subarray(from, from + u), b * u);
  }
  return out;
}
