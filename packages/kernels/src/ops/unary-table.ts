// The unary op family, described once. Every row is an op (tfjs name) with its
// kernel, dtypes, cost, what its gradient reads and one doc line; from this
// table scripts/gen-ops.mjs writes the AssemblyScript export stubs and op codes
// (assembly/unary_kernels.ts, assembly/unary_codes.ts), the @wasmml/tensor op
// functions and the Tensor chain methods with their docs. The math itself (f and
// f') is the op's case in assembly/unary.ts. This file is data only: no imports,
// so the generator can load it without building the package.

/** One unary op. */
export interface UnaryRow {
  /** Kernel base name: the kernels are `<kernel>_f32`, `<kernel>_grad_f32` (and `<kernel>_i32`). */
  readonly kernel: string;
  /**
   * Work per element for the pool's threading decision, in units of a same-shape add (about 0.1 ns per element,
   * memory-bound), from single-thread timings of 1M elements. The gradient kernel costs 2 more.
   */
  readonly cost: number;
  /**
   * What the derivative kernel reads: the forward input x, the forward output y, nothing, or nothing because the
   * gradient is zero everywhere (tfjs registers these so; the tensor layer then skips the kernel).
   */
  readonly grad: 'x' | 'y' | 'none' | 'zero';
  /** Scalar parameters of the kernels after the addresses (leakyRelu's and elu's alpha, clipByValue's bounds). */
  readonly params?: readonly ('alpha' | 'lo' | 'hi')[];
  /** Has an int32 kernel (wrapping) besides the float32 one. */
  readonly int32?: boolean;
  /** An int32 input gives an int32 result (tfjs); otherwise int32 inputs compute in float32. */
  readonly keepsInt?: boolean;
  /**
   * 'plain': the tensor op `op(x)` and the chain method `x.op()` are generated. 'custom': the tensor op is written
   * by hand in packages/tensor/src/ops/unary.ts (it takes options or combines kernels).
   */
  readonly tensor: 'plain' | 'custom';
  /** One doc line, for the tensor op and its chain method. */
  readonly doc: string;
}

