// Custom kernels: how a model package runs the fused AssemblyScript kernels it
// ships in its own assembly/ folder (compiled into the one kernel module by
// scripts/build-wasm.mjs) — the tfjs registerKernel idea, with the kernel
// already in the module. The package names the kernel and passes tensors,
// variables to update in place, outputs to create, scratch blocks, parameter
// tables and numbers; this entry checks that each is alive and the kernel
// exists before anything is allocated or written, and runs it on the pool
// through @wasmml/kernels (the only package that touches the pool).
import { hasKernel as moduleHasKernel, i32View, runKernel as runModuleKernel, runtime } from '@wasmml/kernels';
import type { DataType } from './dtype.js';
import { KernelScratch } from './kernel-scratch.js';
import { emptyTensor, Tensor } from './tensor.js';
import { Variable } from './variable.js';

/** A variable the kernel updates in place (it gets a buffer of its own first, so clones keep the old value). */
export interface KernelUpdate {
  /** The variable. */
  update: Variable;
}

/** A new tensor the kernel writes (every element: it starts uninitialised); returned by `runKernel`. */
export interface KernelOutput {
  /** Its shape. */
  output: number[];
  /** Default 'float32'. */
  dtype?: DataType;
}

/**
 * One word of a parameter table: an address (of a tensor, a variable updated
 * in place or a scratch block; 0 for an empty tensor), an int32 (a plain
 * number), a float32 stored as its bits (`{ f32 }`), or 0 (`undefined`).
 */
export type TableWord = Tensor | KernelUpdate | KernelScratch | number | KernelF32 | undefined;

/** A float32 table word, stored as its bits. */
export interface KernelF32 {
  /** The value. */
  f32: number;
}

/**
 * A parameter table: int32 words the kernel reads by index (for kernels with
 * more inputs than fit well in a signature). It is written into a temporary
 * block for each run, after the liveness checks, so addresses are current;
 * the kernel receives its address. `names` label the words in errors (a
 * numeric TypeScript enum's reverse mapping serves).
 */
export interface KernelTable {
  /** The words, in index order. */
  table: readonly TableWord[];
  /** Word names by index, for error messages. */
  names?: Readonly<Record<number, string>>;
}

/**
 * One kernel argument: a number (an f32 or i32 parameter), a tensor (its
 * address; 0 when empty), a variable to update, an output to create, a
 * scratch block or a parameter table (their addresses).
 */
export type KernelArg = number | Tensor | KernelUpdate | KernelOutput | KernelScratch | KernelTable;

/** How the pool splits a kernel call: the kernel's last two parameters are the item range [start, end). */
export interface KernelRunOptions {
  /** Work items [0, items) the pool may split over threads. */
  items: number;
  /** Work per item in multiply-add-like units (default 1): decides whether threads pay off. */
  cost?: number;
  /** Bytes of private scratch per thread, passed after the arguments, before the range (default none). */
  threadScratchBytes?: number;
}

/** Whether the loaded kernel module has a kernel named `name` (a package's kernels are built into it). */
export function hasKernel(name: string): boolean {
  return moduleHasKernel(name);
}

type Word =
  | { kind: 'i32'; value: number }
  | { kind: 'f32'; value: number }
  | { kind: 'tensor'; t: Tensor }
  | { kind: 'update'; v: Variable }
  | { kind: 'scratch'; s: KernelScratch };
type Prepared =
  | Word
  | { kind: 'value'; value: number }
  | { kind: 'output'; shape: number[]; dtype: DataType }
  | { kind: 'table'; words: Word[] };

const isObject = (a: unknown): a is Record<string, unknown> => a !== null && typeof a === 'object';

/** Checks an address-like argument (tensor, update, scratch); undefined for anything else. */
function addressArg(what: string, a: unknown): Word | undefined {
  if (a instanceof Tensor) {
    a.assertLive(what);
    return { kind: 'tensor', t: a };
  }
  if (a instanceof KernelScratch) {
    if (a.isDisposed) throw new Error(`${what} is a disposed KernelScratch (${a.bytes} bytes)`);
    return { kind: 'scratch', s: a };
  }
  if (isObject(a) && 'update' in a) {
    if (!(a.update instanceof Variable)) throw new TypeError(`${what}: { update } takes a Variable (made by variable())`);
    a.update.assertLive(what);
    return { kind: 'update', v: a.update };
  }
  return undefined;
}

function tableWord(what: string, w: TableWord): Word {
  if (w === undefined) return { kind: 'i32', value: 0 };
  if (typeof w === 'number') {
    if (!Number.isInteger(w) || w < -(2 ** 31) || w >= 2 ** 31)
      throw new RangeError(`${what} = ${w}, expected an int32 (use { f32 } for a float)`);
    return { kind: 'i32', value: w };
  }
  if (isObject(w) && 'f32' in w) {
    if (typeof w.f32 !== 'number' || !Number.isFinite(w.f32)) throw new RangeError(`${what} = ${String(w.f32)}, expected a finite number`);
    return { kind: 'f32', value: w.f32 };
  }
  const addr = addressArg(what, w);
  if (!addr) throw new TypeError(`${what} is ${typeof w}; expected a Tensor, { update }, KernelScratch, an int32, { f32 } or undefined`);
  return addr;
}

