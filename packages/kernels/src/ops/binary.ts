// Broadcasting binary ops: arithmetic (float32 / int32), comparisons (uint8
// out) and logical ops on uint8. Addresses are byte offsets into the arena;
// shapes are tfjs shapes, the output shape being their broadcast. Each op is
// its own kernel (`<op>_<dtype>`, generated from the rows of binary-table.ts);
// names, dtypes and costs come from the table. The output may alias an input
// of the output's shape.
import { ARITHMETIC_TABLE, type BinaryRow, COMPARE_TABLE, LOGICAL_TABLE } from './binary-table.js';
import { runBroadcastOp } from './broadcast.js';
import { perDtypeOp } from './names.js';

/** Arithmetic ops of `binary`, named as the tfjs ops: the keys of {@link ARITHMETIC_TABLE}. */
export type BinaryOp = keyof typeof ARITHMETIC_TABLE;
/** Comparison ops of `compare`, named as the tfjs ops: the keys of {@link COMPARE_TABLE}. */
export type CompareOp = keyof typeof COMPARE_TABLE;
/** Logical ops of `logical`, named as the tfjs ops: the keys of {@link LOGICAL_TABLE}. */
export type LogicalOp = keyof typeof LOGICAL_TABLE;
/** Element types of `binary` and `compare`. */
export type NumericDtype = 'float32' | 'int32';
/** The arena addresses and shapes of a binary op: its operands, and the output of their broadcast shape. */
export type BinaryOperands = [
  a: number,
  aShape: readonly number[],
  b: number,
  bShape: readonly number[],
  out: number,
  outShape: readonly number[],
];

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

/** A (dtype, op) of a family, prepared once: its error label, kernel, cost, and whether the kernel exists. */
interface Entry {
  what: string;
  kernel: string;
  cost: number;
  exists: boolean;
}

/** A family's error word, its table, its element sizes in and out, its dtypes and its entries (names.ts). */
interface Family {
  kind: string;
  table: Readonly<Record<string, BinaryRow>>;
  inBytes: readonly number[];
  outBytes: number;
  dtypes: readonly KernelDtype[];
  entries: Map<string, Map<string, Entry>>;
}

// Labels and kernel names built once: a template string per call shows up in small-op dispatch.
function family(kind: string, table: Family['table'], inBytes: number, outBytes: number, dtypes: readonly KernelDtype[]): Family {
  const entries = perDtypeOp(dtypes, Object.keys(table), (dt, op) => ({
    what: kind === 'logical' ? `wasmml logical ${op}` : `wasmml ${kind} ${op} (${dt})`,
    kernel: `${table[op]!.kernel}_${SUFFIX[dt as KernelDtype]}`,
    cost: table[op]!.cost,
    exists: dt !== 'int32' || table[op]!.dtypes === 'numeric',
  }));
  return { kind, table, inBytes: [inBytes, inBytes], outBytes, dtypes, entries };
}
const ARITHMETIC = family('binary', ARITHMETIC_TABLE, 4, 4, ['float32', 'int32']);
const COMPARE = family('compare', COMPARE_TABLE, 4, 1, ['float32', 'int32']);
const LOGICAL = family('logical', LOGICAL_TABLE, 1, 1, ['uint8']);
const AB = ['a', 'b'];

/** Why (family, op, dtype) has no kernel: an unknown op, a wrong dtype, or no int32 kernel. */
function noKernel(f: Family, op: string, dtype: string): Error {
  const what = f.entries.get(dtype)?.get(op)?.what ?? `wasmml ${f.kind} ${op} (${dtype})`;
  if (!Object.hasOwn(f.table, op)) return new Error(`${what}: unknown op; expected one of ${Object.keys(f.table).join(', ')}`);
  if (!f.entries.has(dtype)) return new Error(`${what}: dtype must be ${f.dtypes.map((d) => `'${d}'`).join(' or ')}, got '${dtype}'`);
  return new Error(`${what}: no int32 kernel; cast to float32 first (int32 ops: ${INT32_BINARY_OPS.join(', ')})`);
}

/** Looks op and dtype up in the family's table, then runs its kernel over the broadcast. */
function run(f: Family, op: string, dtype: KernelDtype, ...[a, aShape, b, bShape, out, outShape]: BinaryOperands): void {
  const e = f.entries.get(dtype)?.get(op);
  if (e === undefined || !e.exists) throw noKernel(f, op, dtype);
  runBroadcastOp(e.what, e.kernel, AB, [a, b], [aShape, bShape], out, outShape, f.inBytes, f.outBytes, e.cost);
}

/**
 * out = op(a, b) elementwise with broadcasting, as the tfjs op of that name.
 * float32 follows tfjs's float64-then-round results (floorDiv keeps float32,
 * as tfjs-backend-wasm; mod takes the divisor's sign). int32 wraps modulo 2^32;
 * floorDiv and mod by 0 give 0.
 */
export function binary(op: BinaryOp, dtype: NumericDtype, ...operands: BinaryOperands): void {
  run(ARITHMETIC, op, dtype, ...operands);
}

/** out (uint8, 1 = true) = a op b elementwise with broadcasting; NaN compares unequal to everything. */
export function compare(op: CompareOp, dtype: NumericDtype, ...operands: BinaryOperands): void {
  run(COMPARE, op, dtype, ...operands);
}

/** out (uint8 0/1) = a op b on uint8 inputs (non-zero is true) with broadcasting. */
export function logical(op: LogicalOp, ...operands: BinaryOperands): void {
  run(LOGICAL, op, 'uint8', ...operands);
}
