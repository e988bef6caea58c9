// Variables: mutable tensors that gradients and optimizers work on. Not
// tracked by tidy; freed only by dispose().
import type { DataType } from './dtype.js';
import { convert, type TensorLike } from './convert.js';
import { allocRef, copyBytes, releaseRef, Tensor } from './tensor.js';
import { fmtShape, shapesEqual } from './shape.js';

const registry = new Map<string, Variable>();
let unnamed = 0;

/**
 * A mutable tensor (tfjs `tf.Variable`): what gradients are taken against and optimizers update. Not tracked by
 * `tidy`; freed only by `dispose()`.
 */
export class Variable extends Tensor {
  /** Unique name (given or generated); {@link variableGrads} returns gradients keyed by it. */
  readonly name: string;
  /** Whether {@link variableGrads} (and optimizers minimizing without a var list) include this variable. */
  trainable: boolean;

  /** @internal Use `variable()`. */
  constructor(initial: Tensor, trainable: boolean, name: string) {
    const ref = allocRef(initial.size, initial.dtype);
    super([...initial.shape], initial.dtype, ref);
    copyBytes(initial.ptr, ref.ptr, ref.bytes);
    this.trainable = trainable;
    this.name = name;
  }

  protected override register(): void {}

  /** Replaces the value (same shape and dtype). */
  assign(newValue: Tensor): void {
    this.assertLive('assign');
    newValue.assertLive('assign');
    if (!shapesEqual(newValue.shape, this.shape) || newValue.dtype !== this.dtype) {
      throw new Error(
        `assign: variable '${this.name}' has shape ${fmtShape(this.shape)} (${this.dtype}); ` +
          `the new value has shape ${fmtShape(newValue.shape)} (${newValue.dtype})`,
      );
    }
    if (newValue.ref === this.ref) return;
    if (this.ref.refs > 1) {
      // Someone (a clone or reshape) shares the old buffer: give the variable its own.
      const old = this.ref;
      this.ref = allocRef(this.size, this.dtype);
      this.ref.refs = 1;
      releaseRef(old);
    }
    copyBytes(newValue.ptr, this.ref.ptr, this.ref.bytes);
  }

  /** @internal Gives the variable a buffer no other tensor shares, before an in-place update. */
  ownBuffer(): void {
    this.assertLive('update');
    if (this.ref.refs <= 1) return;
    const old = this.ref;
    this.ref = allocRef(this.size, this.dtype);
    this.ref.refs = 1;
    copyBytes(old.ptr, this.ref.ptr, this.ref.bytes);
    releaseRef(old);
  }

  override dispose(): void {
    if (!this.isDisposed) registry.delete(this.name);
    super.dispose();
  }
}

/** Creates a variable holding a copy of initialValue. Names must be unique among live variables. */
export function variable(initialValue: Tensor | TensorLike, trainable = true, name?: string, dtype?: DataType): Variable {
  const init = convert(initialValue, 'initialValue', 'variable', dtype);
  const n = name ?? `variable${unnamed++}`;
  if (registry.has(n)) throw new Error(`variable: a variable named '${n}' already exists; dispose it or pick another name`);
  const v = new Variable(init, trainable, n);
  if (init !== initialValue) init.dispose();
  registry.set(n, v);
  return v;
}

/** Live variables by name (for variableGrads and optimizers). */
export function registeredVariables(): Map<string, Variable> {
  return registry;
}
