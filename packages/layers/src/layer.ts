// The Layer base class: weights, build-on-first-use, and `apply` working on
// real tensors (eager) and on symbolic tensors (functional model building).
import { profileScope, registeredVariables, tidy, variable, type DataType, type Tensor, type Variable } from '@wasmml/tensor';
import { fmt, isShapeList, snakePrefix, uniqueName, type Shape } from './common.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from './initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers.js';
import { SymbolicTensor, type Node } from './symbolic.js';

/** Arguments every layer accepts. */
export interface LayerArgs {
  /** Layer name, unique in a model (default: the snake_case class name with a counter, e.g. `dense_1`). */
  name?: string;
  /** Whether training updates the layer's weights (default true). */
  trainable?: boolean;
  /** Input shape without the batch dimension (first layer of a model). */
  inputShape?: Shape;
  /** Full input shape including the batch dimension (null for any). */
  batchInputShape?: Shape;
  /** Batch size to fix with `inputShape` (default: any). */
  batchSize?: number;
  /** dtype of the layer's weights and outputs (default 'float32'). */
  dtype?: DataType;
  /** Initial weight values, in getWeights() order. */
  weights?: Tensor[];
}

/** Per-call options; `training` switches dropout and batch-norm behaviour. */
export interface CallArgs {
  /** True during `fit` (dropout drops, batch normalisation uses batch statistics); false or absent for inference. */
  training?: boolean;
  /** Mask of the inputs (1 for real time steps, 0 for padding), as an Embedding with `maskZero` produces. */
  mask?: Tensor | null;
  [key: string]: unknown;
}

/** A layer weight: the variable, the name it is saved under, and its regulariser. */
export interface LayerWeight {
  /** The variable holding the weight's value. */
  variable: Variable;
  /**
   * Name in saved models, `<layer name>/<weight name>` (e.g. `dense_1/kernel`); the variable's own name may carry a
   * suffix to stay unique.
   */
  originalName: string;
  /** Whether training may update this weight (batch-norm moving statistics are not trainable). */
  trainable: boolean;
  /** Penalty added to the loss for this weight, if any. */
  regularizer?: Regularizer;
}

type Inputs = Tensor | Tensor[];
type SymInputs = SymbolicTensor | SymbolicTensor[];

function uniqueVariableName(name: string): string {
  const vars = registeredVariables();
  if (!vars.has(name)) return name;
  let i = 1;
  while (vars.has(`${name}_${i}`)) i++;
  return `${name}_${i}`;
}

/**
 * Base class of every layer (tfjs `tf.layers.Layer`): owns its weights, builds them on first use from the input
 * shape, and through `apply` computes on tensors or records a node on symbolic tensors for functional models.
 */
