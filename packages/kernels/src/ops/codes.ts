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

/**
 * The code of activation `name` (default 'linear') for `op`'s fused epilogue;
 * an unknown name, or one outside `allowed` where the kernel applies only some,
 * throws naming the op.
 */
export function actCode(op: string, name: string | undefined, allowed?: readonly ActName[]): number {
  const a = name ?? 'linear';
  if (!Object.hasOwn(Act, a)) throw new RangeError(`wasmml ${op}: unknown activation ${String(name)}`);
  if (allowed !== undefined && !allowed.includes(a as ActName)) {
    const names = allowed.map((n) => `'${n}'`);
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');
    throw new RangeError(`wasmml ${op}: the epilogue applies ${list}, got '${a}'`);
  }
  return Act[a as ActName];
}
