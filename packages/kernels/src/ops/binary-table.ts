// The broadcasting binary op families, described once: arithmetic, comparisons
// and logical ops. Every row is an op (tfjs name) with its kernel, tfjs kernel
// name, dtype rule, cost, gradient and one doc line; every op broadcasts its two
// operands NumPy-style (tfjs `broadcastTo`) through the one walker in
// assembly/broadcast.ts. From these tables scripts/gen-ops.mjs writes the
// AssemblyScript export stubs and op codes (assembly/binary_kernels.ts,
// assembly/binary_codes.ts), the @wasmml/tensor op functions with their
// gradients and the Tensor chain methods with their docs. The element math is
// the op's case in assembly/binary.ts (arithmetic) or assembly/compare.ts
// (comparisons, logical). This file is data only: no imports, so the generator
// can load it without building the package.

/** One broadcasting binary op. */
export interface BinaryRow {
  /**
   * Kernel base name: the kernels are `<kernel>_f32` and `<kernel>_i32` (arithmetic, comparisons) or `<kernel>_u8`
   * (logical ops).
   */
  readonly kernel: string;
  /** The tfjs kernel name: the label of errors and of the recorded gradient. */
  readonly tfjs: string;
  /**
   * Work per output element for the pool's threading decision, in units of a same-shape add (memory-bound), from
   * single-thread timings of 1M elements.
   */
  readonly cost: number;
  /**
   * How operand dtypes are handled (tfjs): 'numeric' upcasts both to their common dtype (bool computes as int32) and
   * has float32 and int32 kernels; 'float' computes in float32 whatever the inputs; 'bool' takes bool inputs only.
   */
  readonly dtypes: 'numeric' | 'float' | 'bool';
  /** The result's dtype when it is not the operands' (tfjs): int32 for floorDiv, bool for comparisons and logical ops. */
  readonly result?: 'int32' | 'bool';
  /**
   * The gradient as two TypeScript expressions, for a and for b (before summing back to each input's shape), over
   * `dy`, the operands `a`, `b` after the dtype rule, the output `y`, `da` (the first expression's value, in the
   * second) and the ops of @wasmml/tensor's binary-op.ts scope; absent: no gradient (comparisons, logical ops).
   */
  readonly grad?: readonly [string, string];
  /** One doc line, for the tensor op and its chain method; operands in code spans (`a + b`), where the chain method reads `this` for `a`. */
  readonly doc: string;
}

const ARITHMETIC = {
  add: {
    kernel: 'add',
    tfjs: 'Add',
    cost: 1,
    dtypes: 'numeric',
    grad: ['dy', 'dy'],
    doc: '`a + b`, element-wise with broadcasting (tfjs `add`).',
  },
  sub: {
    kernel: 'sub',
    tfjs: 'Sub',
    cost: 1,
    dtypes: 'numeric',
    grad: ['dy', 'neg(dy)'],
    doc: '`a - b`, element-wise with broadcasting (tfjs `sub`).',
  },
  mul: {
    kernel: 'mul',
    tfjs: 'Mul',
    cost: 1,
    dtypes: 'numeric',
    grad: ['mul(dy, b)', 'mul(dy, a)'],
    doc: '`a * b`, element-wise with broadcasting (tfjs `mul`).',
  },
  div: {
    kernel: 'div',
    tfjs: 'RealDiv',
    cost: 1,
    dtypes: 'float',
    grad: ['div(dy, b)', 'mul(dy, div(neg(a), mul(b, b)))'],
    doc: '`a / b` with broadcasting (tfjs `div`); int32 operands divide as floats (floorDiv divides integers).',
  },
  divNoNan: {
    kernel: 'div_no_nan',
    tfjs: 'DivNoNan',
    cost: 1,
    dtypes: 'float',
    grad: ['divNoNan(dy, b)', 'mul(dy, divNoNan(neg(a), mul(b, b)))'],
    doc: 'a / b with broadcasting, but 0 where b is 0 (also 0 / 0), as tfjs `divNoNan`.',
  },
  floorDiv: {
    kernel: 'floor_div',
    tfjs: 'FloorDiv',
    cost: 5,
    dtypes: 'numeric',
    result: 'int32',
    grad: ['div(dy, b)', 'mul(dy, div(neg(a), mul(b, b)))'],
    doc: '`floor(a / b)` with broadcasting; the result is int32, as in tfjs `floorDiv`.',
  },
  mod: {
    kernel: 'mod',
    tfjs: 'Mod',
    cost: 200,
    dtypes: 'numeric',
    grad: ['dy', 'mul(dy, neg(floor(div(a, b))))'],
    doc: 'Floored remainder of `a / b` (the sign of `b`), with broadcasting (tfjs `mod`).',
  },
  maximum: {
    kernel: 'maximum',
    tfjs: 'Maximum',
    cost: 1,
    dtypes: 'numeric',
    grad: ['mul(dy, f32(greaterEqual(a, b)))', 'mul(dy, f32(less(a, b)))'],
    doc: 'The larger of `a` and `b`, element-wise with broadcasting (tfjs `maximum`; ties send the gradient to `a`).',
  },
  minimum: {
    kernel: 'minimum',
    tfjs: 'Minimum',
    cost: 1,
    dtypes: 'numeric',
    grad: ['mul(dy, f32(lessEqual(a, b)))', 'mul(dy, f32(greater(a, b)))'],
    doc: 'The smaller of `a` and `b`, element-wise with broadcasting (tfjs `minimum`; ties send the gradient to `a`).',
  },
  pow: {
    kernel: 'pow',
    tfjs: 'Pow',
    cost: 110,
    dtypes: 'numeric',
    grad: ['mul(dy, mul(f32(b), pow(f32(a), sub(f32(b), 1))))', 'mul(dy, mul(f32(y), positiveLog(f32(a))))'],
    doc: '`a ** b`, element-wise with broadcasting (tfjs `pow`); int32 powers wrap.',
  },
  squaredDifference: {
    kernel: 'squared_difference',
    tfjs: 'SquaredDifference',
    cost: 1,
    dtypes: 'numeric',
    grad: ['mul(dy, mul(sub(a, b), 2))', 'neg(da)'],
    doc: '`(a - b)²`, element-wise with broadcasting (tfjs `squaredDifference`).',
  },
  atan2: {
    kernel: 'atan2',
    tfjs: 'Atan2',
    cost: 240,
    dtypes: 'float',
    grad: ['mul(dy, div(b, add(mul(a, a), mul(b, b))))', 'mul(dy, div(neg(a), add(mul(a, a), mul(b, b))))'],
    doc: '`atan2(a, b)`: the angle of the point (`b`, `a`) in radians, in [-π, π], with broadcasting (tfjs `atan2`).',
  },
} as const satisfies Record<string, BinaryRow>;

