// The activations, once: the unary kernels (unary.ts), the fused bias +
// activation epilogues (gemm.ts, depthwise.ts) and the recurrent cells
// (rnn.ts, gru.ts) all call these functions, so fusedMatMul(..., 'elu') gives
// the bits of elu(matMul(...)) and an LSTM's gates those of sigmoid() and
// tanh(). Their accuracy is the one table in math.ts.
// Activation codes: keep in step with Act in packages/kernels/src/ops/codes.ts.
import { expm1v, sigmoidv, tanhv } from './math';

export { sigmoidv, tanhv } from './math';

export const ACT_LINEAR: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_RELU6: i32 = 2;
export const ACT_LEAKY_RELU: i32 = 3;
export const ACT_SIGMOID: i32 = 4;
export const ACT_TANH: i32 = 5;
export const ACT_ELU: i32 = 6;

// Math.max(0, x): NaN stays NaN, -0 becomes +0. pmax (x < 0 ? 0 : x, one
// instruction, where NaN-propagating max takes several) keeps NaN, and adding
// +0 turns -0 into +0.
@inline export function reluv(x: v128): v128 {
  return f32x4.add(f32x4.pmax(x, f32x4.splat(0)), f32x4.splat(0));
}

@inline export function relu6v(x: v128): v128 {
  return f32x4.pmin(reluv(x), f32x4.splat(6));
}

@inline export function leakyReluv(x: v128, alpha: f32): v128 {
  return v128.bitselect(f32x4.mul(x, f32x4.splat(alpha)), x, f32x4.lt(x, f32x4.splat(0)));
}

// expm1 only matters below 0: pmin(x, 0) (NaN kept) spares the lanes above it
// exp's overflow path and lets an all-positive vector take expm1's short side.
@inline export function eluv(x: v128, alpha: f32): v128 {
  const e = expm1v(f32x4.pmin(x, f32x4.splat(0)));
  return v128.bitselect(x, f32x4.mul(e, f32x4.splat(alpha)), f32x4.ge(x, f32x4.splat(0)));
}

/** Applies activation `act` (with parameter alpha) to four lanes. */
@inline export function activate(act: i32, x: v128, alpha: f32): v128 {
  switch (act) {
    case ACT_RELU: return reluv(x);
    case ACT_RELU6: return relu6v(x);
    case ACT_LEAKY_RELU: return leakyReluv(x, alpha);
    case ACT_SIGMOID: return sigmoidv(x);
    case ACT_TANH: return tanhv(x);
    case ACT_ELU: return eluv(x, alpha);
    default: return x;
  }
}
