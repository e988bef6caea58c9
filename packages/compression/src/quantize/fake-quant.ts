// Fake quantisation of activations on the u7 grid the int8 kernels use, with
// the straight-through estimator (TensorFlow's fake_quant_with_min_max_vars):
// forward, x goes to (clamp(round(x / scale) + zp, 0, 127) - zp) · scale — the
// very rounding of quantize_u7_f32 — and the gradient passes unchanged where x
// lies inside the representable range, and is zero where it was clamped.
import { add, clipByValue, customGrad, logicalAnd, mul, round, scalar, sub, tidy, type Int8InputQuant, type Tensor } from '@wasmml/tensor';

/** x fake-quantised to the u7 grid of `quant`, gradient by the straight-through estimator. */
export function fakeQuantU7(x: Tensor, quant: Int8InputQuant): Tensor {
  const inv = Math.fround(1 / quant.scale);
  const op = customGrad((t, save) => {
    const xs = t as Tensor;
    const grid = tidy(() => add(round(mul(xs, scalar(inv))), scalar(quant.zeroPoint)));
    const value = tidy(() => mul(sub(clipByValue(grid, 0, 127), scalar(quant.zeroPoint)), scalar(quant.scale)));
    const inside = tidy(() => logicalAnd(grid.greaterEqual(scalar(0)), grid.lessEqual(scalar(127))).toFloat());
    grid.dispose();
    (save as (ts: Tensor[]) => void)([inside]);
    return { value, gradFunc: (dy: Tensor, [mask]: Tensor[]) => mul(dy, mask!) };
  });
  return op(x);
}