const COMPARE = {
  equal: {
    kernel: 'equal',
    tfjs: 'Equal',
    cost: 1,
    dtypes: 'numeric',
    result: 'bool',
    doc: '`a == b` as a bool tensor, with broadcasting (tfjs `equal`); the operands are upcast to a common dtype.',
  },
  notEqual: {
    kernel: 'not_equal',
    tfjs: 'NotEqual',
    cost: 1,
    dtypes: 'numeric',
    result: 'bool',
    doc: '`a != b` as a bool tensor, with broadcasting (tfjs `notEqual`); NaN is unequal to everything.',
  },
  less: {
    kernel: 'less',
    tfjs: 'Less',
    cost: 1,
    dtypes: 'numeric',
    result: 'bool',
    doc: '`a < b` as a bool tensor, with broadcasting (tfjs `less`).',
  },
  lessEqual: {
    kernel: 'less_equal',
    tfjs: 'LessEqual',
    cost: 1,
    dtypes: 'numeric',
    result: 'bool',
    doc: '`a <= b` as a bool tensor, with broadcasting (tfjs `lessEqual`).',
  },
  greater: {
    kernel: 'greater',
    tfjs: 'Greater',
    cost: 1,
    dtypes: 'numeric',
    result: 'bool',
    doc: '`a > b` as a bool tensor, with broadcasting (tfjs `greater`).',
  },
  greaterEqual: {
    kernel: 'greater_equal',
    tfjs: 'GreaterEqual',
    cost: 1,
    dtypes: 'numeric',
    result: 'bool',
    doc: '`a >= b` as a bool tensor, with broadcasting (tfjs `greaterEqual`).',
  },
} as const satisfies Record<string, BinaryRow>;

const LOGICAL = {
  logicalAnd: {
    kernel: 'logical_and',
    tfjs: 'LogicalAnd',
    cost: 1,
    dtypes: 'bool',
    result: 'bool',
    doc: '`a AND b` of two bool tensors, with broadcasting (tfjs `logicalAnd`); other dtypes throw.',
  },
  logicalOr: {
    kernel: 'logical_or',
    tfjs: 'LogicalOr',
    cost: 1,
    dtypes: 'bool',
    result: 'bool',
    doc: '`a OR b` of two bool tensors, with broadcasting (tfjs `logicalOr`); other dtypes throw.',
  },
  logicalXor: {
    kernel: 'logical_xor',
    tfjs: 'LogicalXor',
    cost: 1,
    dtypes: 'bool',
    result: 'bool',
    doc: '`a XOR b` of two bool tensors, with broadcasting (tfjs `logicalXor`); other dtypes throw.',
  },
} as const satisfies Record<string, BinaryRow>;

/** The arithmetic ops (float32 and int32 kernels, or float32 only), named as the tfjs ops. */
export const ARITHMETIC_TABLE: Readonly<Record<keyof typeof ARITHMETIC, BinaryRow>> = ARITHMETIC;
/** The comparisons (float32 / int32 in, bool out), named as the tfjs ops. */
export const COMPARE_TABLE: Readonly<Record<keyof typeof COMPARE, BinaryRow>> = COMPARE;
/** The logical ops (bool in and out), named as the tfjs ops. */
export const LOGICAL_TABLE: Readonly<Record<keyof typeof LOGICAL, BinaryRow>> = LOGICAL;
