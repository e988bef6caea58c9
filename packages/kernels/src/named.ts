// Kernels by name, for kernels this package has no typed wrapper for: the
// fused kernels model packages ship in their own assembly/ folders, built into
// the one module. @wasmml/tensor's runKernel is the caller (with tensor
// arguments and liveness checks); the pool stays private to this package.
import { KernelError, type RunOptions } from './pool.js';
import { runtime } from './runtime.js';

/** Whether the loaded kernel module exports a kernel named `name`. */
export function hasKernel(name: string): boolean {
  return typeof runtime().exports[name] === 'function';
}

/**
 * Runs kernel `name` over items [0, items) on the pool: `args` first, then
 * (with `scratchBytes`) a private scratch address per participant, then the
 * item range. Throws a KernelError naming the kernel if the module has none.
 */
export function runKernel(name: string, args: number[], items: number, opts: RunOptions = {}): void {
  const rt = runtime();
  if (typeof rt.exports[name] !== 'function') {
    throw new KernelError(
      `wasmml: the kernel module (${rt.variant}) has no kernel named '${name}'; a package's own kernels are compiled in from its assembly/index.ts by scripts/build-wasm.mjs (pnpm build)`,
    );
  }
  rt.pool.run(name, args, items, opts);
}
