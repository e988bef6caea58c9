// Process-wide tensor bookkeeping: live tensors and buffers, tidy scopes, and
// the gradient tape. Kept free of op code so every op file can import it.
import type { Tensor } from './tensor.js';

/** A block of the kernel arena holding one tensor's elements; shared by reshapes and clones. */
export interface DataRef {
  ptr: number;
  bytes: number;
  refs: number;
}

/** One recorded op: how to turn output gradients into input gradients. */
export interface TapeNode {
  name: string;
  inputs: Tensor[];
  outputs: Tensor[];
  /**
   * Gradients for each input (undefined where an input gets none), given one dy
   * per output. `needed[i]` is false for inputs no gradient is asked for (data,
   * constants): expensive ops skip computing those.
   */
  backward: (dys: Tensor[], needed: boolean[]) => Array<Tensor | undefined>;
  /** The profile scope (layer path) the op ran in, recorded only while `profile()` runs. */
  scope?: string;
}

/** What ops and gradients tell a running `profile()` (profile.ts): which scope (layer) the work belongs to. */
export interface ProfileHooks {
  /** The current scope path ('' outside every scope). */
  current(): string;
  /** Enters the scope `path` (absolute) in the given phase. */
  enter(path: string, phase: 'forward' | 'backward'): void;
  /** Leaves the innermost scope. */
  exit(): void;
}

interface Scope {
  tracked: Tensor[];
}

export const ENGINE = {
  nextId: 0,
  numTensors: 0,
  numBuffers: 0,
  numBytes: 0,
  scopes: [] as Scope[],
  /** The gradient tape while a gradient function runs; null otherwise (ops then record nothing). */
  tape: null as TapeNode[] | null,
  /** Suspends recording (customGrad forward passes). */
  tapePaused: 0,
  /** Highest numBytes since `profile()` last reset it. */
  peakBytes: 0,
  /** The running `profile()`, or null (then ops pay one null check for it). */
  profiler: null as ProfileHooks | null,
};

export function trackInScope(t: Tensor): void {
  const s = ENGINE.scopes[ENGINE.scopes.length - 1];
  if (s) s.tracked.push(t);
}

export function recording(): boolean {
  return ENGINE.tape !== null && ENGINE.tapePaused === 0;
}

/** Records an op on the tape when a gradient is being computed. */
export function record(name: string, inputs: Tensor[], outputs: Tensor[], backward: TapeNode['backward']): void {
  if (ENGINE.tape !== null && ENGINE.tapePaused === 0) {
    const node: TapeNode = { name, inputs, outputs, backward };
    if (ENGINE.profiler !== null) node.scope = ENGINE.profiler.current();
    ENGINE.tape.push(node);
  }
}

export function pushScope(): Scope {
  const s: Scope = { tracked: [] };
  ENGINE.scopes.push(s);
  return s;
}

export function popScope(): Scope {
  const s = ENGINE.scopes.pop();
  if (!s) throw new Error('wasmml: scope stack underflow');
  return s;
}
