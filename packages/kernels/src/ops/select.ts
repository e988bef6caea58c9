// select (tfjs `where`): one op with three broadcast operands, so no table;
// its kernels are select_i32 / select_u8 (assembly/select.ts, instantiated in the generated select_kernels.ts).
import type { BinaryOperands } from './binary.js';
import { runBroadcastOp } from './broadcast.js';

/**
 * out = cond ? a : b (tfjs `where`), all three broadcast to outShape. cond is
 * uint8 (non-zero is true); a, b and out hold elements of `elemBytes` bytes:
 * 4 for float32 / int32 (moved as bits), 1 for uint8.
 */
export function select(
  elemBytes: 1 | 4,
  cond: number,
  condShape: readonly number[],
  ...[a, aShape, b, bShape, out, outShape]: BinaryOperands
): void {
  const what = `wasmml select (${elemBytes}-byte elements)`;
  if (elemBytes !== 1 && elemBytes !== 4) throw new Error(`${what}: elemBytes must be 1 or 4`);
  const size = [1, elemBytes, elemBytes];
  const kernel = elemBytes === 4 ? 'select_i32' : 'select_u8';
  runBroadcastOp(what, kernel, NAMES, [cond, a, b], [condShape, aShape, bShape], out, outShape, size, elemBytes, 1);
}

const NAMES = ['cond', 'a', 'b'];
