// Broadcasting binary ops: arithmetic (float32 / int32), comparisons (uint8
// out), logical ops on uint8 and select. Addresses are byte offsets into the
// arena; shapes are tfjs shapes, the output shape being their broadcast. Each
// op is its own kernel (`<op>_<dtype>`, see assembly/binary.ts, compare.ts,
// select.ts); the output may alias an input of the output's shape.
import { perDtypeOp } from './names.js';
import { broadcastLayout, checkAddress, checkBroadcast, runBroadcast, allSameShape, runFlat } from './broadcast.js';

/** Arithmetic ops of `binary`, named as the tfjs ops. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow' | 'squaredDifference' | 'floorDiv' | 'mod' | 'atan2';

// Kernel base names (assembly/binary.ts).
const ARITHMETIC: Record<BinaryOp, string> = {
  add: 'add',
  sub: 'sub',
  mul: 'mul',
  div: 'div',
  maximum: 'maximum',
  minimum: 'minimum',
  pow: 'pow',
  squaredDifference: 'squared_difference',
  floorDiv: 'floor_div',
  mod: 'mod',
  atan2: 'atan2',
};
/** Every `BinaryOp`. */
export const BINARY_OPS = Object.keys(ARITHMETIC) as BinaryOp[];
/** The `BinaryOp`s with an int32 kernel (`div` and `atan2` are float-only, as tfjs casts first). */
export const INT32_BINARY_OPS: readonly BinaryOp[] = BINARY_OPS.filter((op) => op !== 'div' && op !== 'atan2');
/** Element types of `binary` and `compare`. */
export type NumericDtype = 'float32' | 'int32';

// Work per element relative to an add (single-thread timings of 1M), for the
// pool's threading decision: pow, atan2 and float mod call library code one
// lane at a time.
const COST: Partial<Record<BinaryOp, number>> = { floorDiv: 5, pow: 110, atan2: 240, mod: 200 };

/** Comparison ops of `compare`, named as the tfjs ops. */
export type CompareOp = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

const COMPARISONS: Record<CompareOp, string> = {
  equal: 'equal',
  notEqual: 'not_equal',
  less: 'less',
  lessEqual: 'less_equal',
  greater: 'greater',
  greaterEqual: 'greater_equal',
};
/** Every `CompareOp`. */
export const COMPARE_OPS = Object.keys(COMPARISONS) as CompareOp[];

/** Logical ops of `logical`, named as the tfjs ops. */
export type LogicalOp = 'logicalAnd' | 'logicalOr' | 'logicalXor';

const LOGICALS: Record<LogicalOp, string> = {
  logicalAnd: 'logical_and',
  logicalOr: 'logical_or',
  logicalXor: 'logical_xor',
};
/** Every `LogicalOp`. */
export const LOGICAL_OPS = Object.keys(LOGICALS) as LogicalOp[];

const SUFFIX: Record<NumericDtype, string> = { float32: 'f32', int32: 'i32' };

// Error labels and kernel names per (dtype, op), built once (names.ts).
const names = (kind: string, table: Record<string, string>) =>
  perDtypeOp(['float32', 'int32'], Object.keys(table), (dt, op) => ({
    what: `wasmml ${kind} ${op} (${dt})`,
    kernel: `${table[op]}_${SUFFIX[dt as NumericDtype]}`,
  }));
const BINARY_NAMES = names('binary', ARITHMETIC),
  COMPARE_NAMES = names('compare', COMPARISONS);

function checkDtype(what: string, dtype: string): asserts dtype is NumericDtype {
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new Error(`${what}: dtype must be 'float32' or 'int32', got '${dtype}'`);
  }
}

function run2(
  what: string,
  kernel: string,
  a: number,
  aShape: readonly number[],
  b: number,
  bShape: readonly number[],
  out: number,
  outShape: readonly number[],
  inBytes: number,
  outBytes: number,
  cost: number,
): void {
  if (allSameShape(outShape, [aShape, bShape])) {
    let n = 1;
    for (const d of outShape) n *= d;
    if (n === 0) return;
    checkAddress(what, 'a', a);
    checkAddress(what, 'b', b);
    checkAddress(what, 'out', out);
    runFlat(kernel, [a, b], out, n, cost);
    return;
  }
  const n = checkBroadcast(what, outShape, [aShape, bShape], ['a', 'b']);
  if (n === 0) return;
  checkAddress(what, 'a', a);
  checkAddress(what, 'b', b);
  checkAddress(what, 'out', out);
  runBroadcast(kernel, [a, b], out, outBytes, [inBytes, inBytes], broadcastLayout(outShape, [aShape, bShape]), cost);
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
  const known = BINARY_NAMES.get(dtype)?.get(op);
  const what = known?.what ?? `wasmml binary ${op} (${dtype})`;
  if (!Object.hasOwn(ARITHMETIC, op)) throw new Error(`${what}: unknown op; expected one of ${BINARY_OPS.join(', ')}`);
  checkDtype(what, dtype);
  if (dtype === 'int32' && !INT32_BINARY_OPS.includes(op)) {
    throw new Error(`${what}: no int32 kernel; cast to float32 first (int32 ops: ${INT32_BINARY_OPS.join(', ')})`);
  }
  run2(what, known!.kernel, a, aShape, b, bShape, out, outShape, 4, 4, COST[op] ?? 1);
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
  const known = COMPARE_NAMES.get(dtype)?.get(op);
  const what = known?.what ?? `wasmml compare ${op} (${dtype})`;
  if (!Object.hasOwn(COMPARISONS, op)) throw new Error(`${what}: unknown op; expected one of ${COMPARE_OPS.join(', ')}`);
  checkDtype(what, dtype);
  run2(what, known!.kernel, a, aShape, b, bShape, out, outShape, 4, 1, 1);
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
  const what = `wasmml logical ${op}`;
  const name = Object.hasOwn(LOGICALS, op) ? LOGICALS[op] : undefined;
  if (name === undefined) throw new Error(`${what}: unknown op; expected one of ${LOGICAL_OPS.join(', ')}`);
  run2(what, `${name}_u8`, a, aShape, b, bShape, out, outShape, 1, 1, 1);
}

/**
 * out = cond ? a : b (tfjs `where`), all three broadcast to outShape. cond is
 * uint8 (non-zero is true); a, b and out hold elements of `elemBytes` bytes:
 * 4 for float32 / int32 (moved as bits), 1 for uint8.
 */
export function select(
  elemBytes: 1 | 4,
  cond: number,
  condShape: readonly number[],
  a: number,
  aShape: readonly number[],
  b: number,
  bShape: readonly number[],
  out: number,
  outShape: readonly number[],
): void {
  const what = `wasmml select (${elemBytes}-byte elements)`;
  if (elemBytes !== 1 && elemBytes !== 4) throw new Error(`${what}: elemBytes must be 1 or 4`);
  const shapes = [condShape, aShape, bShape];
  const n = checkBroadcast(what, outShape, shapes, ['cond', 'a', 'b']);
  if (n === 0) return;
  checkAddress(what, 'cond', cond);
  checkAddress(what, 'a', a);
  checkAddress(what, 'b', b);
  checkAddress(what, 'out', out);
  runBroadcast(
    elemBytes === 4 ? 'select_i32' : 'select_u8',
    [cond, a, b],
    out,
    elemBytes,
    [1, elemBytes, elemBytes],
    broadcastLayout(outShape, shapes),
    1,
  );
}
