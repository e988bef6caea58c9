// Which weights carry a LoRA adapter. The projection helper every nlp layer
// uses (attention-math's `project`) asks here, so adapters need no change to
// the layers they attach to.
import type { Tensor } from '@wasmml/tensor';

/** One low-rank adapter: W + (alpha/r)·A·B, with dropout on the adapter's input while training. */
export interface LoraAdapter {
  /** The adapted weight's saved name (layer/weight). */
  readonly name: string;
  /** [in, r], Kaiming-uniform (as PEFT). */
  readonly a: Tensor;
  /** [r, out], zeros: a fresh adapter changes nothing. */
  readonly b: Tensor;
  /** alpha / r. */
  readonly scale: number;
  /** Dropout rate on the adapter's input while training. */
  readonly dropout: number;
  /** Seed of that dropout. */
  readonly seed: number | undefined;
  /** True while A·B is folded into W (the adapter then adds nothing). */
  merged: boolean;
}

const adapters = new WeakMap<Tensor, LoraAdapter>();

/** The adapter on weight `w`, if any. */
export function adapterOf(w: Tensor): LoraAdapter | undefined {
  return adapters.get(w);
}

/** Attaches (or with undefined, detaches) an adapter to weight `w`. */
export function setAdapter(w: Tensor, adapter: LoraAdapter | undefined): void {
  if (adapter) adapters.set(w, adapter);
  else adapters.delete(w);
}