const TABLE = {
  neg: {
    kernel: 'neg',
    cost: 1,
    grad: 'none',
    int32: true,
    keepsInt: true,
    tensor: 'plain',
    doc: '-x, element-wise (tfjs `neg`); int32 stays int32.',
  },
  abs: {
    kernel: 'abs',
    cost: 1,
    grad: 'x',
    int32: true,
    keepsInt: true,
    tensor: 'plain',
    doc: '|x|, element-wise (tfjs `abs`); int32 stays int32.',
  },
  sign: {
    kernel: 'sign',
    cost: 1,
    grad: 'zero',
    int32: true,
    keepsInt: true,
    tensor: 'plain',
    doc: '-1, 0 or 1 by the sign of x (tfjs `sign`); its gradient is zero.',
  },
  exp: { kernel: 'exp', cost: 9, grad: 'y', tensor: 'plain', doc: 'e^x, element-wise (tfjs `exp`).' },
  expm1: { kernel: 'expm1', cost: 14, grad: 'x', tensor: 'plain', doc: 'e^x - 1, accurate near 0 (tfjs `expm1`).' },
  log: { kernel: 'log', cost: 15, grad: 'x', tensor: 'plain', doc: 'Natural logarithm (tfjs `log`); NaN below 0, -Infinity at 0.' },
  log1p: { kernel: 'log1p', cost: 19, grad: 'x', tensor: 'plain', doc: 'log(1 + x), accurate near 0 (tfjs `log1p`).' },
  sqrt: { kernel: 'sqrt', cost: 3, grad: 'y', tensor: 'plain', doc: 'Square root (tfjs `sqrt`); NaN below 0.' },
  rsqrt: { kernel: 'rsqrt', cost: 5, grad: 'y', tensor: 'plain', doc: '1 / sqrt(x) (tfjs `rsqrt`).' },
  square: {
    kernel: 'square',
    cost: 1,
    grad: 'x',
    int32: true,
    keepsInt: true,
    tensor: 'plain',
    doc: 'x², element-wise (tfjs `square`); int32 stays int32.',
  },
  reciprocal: { kernel: 'reciprocal', cost: 2, grad: 'y', tensor: 'plain', doc: '1 / x, element-wise (tfjs `reciprocal`).' },
  sin: { kernel: 'sin', cost: 17, grad: 'x', tensor: 'plain', doc: 'Sine, x in radians (tfjs `sin`).' },
  cos: { kernel: 'cos', cost: 17, grad: 'x', tensor: 'plain', doc: 'Cosine, x in radians (tfjs `cos`).' },
  tanh: { kernel: 'tanh', cost: 16, grad: 'y', tensor: 'plain', doc: 'Hyperbolic tangent (tfjs `tanh`).' },
  sigmoid: { kernel: 'sigmoid', cost: 10, grad: 'y', tensor: 'plain', doc: '1 / (1 + e^-x) (tfjs `sigmoid`).' },
  relu: { kernel: 'relu', cost: 1, grad: 'y', keepsInt: true, tensor: 'plain', doc: 'max(x, 0) (tfjs `relu`); int32 stays int32.' },
  relu6: { kernel: 'relu6', cost: 1, grad: 'x', keepsInt: true, tensor: 'plain', doc: 'min(max(x, 0), 6) (tfjs `relu6`).' },
  leakyRelu: {
    kernel: 'leaky_relu',
    cost: 1,
    grad: 'x',
    params: ['alpha'],
    tensor: 'custom',
    doc: 'x for x >= 0, alpha·x below (tfjs default alpha 0.2).',
  },
  elu: { kernel: 'elu', cost: 17, grad: 'y', params: ['alpha'], tensor: 'plain', doc: 'x for x >= 0, exp(x) - 1 below (tfjs `elu`).' },
  selu: {
    kernel: 'selu',
    cost: 17,
    grad: 'x',
    tensor: 'plain',
    doc: 'Scaled ELU: scale·x for x > 0, scale·alpha·(e^x - 1) below, tfjs constants (scale ≈ 1.0507, alpha ≈ 1.6733).',
  },
  softplus: { kernel: 'softplus', cost: 20, grad: 'x', tensor: 'plain', doc: 'log(1 + e^x), computed stably (tfjs `softplus`).' },
  gelu: { kernel: 'gelu', cost: 57, grad: 'x', tensor: 'custom', doc: 'Gaussian error linear unit, exact erf form x·Φ(x).' },
  geluApprox: {
    kernel: 'gelu_approx',
    cost: 12,
    grad: 'x',
    tensor: 'custom',
    doc: 'GELU, tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).',
  },
  erf: { kernel: 'erf', cost: 39, grad: 'x', tensor: 'plain', doc: 'The Gauss error function (tfjs `erf`).' },
  atan: { kernel: 'atan', cost: 40, grad: 'x', tensor: 'plain', doc: 'Arctangent, in radians in [-π/2, π/2] (tfjs `atan`).' },
  clipByValue: {
    kernel: 'clip_by_value',
    cost: 1,
    grad: 'x',
    params: ['lo', 'hi'],
    keepsInt: true,
    tensor: 'custom',
    doc: 'Clamps to [clipValueMin, clipValueMax] (tfjs `clipByValue`).',
  },
  round: {
    kernel: 'round',
    cost: 1,
    grad: 'zero',
    keepsInt: true,
    tensor: 'plain',
    doc: 'Rounds to the nearest integer, halves to even (tfjs `round`); its gradient is zero.',
  },
  floor: {
    kernel: 'floor',
    cost: 1,
    grad: 'zero',
    keepsInt: true,
    tensor: 'plain',
    doc: 'Largest integer <= x (tfjs `floor`); its gradient is zero.',
  },
  ceil: {
    kernel: 'ceil',
    cost: 1,
    grad: 'zero',
    keepsInt: true,
    tensor: 'plain',
    doc: 'Smallest integer >= x (tfjs `ceil`); its gradient is zero.',
  },
} as const satisfies Record<string, UnaryRow>;

/** Every unary op, named as the tfjs ops (typed by row, so the docs list the row fields once, on {@link UnaryRow}). */
export const UNARY_TABLE: Readonly<Record<keyof typeof TABLE, UnaryRow>> = TABLE;
