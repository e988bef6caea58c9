// Feature detection by validating tiny modules, never by runtime name.

/** A module with one function `() -> v128` whose body is `code` (plus `end`). */
function v128Module(code: number[]): Uint8Array<ArrayBuffer> {
  const body = [0x00, ...code, 0x0b];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7b, // type: () -> v128
    0x03,
    0x02,
    0x01,
    0x00, // one function of type 0
    0x0a,
    body.length + 2,
    0x01,
    body.length,
    ...body,
  ]);
}

const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];

/** Plain 128-bit SIMD. */
export function hasSimd(): boolean {
  return WebAssembly.validate(v128Module(V128_ZERO));
}

/** Relaxed SIMD (f32x4.relaxed_madd, the one instruction the FMA variant needs). */
export function hasRelaxedSimd(): boolean {
  return WebAssembly.validate(v128Module([...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02]));
}

/** Shared memory, which the pool needs (false on pages without cross-origin isolation). */
export function hasSharedMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  try {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return m.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}
