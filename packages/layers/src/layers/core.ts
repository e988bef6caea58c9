// Core layers: dense, activation, flatten, reshape, dropout.
import { dropout, fusedMatMul, reshape as reshapeOp, type Tensor } from '@wasmml/tensor';
import { activationName, getActivation, type ActivationIdentifier } from '../activations.js';
import { assertPositiveInt, fmt, type Shape, singleInput, firstShape } from '../common.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type CallArgs, type LayerArgs } from '../layer.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

/** Arguments of {@link Dense} (tfjs `DenseLayerArgs`). */
export interface DenseArgs extends LayerArgs {
  /** Output size: number of units. */
  units: number;
  /**
   * Activation applied to the output (default 'linear'); relu, relu6, sigmoid, tanh and elu are fused into the matrix
   * product.
   */
  activation?: ActivationIdentifier;
  /** Whether to add a bias vector (default true). */
  useBias?: boolean;
  /** Initializer of the kernel (default 'glorotUniform'). */
  kernelInitializer?: Initializer | InitializerIdentifier;
  /** Initializer of the bias (default 'zeros'). */
  biasInitializer?: Initializer | InitializerIdentifier;
  /** Penalty on the kernel added to the loss. */
  kernelRegularizer?: Regularizer | RegularizerIdentifier;
  /** Penalty on the bias added to the loss. */
  biasRegularizer?: Regularizer | RegularizerIdentifier;
  /** Input size, for a first layer without inputShape (tfjs `inputDim`). */
  inputDim?: number;
}

/** y = activation(x · kernel + bias) on the last axis; one fused kernel for the product, bias and activation. */
export class Dense extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Dense';
  /** Output size. */
  readonly units: number;
  /** Name of the output activation ('linear' when none). */
  readonly activation: string;
  /** Whether the layer adds a bias. */
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelRegularizer: Regularizer | undefined;
  private readonly biasRegularizer: Regularizer | undefined;
  /** The kernel variable, [inputSize, units], once built. */
  kernel: Tensor | undefined;
  /** The bias variable, [units], once built (when useBias). */
  bias: Tensor | undefined;

  constructor(args: DenseArgs) {
    super(args.inputDim !== undefined && !args.inputShape && !args.batchInputShape ? { ...args, inputShape: [args.inputDim] } : args);
    this.units = assertPositiveInt(args.units, 'dense: units');
    this.activation = activationName(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer) : undefined;
    this.biasRegularizer = args.biasRegularizer ? getRegularizer(args.biasRegularizer) : undefined;
    // Acts on each time step alone, so a sequence mask still applies to its output (as in Keras).
    this.supportsMasking = true;
  }

  getClassName() {
    return 'Dense';
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = firstShape(inputShape);
    const inDim = s[s.length - 1];
    if (typeof inDim !== 'number') throw new Error(`${this.name}: the last input dimension must be known, got ${fmt(s)}`);
    this.kernel = this.addWeight('kernel', [inDim, this.units], this.kernelInitializer, { regularizer: this.kernelRegularizer ?? null });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer, { regularizer: this.biasRegularizer ?? null });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    return [...s.slice(0, -1), this.units];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const inDim = x.shape[x.rank - 1]!;
    const x2 = x.rank === 2 ? x : reshapeOp(x, [-1, inDim]);
    const fusable = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu'].includes(this.activation);
    let y = fusedMatMul({
      a: x2,
      b: this.kernel!,
      ...(this.bias ? { bias: this.bias } : {}),
      activation: fusable ? (this.activation as 'relu') : 'linear',
    });
    if (!fusable) y = getActivation(this.activation)(y);
    return x.rank === 2 ? y : reshapeOp(y, [...x.shape.slice(0, -1), this.units]);
  }

  /**
   * Layer settings for saving (tfjs/Keras field names).
   * @property __type.units Output size.
   * @property __type.activation Activation name.
   * @property __type.useBias Whether there is a bias.
   * @property __type.kernelInitializer Serialised kernel initializer.
   * @property __type.biasInitializer Serialised bias initializer.
   * @property __type.kernelRegularizer Serialised kernel regularizer, or null.
   * @property __type.biasRegularizer Serialised bias regularizer, or null.
   */
  override getConfig() {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: this.kernelRegularizer
        ? {
            /** Registered class name of the regularizer ('L1L2'). */
            className: this.kernelRegularizer.className,
            /** Its settings ({@link Regularizer.getConfig}). */
            config: this.kernelRegularizer.getConfig(),
          }
        : null,
      biasRegularizer: this.biasRegularizer
        ? {
            /** Registered class name of the regularizer ('L1L2'). */
            className: this.biasRegularizer.className,
            /** Its settings ({@link Regularizer.getConfig}). */
            config: this.biasRegularizer.getConfig(),
          }
        : null,
    };
  }
}

