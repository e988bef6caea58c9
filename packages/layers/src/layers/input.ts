// InputLayer and input(): the entry points of a functional model.
import { checkOptions } from '@wasmml/tensor';
import { layerOptionKeys } from './option-keys.js';
import type { DataType, Tensor } from '@wasmml/tensor';
import { uniqueName, type Shape } from '../common.js';
import { Layer, type CallArgs } from '../layer.js';
import { SymbolicTensor } from '../symbolic.js';

/** Arguments of {@link input} (tfjs `InputConfig`): give `shape` or `batchShape`. */
export interface InputArgs {
  /** Shape without the batch dimension. */
  shape?: Shape;
  /** Shape with the batch dimension. */
  batchShape?: Shape;
  /** Fixed batch size to go with `shape` (default: any). */
  batchSize?: number;
  /** dtype of the input (default 'float32'). */
  dtype?: DataType;
  /** Name of the input layer (default `input_<n>`). */
  name?: string;
  /** Accepted for tfjs compatibility and ignored: inputs are always dense. */
  sparse?: boolean;
}

/** The layer behind {@link input}: holds a functional model's input shape and passes tensors through. */
export class InputLayer extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'InputLayer';
  /** The symbolic tensor that stands for this input when building a functional model. */
  readonly output: SymbolicTensor;

  constructor(args: { batchInputShape: Shape; dtype?: DataType; name?: string; inputShape?: Shape; batchSize?: number }) {
    super({
      name: args.name ?? uniqueName('input'),
      batchInputShape: args.batchInputShape ?? [args.batchSize ?? null, ...(args.inputShape ?? [])],
      dtype: args.dtype ?? 'float32',
    });
    this.built = true;
    const node = { layer: this as Layer, inputs: [] as SymbolicTensor[], outputs: [] as SymbolicTensor[], kwargs: {} };
    this.output = new SymbolicTensor(this.dtype, [...this.batchInputShape!], node, 0, this.name);
    node.outputs = [this.output];
    this.inboundNodes.push(node);
  }

  getClassName() {
    return 'InputLayer';
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs): Tensor | Tensor[] {
    return inputs;
  }

  /**
   * Layer settings for saving.
   * @property __type.batchInputShape Input shape with the batch dimension.
   * @property __type.dtype dtype of the input.
   * @property __type.sparse Always false.
   * @property __type.name Layer name.
   */
  override getConfig() {
    return { batchInputShape: this.batchInputShape, dtype: this.dtype, sparse: false, name: this.name };
  }
}

/** A symbolic model input (tfjs `tf.input`). */
export function input(args: InputArgs): SymbolicTensor {
  checkOptions('input', args, layerOptionKeys.input);
  if (!args.shape && !args.batchShape) throw new Error('input: give shape (without batch) or batchShape');
  const batchInputShape = args.batchShape ?? [args.batchSize ?? null, ...args.shape!];
  return new InputLayer({ batchInputShape, ...(args.dtype ? { dtype: args.dtype } : {}), ...(args.name ? { name: args.name } : {}) })
    .output;
}
