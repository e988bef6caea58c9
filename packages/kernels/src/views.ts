// Typed views of the wasm memory. Growing memory replaces the buffer, so a view
// is made from the current buffer on every call and never kept across an
// allocation.
import { runtime } from './runtime.js';

/**
 * A Float32Array of `length` elements over the kernel memory at byte address `ptr`; valid until the next allocation
 * (growth detaches it).
 */
export function f32View(ptr: number, length: number): Float32Array {
  return new Float32Array(runtime().memory.buffer, ptr, length);
}

/**
 * An Int32Array of `length` elements over the kernel memory at byte address `ptr`; valid until the next allocation
 * (growth detaches it).
 */
export function i32View(ptr: number, length: number): Int32Array {
  return new Int32Array(runtime().memory.buffer, ptr, length);
}

/**
 * A Uint8Array of `length` bytes over the kernel memory at byte address `ptr`; valid until the next allocation
 * (growth detaches it).
 */
export function u8View(ptr: number, length: number): Uint8Array {
  return new Uint8Array(runtime().memory.buffer, ptr, length);
}

/** Allocates `bytes` in the arena. */
export function alloc(bytes: number): number {
  return runtime().arena.alloc(bytes);
}

/** Frees a block from `alloc`. */
export function free(ptr: number): void {
  runtime().arena.free(ptr);
}
