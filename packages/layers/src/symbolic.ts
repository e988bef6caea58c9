// The functional API's graph: symbolic tensors produced by applying layers to
// other symbolic tensors, recorded as nodes a model later executes in order.
import type { DataType } from '@wasmml/tensor';
import type { Shape } from './common.js';
import type { Layer } from './layer.js';

let nextId = 0;

/** One application of a layer: its symbolic inputs and outputs and call arguments. */
export interface Node {
  layer: Layer;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  kwargs: Record<string, unknown>;
}

/** A placeholder for a tensor in a model under construction (tfjs `SymbolicTensor`). */
export class SymbolicTensor {
  /** Unique id. */
  readonly id = nextId++;
  constructor(
    /** dtype of the tensor it stands for. */
    readonly dtype: DataType,
    /** Shape, with null for sizes unknown until data comes (the batch dimension). */
    readonly shape: Shape,
    /** The layer application that produces it (undefined for model inputs until their InputLayer node is set). */
    public node: Node | undefined,
    /** Which output of that node. */
    readonly outputIndex: number,
    /** Name, `<layer name>/out` (with the output index for layers of several outputs). */
    readonly name: string,
  ) {}

  /** The layer that produced this tensor. */
  get sourceLayer(): Layer | undefined {
    return this.node?.layer;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }
}
