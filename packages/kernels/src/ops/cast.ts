// Casts between float32, int32 and bool (one byte per element), tfjs cpu semantics.
import { checkCounts } from './checks.js';
import { runtime } from '../runtime.js';

/** The dtypes `cast` converts between. */
export type CastDtype = 'float32' | 'int32' | 'bool';

const SUFFIX: Record<CastDtype, string> = { float32: 'f32', int32: 'i32', bool: 'u8' };
const BYTES: Record<CastDtype, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * y = cast(x, to) for n elements, as tfjs's cpu backend: float32 -> int32
 * truncates toward zero (and, like Int32Array.from, wraps modulo 2^32 outside
 * the int32 range, NaN and infinities giving 0); anything -> bool is x != 0
 * (NaN -> true); bool -> float32/int32 gives 0 or 1; int32 -> float32 rounds to
 * nearest. The same dtype copies.
 */
export function cast(x: number, y: number, n: number, from: CastDtype, to: CastDtype): void {
  if (!(from in SUFFIX) || !(to in SUFFIX)) throw new TypeError(`wasmml cast: cannot cast ${from} to ${to}`);
  checkCounts(`cast ${from}->${to}`, { n });
  if (n === 0) return;
  const rt = runtime();
  if (from === to) {
    new Uint8Array(rt.memory.buffer).copyWithin(y, x, x + n * BYTES[from]);
    return;
  }
  rt.pool.run(`cast_${SUFFIX[from]}_${SUFFIX[to]}`, [x, y], n, { cost: 1 });
}
