// Merge layers: combine a list of inputs (add, multiply, average, concatenate).
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { fmt, type Shape } from '../common.js';
import { Layer, type LayerArgs } from '../layer.js';

function list(x: Tensor | Tensor[], name: string): Tensor[] {
  if (!Array.isArray(x) || x.length < 2) throw new Error(`${name} expects a list of at least 2 inputs`);
  return x;
}

abstract class ElementwiseMerge extends Layer {
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    if (!Array.isArray(shapes[0])) throw new Error(`${this.name} expects a list of inputs`);
    const rank = Math.max(...shapes.map((s) => s.length));
    return Array.from({ length: rank }, (_, i) => {
      let d: number | null = 1;
      for (const s of shapes) {
        const v = s[s.length - rank + i] ?? 1;
        if (v === null) d = d === 1 ? null : d;
        else if (v !== 1) {
          if (d !== 1 && d !== null && d !== v) throw new Error(`${this.name}: input shapes ${fmt(shapes)} do not match`);
          d = v;
        }
      }
      return d;
    });
  }
  /** Combines the input tensors (at least two) into one. */
  protected abstract merge(xs: Tensor[]): Tensor;
  call(inputs: Tensor | Tensor[]): Tensor {
    return this.merge(list(inputs, this.name));
  }
}

/** Element-wise sum of its inputs, which broadcast (tfjs `tf.layers.add`). */
export class Add extends ElementwiseMerge {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Add';
  getClassName() {
    return 'Add';
  }
  protected merge(xs: Tensor[]) {
    return xs.slice(1).reduce((a, b) => ops.add(a, b), xs[0]!);
  }
}

/** Element-wise product of its inputs, which broadcast (tfjs `tf.layers.multiply`). */
export class Multiply extends ElementwiseMerge {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Multiply';
  getClassName() {
    return 'Multiply';
  }
  protected merge(xs: Tensor[]) {
    return xs.slice(1).reduce((a, b) => ops.mul(a, b), xs[0]!);
  }
}

/** Element-wise mean of its inputs, which broadcast (tfjs `tf.layers.average`). */
export class Average extends ElementwiseMerge {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Average';
  getClassName() {
    return 'Average';
  }
  protected merge(xs: Tensor[]) {
    return ops.div(
      xs.slice(1).reduce((a, b) => ops.add(a, b), xs[0]!),
      xs.length,
    );
  }
}

/** Concatenates its inputs along an axis (tfjs `tf.layers.concatenate`; default the last axis). */
export class Concatenate extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Concatenate';
  /** Axis to concatenate along (negative counts from the end; default -1). */
  readonly axis: number;
  constructor(args: LayerArgs & { axis?: number } = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }
  getClassName() {
    return 'Concatenate';
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    const rank = shapes[0]!.length;
    const ax = this.axis < 0 ? this.axis + rank : this.axis;
    const out = [...shapes[0]!];
    out[ax] = shapes.some((s) => s[ax] === null) ? null : shapes.reduce((n, s) => n + (s[ax] as number), 0);
    return out;
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    return ops.concat(list(inputs, this.name), this.axis);
  }
  /**
   * Layer settings for saving.
   * @property __type.axis Axis to concatenate along.
   */
  override getConfig() {
    return { ...super.getConfig(), axis: this.axis };
  }
}
