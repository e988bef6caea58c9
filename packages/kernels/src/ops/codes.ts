/** Activation codes of the fused kernels; keep in step with assembly/activation.ts. */
export const Act = {
  linear: 0,
  relu: 1,
  relu6: 2,
  leakyRelu: 3,
  sigmoid: 4,
  tanh: 5,
  elu: 6,
} as const;
export type ActName = keyof typeof Act;
