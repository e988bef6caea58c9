/** Activation codes of the fused kernels; keep in step with assembly/activation.ts. */
export const Act = {
  /** No activation: the value as is. */
  linear: 0,
  /** max(x, 0). */
  relu: 1,
  /** min(max(x, 0), 6). */
  relu6: 2,
  /** x for x > 0, else alpha·x. */
  leakyRelu: 3,
  /** 1 / (1 + exp(-x)). */
  sigmoid: 4,
  /** Hyperbolic tangent. */
  tanh: 5,
  /** x for x > 0, else alpha·(exp(x) - 1). */
  elu: 6,
} as const;
/** Name of an activation a fused kernel can apply to its output (`'relu'`, ...), a key of {@link Act}. */
export type ActName = keyof typeof Act;