function prepare(op: string, key: string, a: KernelArg): Prepared {
  const what = `${op}: argument '${key}'`;
  if (typeof a === 'number') {
    if (!Number.isFinite(a)) throw new RangeError(`${what} = ${a}, expected a finite number`);
    return { kind: 'value', value: a };
  }
  const addr = addressArg(what, a);
  if (addr) return addr;
  if (isObject(a) && 'output' in a) {
    const shape = a.output;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new RangeError(`${what}: output shape ${JSON.stringify(shape)}, expected an array of integers >= 0`);
    }
    const dtype = a.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
      throw new TypeError(`${what}: output dtype '${String(dtype)}', expected float32, int32 or bool`);
    }
    return { kind: 'output', shape: [...shape], dtype };
  }
  if (isObject(a) && 'table' in a && Array.isArray(a.table)) {
    const names = a.names as KernelTable['names'];
    return { kind: 'table', words: a.table.map((w, i) => tableWord(`${what} word ${names?.[i] ?? i}`, w)) };
  }
  throw new TypeError(
    `${what} is ${a === null ? 'null' : typeof a}; expected a number, Tensor, { update: Variable }, { output: shape }, KernelScratch or { table }`,
  );
}

/** The address (or int) a word stands for; gives updated variables their own buffer first. */
function resolve(w: Word): number {
  switch (w.kind) {
    case 'i32':
    case 'f32':
      return w.value;
    case 'tensor':
      return w.t.size ? w.t.ptr : 0;
    case 'scratch':
      return w.s.ptr;
    case 'update':
      w.v.ownBuffer();
      return w.v.size ? w.v.ptr : 0;
  }
}

/**
 * Runs the kernel `name` of the loaded module on the thread pool, with
 * `args` in the kernel's parameter order (an object's keys keep the order
 * they are written in; the names label errors) followed by the item range the
 * pool splits. Every argument is checked before anything is allocated or
 * written: a disposed tensor, variable or scratch block, or a kernel the
 * module does not have, throws an error naming the kernel and the argument.
 * Returns the `{ output }` tensors, in argument order. The kernel must give
 * the same bytes whatever the split (see assembly/README.md).
 *
 * ```ts
 * const [y] = runKernel('mypkg_scale_f32', { x, y: { output: x.shape }, factor: 2 }, { items: x.size });
 * ```
 */
export function runKernel(name: string, args: Readonly<Record<string, KernelArg>>, opts: KernelRunOptions): Tensor[] {
  const op = `runKernel(${name})`;
  const { items, cost = 1, threadScratchBytes = 0 } = opts;
  if (!Number.isInteger(items) || items < 0) throw new RangeError(`${op}: items = ${items}, expected an integer >= 0`);
  if (!Number.isFinite(cost) || cost < 0) throw new RangeError(`${op}: cost = ${cost}, expected a finite number >= 0`);
  if (!Number.isInteger(threadScratchBytes) || threadScratchBytes < 0) {
    throw new RangeError(`${op}: threadScratchBytes = ${threadScratchBytes}, expected an integer >= 0`);
  }
  const prepared = Object.entries(args).map(([key, a]) => prepare(op, key, a));
  if (!moduleHasKernel(name)) {
    throw new Error(
      `${op}: the loaded kernel module has no kernel '${name}'; a package's own kernels are compiled in from its assembly/index.ts by scripts/build-wasm.mjs (pnpm build)`,
    );
  }
  const outputs: Tensor[] = [];
  const tables: number[] = [];
  const values: number[] = [];
  const arena = runtime().arena;
  try {
    for (const p of prepared) {
      if (p.kind === 'value') values.push(p.value);
      else if (p.kind === 'output') {
        const t = emptyTensor(p.shape, p.dtype);
        outputs.push(t);
        values.push(t.size ? t.ptr : 0);
      } else if (p.kind === 'table') {
        const n = p.words.length;
        const resolved = p.words.map(resolve);
        const at = arena.alloc(Math.max(16, n * 4));
        tables.push(at);
        const ints = i32View(at, n),
          floats = new Float32Array(ints.buffer, ints.byteOffset, n);
        p.words.forEach((w, i) => {
          if (w.kind === 'f32') floats[i] = resolved[i]!;
          else ints[i] = resolved[i]!;
        });
        values.push(at);
      } else values.push(resolve(p));
    }
    runModuleKernel(name, values, items, { cost, scratchBytes: threadScratchBytes });
    return outputs;
  } catch (e) {
    for (const t of outputs) t.dispose();
    throw e;
  } finally {
    for (const t of tables) arena.free(t);
  }
}
