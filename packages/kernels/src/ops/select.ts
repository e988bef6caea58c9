// select (tfjs `where`): one op with three broadcast operands, so no table;
// its kernels are select_i32 / select_u8 in assembly/select.ts.
import { broadcastLayout, checkAddress, checkBroadcast, runBroadcast } from './broadcast.js';

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