export abstract class Layer {
  /** Layer name, unique in a model; the prefix of its weights' saved names. */
  readonly name: string;
  /** Whether `build` has created the weights (it runs on the first `apply`). */
  built = false;
  /** Input shape with the batch dimension (null for unknown sizes), when given at construction. */
  batchInputShape: Shape | undefined;
  /** dtype of the layer's weights and outputs ('float32' by default). */
  dtype: DataType;
  /** Whether this layer passes on (or makes) a mask for the next one. */
  supportsMasking = false;
  /** Every application of this layer in a functional graph. */
  readonly inboundNodes: Node[] = [];
  /** The weights `addWeight` created, in creation order. */
  protected readonly layerWeights: LayerWeight[] = [];
  private trainableFlag: boolean;
  private initialWeights: Tensor[] | undefined;

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? uniqueName(snakePrefix(this.getClassName()));
    this.trainableFlag = args.trainable ?? true;
    this.dtype = args.dtype ?? 'float32';
    if (args.batchInputShape) this.batchInputShape = [...args.batchInputShape];
    else if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    this.initialWeights = args.weights;
  }

  /** The class name used in saved models (Keras/tfjs names). */
  abstract getClassName(): string;

  /** Whether the layer's weights are updated by training. Setting it freezes or unfreezes them. */
  get trainable(): boolean {
    return this.trainableFlag;
  }
  /** Freezes (false) or unfreezes (true) the layer's weights; takes effect from the next training step, no recompile. */
  set trainable(v: boolean) {
    this.trainableFlag = v;
  }

  /** Creates the weights once the input shape is known. */
  build(_inputShape: Shape | Shape[]): void {
    this.built = true;
  }

  /** The computation on real tensors. */
  abstract call(inputs: Inputs, kwargs: CallArgs): Tensor | Tensor[];

  /** Output shape for an input shape (batch dimension included, null when unknown). */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  /** The mask for the outputs, given the inputs' mask (none by default). */
  computeMask(_inputs: Inputs, mask?: Tensor | null): Tensor | null {
    return this.supportsMasking ? (mask ?? null) : null;
  }

  /**
   * Applies the layer: to tensors it computes; to symbolic tensors it records a
   * node of the functional graph and returns symbolic outputs.
   */
  apply(inputs: SymInputs, kwargs?: CallArgs): SymbolicTensor | SymbolicTensor[];
  apply(inputs: Inputs, kwargs?: CallArgs): Tensor | Tensor[];
  apply(inputs: Inputs | SymInputs, kwargs: CallArgs = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length > 0 && list.every((x) => x instanceof SymbolicTensor)) {
      return this.applySymbolic(list as SymbolicTensor[], Array.isArray(inputs), kwargs);
    }
    if (list.some((x) => x instanceof SymbolicTensor)) {
      throw new Error(`${this.name}.apply: inputs mix symbolic tensors and real tensors`);
    }
    const real = inputs as Inputs;
    this.ensureBuilt(Array.isArray(real) ? real.map((t) => t.shape) : real.shape);
    // Under profile(), this call's kernels and time (and its gradients') are reported under the layer's name.
    return profileScope(this.name, () => this.call(real, kwargs));
  }

  private applySymbolic(ins: SymbolicTensor[], asList: boolean, kwargs: CallArgs): SymbolicTensor | SymbolicTensor[] {
    const inShape: Shape | Shape[] = asList ? ins.map((s) => s.shape) : ins[0]!.shape;
    this.ensureBuilt(inShape);
    const outShape = this.computeOutputShape(inShape);
    const outShapes = isShapeList(outShape) ? outShape : [outShape];
    const node: Node = { layer: this, inputs: ins, outputs: [], kwargs };
    node.outputs = outShapes.map(
      (s, i) => new SymbolicTensor(this.outputDtype(ins[0]!.dtype), s, node, i, `${this.name}/out${outShapes.length > 1 ? i : ''}`),
    );
    this.inboundNodes.push(node);
    return isShapeList(outShape) ? node.outputs : node.outputs[0]!;
  }

  /** dtype of the outputs given the first input's dtype. */
  protected outputDtype(inputDtype: DataType): DataType {
    return inputDtype === 'float32' ? this.dtype : inputDtype;
  }

  /** @internal Builds on first use and sets any initial weights. */
  ensureBuilt(inputShape: Shape | Shape[]): void {
    if (this.built) return;
    this.build(inputShape);
    this.built = true;
    if (this.initialWeights) {
      this.setWeights(this.initialWeights);
      this.initialWeights = undefined;
    }
  }

  /** Creates a weight variable (called from build). */
  protected addWeight(
    name: string,
    shape: number[],
    initializer: Initializer | InitializerIdentifier,
    opts: { dtype?: DataType; regularizer?: Regularizer | RegularizerIdentifier | null; trainable?: boolean } = {},
  ): Variable {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`${this.name}: weight '${name}' has an invalid shape ${fmt(shape)}`);
    }
    const init = getInitializer(initializer);
    const originalName = `${this.name}/${name}`;
    const value = tidy(() => init.apply(shape, opts.dtype ?? 'float32'));
    const v = variable(value, opts.trainable ?? true, uniqueVariableName(originalName));
    value.dispose();
    const reg = opts.regularizer ? getRegularizer(opts.regularizer) : undefined;
    this.layerWeights.push({ variable: v, originalName, trainable: opts.trainable ?? true, ...(reg ? { regularizer: reg } : {}) });
    return v;
  }

  /** All weight variables, trainable first (as tfjs orders them). */
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** @internal Weights with their saved names, in `weights` order. */
  get namedWeights(): LayerWeight[] {
    const t = this.layerWeights.filter((w) => w.trainable),
      n = this.layerWeights.filter((w) => !w.trainable);
    return [...t, ...n];
  }

  /** Weights training updates (none when the layer is frozen). */
  get trainableWeights(): Variable[] {
    return this.trainable ? this.layerWeights.filter((w) => w.trainable).map((w) => w.variable) : [];
  }

  /** Weights training does not update (all of them when the layer is frozen). */
  get nonTrainableWeights(): Variable[] {
    return this.layerWeights.filter((w) => !this.trainable || !w.trainable).map((w) => w.variable);
  }

  /** Copies of the weight values, in `weights` order. */
  getWeights(): Tensor[] {
    return this.namedWeights.map((w) => w.variable.clone());
  }

  /** Sets weight values, in `weights` order; shapes must match. */
  setWeights(values: Tensor[]): void {
    const ws = this.namedWeights;
    if (values.length !== ws.length) {
      throw new Error(`${this.name}.setWeights: got ${values.length} tensors, the layer has ${ws.length} weights`);
    }
    ws.forEach((w, i) => {
      const v = values[i]!;
      if (v.shape.join() !== w.variable.shape.join()) {
        throw new Error(`${this.name}.setWeights: weight '${w.originalName}' has shape ${fmt(w.variable.shape)}, got ${fmt(v.shape)}`);
      }
      w.variable.assign(v);
    });
  }

  /** Number of scalar weights. */
  countParams(): number {
    return this.layerWeights.reduce((n, w) => n + w.variable.size, 0);
  }

  /** Sum of the regularisation penalties of this layer's weights (undefined when none). */
  regularizationLoss(): Tensor | undefined {
    let total: Tensor | undefined;
    for (const w of this.layerWeights) {
      if (!w.regularizer || !this.trainable) continue;
      const p = w.regularizer.apply(w.variable);
      total = total ? total.add(p) : p;
    }
    return total;
  }

  /** Layer settings for saving (Keras/tfjs field names, camelCase). */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape) c.batchInputShape = this.batchInputShape;
    return c;
  }

  /** Frees the layer's weights. */
  dispose(): void {
    for (const w of this.layerWeights) w.variable.dispose();
    this.layerWeights.length = 0;
    this.built = false;
  }
}
