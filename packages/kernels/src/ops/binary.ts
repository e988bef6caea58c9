// Broadcasting binary ops: arithmetic (float32 / int32), comparisons (uint8
// out) and logical ops on uint8. Addresses are byte offsets into the arena;
// shapes are tfjs shapes, the output shape being their broadcast. Each op is
// its own kernel (`<op>_<dtype>`, generated from the rows of binary-table.ts);
// names, dtypes and costs come from the table. The output may alias an input
// of the output's shape.
import { ARITHMETIC_TABLE, type BinaryRow, COMPARE_TABLE, LOGICAL_TABLE } from './binary-table.js';
import { allSameShape, broadcastLayout, checkAddress, checkBroadcast, runBroadcast, runFlat } from './broadcast.js';
import { perDtypeOp } from './names.js';

/** Arithmetic ops of `binary`, named as the tfjs ops: the keys of {@link ARITHMETIC_TABLE}. */
export type BinaryOp = keyof typeof ARITHMETIC_TABLE;
/** Comparison ops of `compare`, named as the tfjs ops: the keys of {@link COMPARE_TABLE}. */
export type CompareOp = keyof typeof COMPARE_TABLE;
/** Logical ops of `logical`, named as the tfjs ops: the keys of {@link LOGICAL_TABLE}. */
export type LogicalOp = keyof typeof LOGICAL_TABLE;
/** Element types of `binary` and `compare`. */
export type NumericDtype = 'float32' | 'int32';

/** Every `BinaryOp`. */
export const BINARY_OPS = Object.keys(ARITHMETIC_TABLE) as BinaryOp[];
/** The `BinaryOp`s with an int32 kernel (the float-only ones, `div` and `atan2`, compute in float32 as tfjs casts first). */
export const INT32_BINARY_OPS: readonly BinaryOp[] = BINARY_OPS.filter((op) => ARITHMETIC_TABLE[op].dtypes === 'numeric');
/** Every `CompareOp`. */
export const COMPARE_OPS = Object.keys(COMPARE_TABLE) as CompareOp[];
/** Every `LogicalOp`. */
export const LOGICAL_OPS = Object.keys(LOGICAL_TABLE) as LogicalOp[];

const SUFFIX = { float32: 'f32', int32: 'i32', uint8: 'u8' } as const;
type KernelDtype = keyof typeof SUFFIX;

/** A family's error word, its table, its element sizes in and out, and its dtypes. */
interface Family {
  kind: string;
  table: Readonly<Record<string, BinaryRow>>;
  inBytes: number;
  outBytes: number;
  dtypes: readonly KernelDtype[];
}
const ARITHMETIC: Family = { kind: 'binary', table: ARITHMETIC_TABLE, inBytes: 4, outBytes: 4, dtypes: ['float32', 'int32'] };
const COMPARE: Family = { kind: 'compare', table: COMPARE_TABLE, inBytes: 4, outBytes: 1, dtypes: ['float32', 'int32'] };
const LOGICAL: Family = { kind: 'logical', table: LOGICAL_TABLE, inBytes: 1, outBytes: 1, dtypes: ['uint8'] };

// Error labels and kernel names per (dtype, op), built once (names.ts): a
// template string per call shows up in small-op dispatch.
const NAMES = new Map(
  [ARITHMETIC, COMPARE, LOGICAL].map((f) => [
    f,
    perDtypeOp(f.dtypes, Object.keys(f.table), (dt, op) => ({
      what: f === LOGICAL ? `wasmml logical ${op}` : `wasmml ${f.kind} ${op} (${dt})`,
      kernel: `${f.table[op]!.kernel}_${SUFFIX[dt as KernelDtype]}`,
    })),
  ]),
);

/** Checks op and dtype against the family's table, then runs its kernel over the broadcast. */
function run(
  family: Family,
  op: string,
  dtype: KernelDtype,
  a: number,
  aShape: readonly number[],
  b: number,
  bShape: readonly number[],
  out: number,
  outShape: readonly number[],
): void {
  const known = NAMES.get(family)?.get(dtype)?.get(op);
  const what = known?.what ?? `wasmml ${family.kind} ${op} (${dtype})`;
  const row = Object.hasOwn(family.table, op) ? family.table[op] : undefined;
  if (row === undefined) throw new Error(`${what}: unknown op; expected one of ${Object.keys(family.table).join(', ')}`);
  if (known === undefined) throw new Error(`${what}: dtype must be ${family.dtypes.map((d) => `'${d}'`).join(' or ')}, got '${dtype}'`);
  if (dtype === 'int32' && row.dtypes !== 'numeric') {
    throw new Error(`${what}: no int32 kernel; cast to float32 first (int32 ops: ${INT32_BINARY_OPS.join(', ')})`);
  }
  const shapes = [aShape, bShape];
  const fast = allSameShape(outShape, shapes);
  const n = fast ? outShape.reduce((p, d) => p * d, 1) : checkBroadcast(what, outShape, shapes, ['a', 'b']);
  if (n === 0) return;
  checkAddress(what, 'a', a);
  checkAddress(what, 'b', b);
  checkAddress(what, 'out', out);
  if (fast) runFlat(known.kernel, [a, b], out, n, row.cost);
  else
    runBroadcast(known.kernel, [a, b], out, family.outBytes, [family.inBytes, family.inBytes], broadcastLayout(outShape, shapes), row.cost);
}

/**
 * out = op(a, b) elementwise with broadcasting, as the tfjs op of that name.
 * float32 follows tfjs's float64-then-round results (floorDiv keeps float32,
 * as tfjs-backend-wasm; mod takes the divisor's sign). int32 wraps modulo 2^32;
 * floorDiv and mod by 0 give 0.
 */
export function binary(
  op: BinaryOp,
  dtype: NumericDtype,
  a: number,
  aShape: readonly number[],
  b: number,
  bShape: readonly number[],
  out: number,
  outShape: readonly number[],
): void {
  run(ARITHMETIC, op, dtype, a, aShape, b, bShape, out, outShape);
}

/** out (uint8, 1 = true) = a op b elementwise with broadcasting; NaN compares unequal to everything. */
export function compare(
  op: CompareOp,
  dtype: NumericDtype,
  a: number,
  aShape: readonly number[],
  b: number,
  bShape: readonly number[],
  out: number,
  outShape: readonly number[],
): void {
  run(COMPARE, op, dtype, a, aShape, b, bShape, out, outShape);
}

/** out (uint8 0/1) = a op b on uint8 inputs (non-zero is true) with broadcasting. */
export function logical(
  op: LogicalOp,
  a: number,
  aShape: readonly number[],
  b: number,
  bShape: readonly number[],
  out: number,
  outShape: readonly number[],
): void {
  run(LOGICAL, op, 'uint8', a, aShape, b, bShape, out, outShape);
}
