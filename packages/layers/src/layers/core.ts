// Core layers: dense, activation, flatten, reshape, dropout.
import { dropout, fusedMatMul, reshape as reshapeOp, type Tensor } from '@wasmml/tensor';
import { activationName, getActivation, type ActivationIdentifier } from '../activations.js';
import { assertPositiveInt, fmt, type Shape } from '../common.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type CallArgs, type LayerArgs } from '../layer.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

function one(x: Tensor | Tensor[], layer: string): Tensor {
  if (Array.isArray(x)) {
    if (x.length !== 1) throw new Error(`${layer} expects one input, got ${x.length}`);
    return x[0]!;
  }
  return x;
}

function oneShape(s: Shape | Shape[]): Shape {
  return Array.isArray(s[0]) ? (s as Shape[])[0]! : (s as Shape);
}

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: Initializer | InitializerIdentifier;
  biasInitializer?: Initializer | InitializerIdentifier;
  kernelRegularizer?: Regularizer | RegularizerIdentifier;
  biasRegularizer?: Regularizer | RegularizerIdentifier;
  /** Input size, for a first layer without inputShape (tfjs `inputDim`). */
  inputDim?: number;
}

/** y = activation(x · kernel + bias) on the last axis; one fused kernel for the product, bias and activation. */
export class Dense extends Layer {
  static readonly className = 'Dense';
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelRegularizer: Regularizer | undefined;
  private readonly biasRegularizer: Regularizer | undefined;
  kernel: Tensor | undefined;
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

  getClassName() { return 'Dense'; }

  override build(inputShape: Shape | Shape[]): void {
    const s = oneShape(inputShape);
    const inDim = s[s.length - 1];
    if (typeof inDim !== 'number') throw new Error(`${this.name}: the last input dimension must be known, got ${fmt(s)}`);
    this.kernel = this.addWeight('kernel', [inDim, this.units], this.kernelInitializer, { regularizer: this.kernelRegularizer ?? null });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer, { regularizer: this.biasRegularizer ?? null });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = oneShape(inputShape);
    return [...s.slice(0, -1), this.units];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = one(inputs, this.name);
    const inDim = x.shape[x.rank - 1]!;
    const x2 = x.rank === 2 ? x : reshapeOp(x, [-1, inDim]);
    const fusable = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu'].includes(this.activation);
    let y = fusedMatMul({
      a: x2, b: this.kernel!, ...(this.bias ? { bias: this.bias } : {}),
      activation: fusable ? (this.activation as 'relu') : 'linear',
    });
    if (!fusable) y = getActivation(this.activation)(y);
    return x.rank === 2 ? y : reshapeOp(y, [...x.shape.slice(0, -1), this.units]);
  }

  override getConfig() {
    return {
      ...super.getConfig(), units: this.units, activation: this.activation, useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer), biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: this.kernelRegularizer ? { className: this.kernelRegularizer.className, config: this.kernelRegularizer.getConfig() } : null,
      biasRegularizer: this.biasRegularizer ? { className: this.biasRegularizer.className, config: this.biasRegularizer.getConfig() } : null,
    };
  }
}

/** Applies an activation function. */
export class Activation extends Layer {
  static readonly className = 'Activation';
  readonly activation: string;
  constructor(args: LayerArgs & { activation: ActivationIdentifier }) {
    super(args);
    this.activation = activationName(args.activation);
    this.supportsMasking = true;
  }
  getClassName() { return 'Activation'; }
  call(inputs: Tensor | Tensor[]): Tensor {
    return getActivation(this.activation)(one(inputs, this.name));
  }
  override getConfig() { return { ...super.getConfig(), activation: this.activation }; }
}

/** Flattens everything but the batch dimension. */
export class Flatten extends Layer {
  static readonly className = 'Flatten';
  getClassName() { return 'Flatten'; }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = oneShape(inputShape);
    const rest = s.slice(1);
    return [s[0] ?? null, rest.some((d) => d === null) ? null : (rest as number[]).reduce((a, b) => a * b, 1)];
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = one(inputs, this.name);
    if (x.rank < 2) throw new Error(`${this.name}: input must have rank >= 2 (a batch), got shape ${fmt(x.shape)}`);
    return reshapeOp(x, [x.shape[0]!, -1]);
  }
}

/** Reshapes everything but the batch dimension (one -1 allowed). */
export class Reshape extends Layer {
  static readonly className = 'Reshape';
  readonly targetShape: number[];
  constructor(args: LayerArgs & { targetShape: number[] }) {
    super(args);
    this.targetShape = [...args.targetShape];
  }
  getClassName() { return 'Reshape'; }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = oneShape(inputShape);
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
    const x = one(inputs, this.name);
    return reshapeOp(x, [x.shape[0]!, ...this.targetShape]);
  }
  override getConfig() { return { ...super.getConfig(), targetShape: this.targetShape }; }
}

/** Zeroes a fraction `rate` of inputs during training (scaling the rest by 1/(1-rate)). */
export class Dropout extends Layer {
  static readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | undefined;
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
  getClassName() { return 'Dropout'; }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const x = one(inputs, this.name);
    if (!kwargs.training || this.rate === 0) return x;
    // A seeded layer draws a fresh (reproducible) mask on every call.
    return dropout(x, this.rate, this.noiseShape, this.seed === undefined ? undefined : this.seed + this.calls++);
  }
  override getConfig() { return { ...super.getConfig(), rate: this.rate, ...(this.seed !== undefined ? { seed: this.seed } : {}) }; }
}