/** Applies an activation function. */
export class Activation extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Activation';
  /** Name of the activation function. */
  readonly activation: string;
  constructor(args: LayerArgs & { activation: ActivationIdentifier }) {
    super(args);
    this.activation = activationName(args.activation);
    this.supportsMasking = true;
  }
  getClassName() {
    return 'Activation';
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    return getActivation(this.activation)(singleInput(inputs, this.name));
  }
  /**
   * Layer settings for saving.
   * @property __type.activation Activation name.
   */
  override getConfig() {
    return { ...super.getConfig(), activation: this.activation };
  }
}

/** Flattens everything but the batch dimension. */
export class Flatten extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Flatten';
  getClassName() {
    return 'Flatten';
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    const rest = s.slice(1);
    return [s[0] ?? null, rest.some((d) => d === null) ? null : (rest as number[]).reduce((a, b) => a * b, 1)];
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    if (x.rank < 2) throw new Error(`${this.name}: input must have rank >= 2 (a batch), got shape ${fmt(x.shape)}`);
    return reshapeOp(x, [x.shape[0]!, -1]);
  }
}

/** Reshapes everything but the batch dimension (one -1 allowed). */
export class Reshape extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Reshape';
  /** Output shape without the batch dimension (one entry may be -1, inferred). */
  readonly targetShape: number[];
  constructor(args: LayerArgs & { targetShape: number[] }) {
    super(args);
    this.targetShape = [...args.targetShape];
  }
  getClassName() {
    return 'Reshape';
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    const known = s.slice(1);
    const t = [...this.targetShape];
    const u = t.indexOf(-1);
    if (u >= 0 && !known.some((d) => d === null)) {
      const total = (known as number[]).reduce((a, b) => a * b, 1);
      t[u] = total / t.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    }
    return [s[0] ?? null, ...t.map((d) => (d === -1 ? null : d))];
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return reshapeOp(x, [x.shape[0]!, ...this.targetShape]);
  }
  /**
   * Layer settings for saving.
   * @property __type.targetShape Output shape without the batch dimension.
   */
  override getConfig() {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}

/** Zeroes a fraction `rate` of inputs during training (scaling the rest by 1/(1-rate)). */
export class Dropout extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Dropout';
  /** Fraction of the inputs zeroed during training, in [0, 1). */
  readonly rate: number;
  /**
   * Seed of the dropout masks (each call draws a fresh mask from seed + call count), or undefined for the global
   * generator.
   */
  readonly seed: number | undefined;
  /**
   * Shape of the mask, broadcast over the input (e.g. one mask per sample shared by all time steps), or undefined for
   * the input's shape.
   */
  readonly noiseShape: number[] | undefined;
  private calls = 0;
  constructor(args: LayerArgs & { rate: number; seed?: number; noiseShape?: number[] }) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed;
    this.noiseShape = args.noiseShape;
    this.supportsMasking = true;
  }
  getClassName() {
    return 'Dropout';
  }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const x = singleInput(inputs, this.name);
    if (!kwargs.training || this.rate === 0) return x;
    // A seeded layer draws a fresh (reproducible) mask on every call.
    return dropout(x, this.rate, this.noiseShape, this.seed === undefined ? undefined : this.seed + this.calls++);
  }
  /**
   * Layer settings for saving.
   * @property __type.rate Fraction of the inputs dropped.
   * @property __type.seed The seed, when one was given.
   */
  override getConfig() {
    return { ...super.getConfig(), rate: this.rate, ...(this.seed !== undefined ? { seed: this.seed } : {}) };
  }
}
