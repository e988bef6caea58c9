// Activation codes shared by the fused GEMM epilogue and the unary kernels.
// Keep in step with Act in packages/kernels/src/ops/codes.ts.
import { expv, sigmoidv, tanhv } from './math';

export const ACT_LINEAR: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_RELU6: i32 = 2;
export const ACT_LEAKY_RELU: i32 = 3;
export const ACT_SIGMOID: i32 = 4;
export const ACT_TANH: i32 = 5;
export const ACT_ELU: i32 = 6;

/** Applies activation `act` (with parameter alpha) to four lanes. */
@inline export function activate(act: i32, x: v128, alpha: f32): v128 {
  switch (act) {
    case ACT_RELU: return f32x4.max(x, f32x4.splat(0));
    case ACT_RELU6: return f32x4.min(f32x4.max(x, f32x4.splat(0)), f32x4.splat(6));
    case ACT_LEAKY_RELU: {
      const neg = f32x4.lt(x, f32x4.splat(0));
      return v128.bitselect(f32x4.mul(x, f32x4.splat(alpha)), x, neg);
    }
    case ACT_SIGMOID: return sigmoidv(x);
    case ACT_TANH: return tanhv(x);
    case ACT_ELU: {
      const neg = f32x4.lt(x, f32x4.splat(0));
      const em1 = f32x4.mul(f32x4.sub(expv(x), f32x4.splat(1)), f32x4.splat(alpha));
      return v128.bitselect(em1, x, neg);
    }
    default: return x;
  }
}
