// tidy / keep / dispose / memory: tfjs semantics.
import { backendInfo, type ArenaStats } from '@wasmml/kernels';
import { ENGINE, popScope, pushScope, recording } from './engine.js';
import { Tensor } from './tensor.js';

/** Anything `tidy` may return and `dispose` accepts: tensors inside arrays and plain objects. */
export type TensorContainer =
  | void
  | Tensor
  | string
  | number
  | boolean
  | TensorContainer[]
  | { [key: string]: TensorContainer }
  | Float32Array
  | Int32Array
  | Uint8Array;

function collect(x: unknown, out: Tensor[], seen = new Set<unknown>()): void {
  if (x instanceof Tensor) {
    out.push(x);
    return;
  }
  if (x === null || typeof x !== 'object' || seen.has(x) || ArrayBuffer.isView(x)) return;
  seen.add(x);
  if (Array.isArray(x)) for (const v of x) collect(v, out, seen);
  else for (const v of Object.values(x)) collect(v, out, seen);
}

/** Every tensor inside a container (arrays and plain objects, any depth). */
export function getTensorsInContainer(x: unknown): Tensor[] {
  const out: Tensor[] = [];
  collect(x, out);
  return out;
}

/**
 * Runs fn and frees every tensor it made except those it returns (and those
 * marked with `keep`). Returned tensors move to the enclosing scope.
 */
export function tidy<T extends TensorContainer>(fn: () => T): T;
export function tidy<T extends TensorContainer>(name: string, fn: () => T): T;
export function tidy<T extends TensorContainer>(nameOrFn: string | (() => T), maybeFn?: () => T): T {
  const fn = typeof nameOrFn === 'function' ? nameOrFn : maybeFn;
  if (typeof fn !== 'function') throw new Error('tidy: expected a function');
  const scope = pushScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    popScope();
    for (const t of scope.tracked) if (!t.kept) t.dispose();
    throw e;
  }
  popScope();
  if (result instanceof Promise) {
    throw new Error('tidy: the function returned a Promise; tidy cannot track async work (await outside tidy)');
  }
  const keepIds = new Set(getTensorsInContainer(result).map((t) => t.id));
  const parent = ENGINE.scopes[ENGINE.scopes.length - 1];
  // While a gradient is being recorded the tape's backward functions may still need
  // this scope's tensors (tfjs keeps them too): hand them to the enclosing scope, the
  // gradient function's own, which frees them once the gradients are computed.
  const defer = recording() && parent !== undefined;
  for (const t of scope.tracked) {
    if (keepIds.has(t.id) || (defer && !t.kept)) parent?.tracked.push(t);
    else if (!t.kept) t.dispose();
  }
  return result;
}

/** Marks a tensor to survive the tidy it was made in; returns it. */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}

/** Disposes every tensor found in the container. */
export function dispose(container: TensorContainer | Tensor[]): void {
  for (const t of getTensorsInContainer(container)) t.dispose();
}

/** Memory figures: tensors and buffers as tfjs reports them, plus the wasm arena. */
export interface MemoryInfo {
  /** Live tensors (variables included). */
  numTensors: number;
  /** Live data buffers; fewer than tensors when views such as `reshape` share one. */
  numDataBuffers: number;
  /** Bytes of the live data buffers. */
  numBytes: number;
  /** Always false: every buffer is counted (tfjs sets it when it cannot be sure). */
  unreliable: false;
  /** The kernel arena: bytes in use, free, peak and the wasm memory size. */
  arena: ArenaStats;
}

/**
 * Memory figures (tfjs `tf.memory()`): live tensors, buffers and bytes, and the kernel arena; use it to check that a
 * training loop stays flat.
 */
export function memory(): MemoryInfo {
  return {
    numTensors: ENGINE.numTensors,
    numDataBuffers: ENGINE.numBuffers,
    numBytes: ENGINE.numBytes,
    unreliable: false,
    arena: backendInfo().memory,
  };
}
