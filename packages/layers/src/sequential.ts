// Sequential: a stack of single-input layers. The graph is built as soon as the
// input shape is known (from the first layer's inputShape, or the first data).
import type { Tensor } from '@wasmml/tensor';
import type { Shape } from './common.js';
import type { Layer, CallArgs } from './layer.js';
import { InputLayer } from './layers/input.js';
import { LayersModel } from './model.js';
import type { SymbolicTensor } from './symbolic.js';

/** Arguments of {@link sequential} (tfjs `SequentialArgs`). */
export interface SequentialArgs {
  /** Layers to stack, in order; the first needs an input shape unless the first data brings it. */
  layers?: Layer[];
  /** Model name (default `sequential_<n>`). */
  name?: string;
}

/**
 * A linear stack of single-input layers (tfjs `tf.Sequential`); the graph is built once the input shape is known,
 * from the first layer's inputShape or the first data.
 */
export class Sequential extends LayersModel {
  /** Class name under which the model is saved. */
  static override readonly className: string = 'Sequential';
  private readonly pending: Layer[] = [];

  constructor(args: SequentialArgs = {}) {
    super(args.name ? { name: args.name } : undefined);
    for (const l of args.layers ?? []) this.add(l);
  }

  override getClassName() {
    return 'Sequential';
  }

  /** Appends a layer (its input is the previous layer's output). */
  add(layer: Layer): void {
    if (layer instanceof InputLayer) {
      if (this.pending.length > 0 || this.outputs.length > 0) throw new Error(`${this.name}.add: an InputLayer must come first`);
      this.inputs = [layer.output];
      this.outputs = [layer.output];
      return;
    }
    this.pending.push(layer);
    // A model added first brings its own input shape (tfjs and Keras take it from there).
    const shape = layer.batchInputShape ?? (layer instanceof LayersModel && layer.inputs.length === 1 ? layer.inputs[0]!.shape : undefined);
    if (this.outputs.length === 0 && this.pending.length === 1 && shape) {
      const inp = new InputLayer({ batchInputShape: shape, dtype: layer.dtype, name: `${layer.name}_input` });
      this.inputs = [inp.output];
      this.outputs = [inp.output];
    }
    if (this.outputs.length > 0) this.connect();
  }

  /** Not supported (tfjs removes the last layer): throws; build a new Sequential instead. */
  pop(): void {
    throw new Error(`${this.name}.pop is not supported; build a new Sequential instead`);
  }

  private connect(): void {
    let out = this.outputs[0]!;
    for (const l of this.pending.splice(0)) {
      const r = l.apply(out);
      if (Array.isArray(r)) throw new Error(`${this.name}: layer ${l.name} has several outputs; use the functional API`);
      out = r as SymbolicTensor;
    }
    this.initGraph(this.inputs, [out]);
    this.layers = this.layers.filter((l) => !(l instanceof InputLayer));
  }

  /** @internal Builds the graph from the first real input if no input shape was given. */
  override ensureBuilt(inputShape: Shape | Shape[]): void {
    if (this.outputs.length === 0 || this.pending.length > 0) {
      const s = (Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0] : inputShape) as Shape;
      if (this.outputs.length === 0) {
        const inp = new InputLayer({ batchInputShape: [null, ...s.slice(1)] });
        this.inputs = [inp.output];
        this.outputs = [inp.output];
      }
      this.connect();
    }
    this.built = true;
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor | Tensor[] {
    const x = Array.isArray(inputs) ? inputs : [inputs];
    this.ensureBuilt(x.map((t) => t.shape));
    return super.call(x, kwargs);
  }

  /**
   * Model settings for saving: its name and each layer's class name and config.
   * @property __type.name Model name.
   * @property __type.layers The layers, in order.
   */
  override getConfig() {
    return {
      name: this.name,
      layers: this.layers.map((l) => ({
        /** Saved class name of the layer. */
        className: l.getClassName(),
        /** Its settings ({@link Layer.getConfig}). */
        config: l.getConfig(),
      })),
    };
  }
}

/** A stack of layers (tfjs `tf.sequential`). */
export function sequential(args: SequentialArgs = {}): Sequential {
  return new Sequential(args);
}
