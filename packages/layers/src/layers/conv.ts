// Convolution layers (NHWC, channels last): conv1d, conv2d, conv2dTranspose,
// depthwiseConv2d. Bias and activation ride on the convolution kernel where fused.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { activationName, getActivation, type ActivationIdentifier } from '../activations.js';
import { assertPositiveInt, fmt, tuple, type Shape, singleInput, firstShape } from '../common.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type LayerArgs } from '../layer.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

export type PaddingMode = 'valid' | 'same';

/** Arguments of the convolution layers (tfjs `ConvLayerArgs`); images are channels-last (NHWC, or NWC for 1-D). */
export interface ConvArgs extends LayerArgs {
  /** Number of output channels (filters). */
  filters: number;
  /** Size of the convolution window: one number for every spatial dimension, or one per dimension. */
  kernelSize: number | number[];
  /** Step of the window per spatial dimension, or one number for all (default 1). */
  strides?: number | number[];
  /** 'valid' (no padding, the default) or 'same' (output size = input size / stride, rounded up). */
  padding?: PaddingMode;
  /** Spacing between kernel taps per spatial dimension, or one number for all (default 1). */
  dilationRate?: number | number[];
  /**
   * Activation applied to the output (default 'linear'); Conv1D and Conv2D fuse relu, relu6, sigmoid, tanh and elu
   * into the convolution.
   */
  activation?: ActivationIdentifier;
  /** Whether to add a bias per output channel (default true). */
  useBias?: boolean;
  /** Initializer of the kernel (default 'glorotUniform'). */
  kernelInitializer?: Initializer | InitializerIdentifier;
  /** Initializer of the bias (default 'zeros'). */
  biasInitializer?: Initializer | InitializerIdentifier;
  /** Penalty on the kernel added to the loss. */
  kernelRegularizer?: Regularizer | RegularizerIdentifier;
  /** Penalty on the bias added to the loss. */
  biasRegularizer?: Regularizer | RegularizerIdentifier;
  /** Only 'channelsLast' is supported (the default); anything else throws. */
  dataFormat?: 'channelsLast';
}

/** Output length of one spatial dimension (Keras conv_output_length). */
export function convOutLength(len: number | null, k: number, padding: PaddingMode, stride: number, dilation = 1): number | null {
  if (len === null) return null;
  const dk = (k - 1) * dilation + 1;
  const out = padding === 'same' ? len : len - dk + 1;
  return Math.floor((out + stride - 1) / stride);
}

const FUSABLE = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu'];

abstract class BaseConv extends Layer {
  /** Number of spatial dimensions (1 for Conv1D, 2 otherwise). */
  readonly rank: number;
  /** Number of output channels (1 in DepthwiseConv2D, whose output channels are inChannels · depthMultiplier). */
  readonly filters: number;
  /** Window size per spatial dimension. */
  readonly kernelSize: number[];
  /** Stride per spatial dimension. */
  readonly strides: number[];
  /** 'valid' or 'same'. */
  readonly padding: PaddingMode;
  /** Dilation per spatial dimension. */
  readonly dilationRate: number[];
  /** Name of the output activation ('linear' when none). */
  readonly activation: string;
  /** Whether the layer adds a bias. */
  readonly useBias: boolean;
  /** Initializer of the kernel. */
  protected readonly kernelInitializer: Initializer;
  /** Initializer of the bias. */
  protected readonly biasInitializer: Initializer;
  /** Penalty on the kernel, if any. */
  protected readonly kernelRegularizer: Regularizer | undefined;
  /** Penalty on the bias, if any. */
  protected readonly biasRegularizer: Regularizer | undefined;
  /**
   * The kernel variable once built: [kernelSize..., inChannels, filters] ([kh, kw, filters, inChannels] for
   * Conv2DTranspose, [kh, kw, inChannels, depthMultiplier] for DepthwiseConv2D).
   */
  kernel: Tensor | undefined;
  /** The bias variable once built (when useBias). */
  bias: Tensor | undefined;

  constructor(rank: number, args: ConvArgs) {
    super(args);
    this.rank = rank;
    this.filters = assertPositiveInt(args.filters, `${this.getClassName()}: filters`);
    this.kernelSize = tuple(args.kernelSize, rank, 1, `${this.getClassName()}: kernelSize`);
    this.strides = tuple(args.strides, rank, 1, `${this.getClassName()}: strides`);
    this.dilationRate = tuple(args.dilationRate, rank, 1, `${this.getClassName()}: dilationRate`);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same')
      throw new Error(`${this.getClassName()}: padding must be 'valid' or 'same', got ${String(args.padding)}`);
    if (args.dataFormat && args.dataFormat !== 'channelsLast')
      throw new Error(`${this.getClassName()}: only channelsLast (NHWC) is supported`);
    this.activation = activationName(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer) : undefined;
    this.biasRegularizer = args.biasRegularizer ? getRegularizer(args.biasRegularizer) : undefined;
  }

  /** The channel count of an input shape; throws if the rank is wrong or the channels are unknown. */
  protected inChannels(inputShape: Shape | Shape[]): number {
    const s = firstShape(inputShape);
    if (s.length !== this.rank + 2)
      throw new Error(`${this.name}: expected input of rank ${this.rank + 2} (batch, spatial..., channels), got shape ${fmt(s)}`);
    const c = s[s.length - 1];
    if (typeof c !== 'number') throw new Error(`${this.name}: the channel dimension must be known, got ${fmt(s)}`);
    return c;
  }

  /** Applies the activation unless the convolution kernel already fused it. */
  protected finish(y: Tensor, fused: boolean): Tensor {
    return fused ? y : getActivation(this.activation)(y);
  }

  /** The kernel [kernelSize..., inChannels, filters] and the bias [filters]. */
  override build(inputShape: Shape | Shape[]): void {
    this.addConvWeights([...this.kernelSize, this.inChannels(inputShape), this.filters], this.filters);
  }

  /** [batch, the spatial sizes after the convolution..., filters]. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.convOutputShape(inputShape);
  }

  /** Creates the kernel (under `name`, of `shape`) and, with useBias, a bias of `biasLength`. */
  protected addConvWeights(shape: number[], biasLength: number, name = 'kernel'): void {
    this.kernel = this.addWeight(name, shape, this.kernelInitializer, { regularizer: this.kernelRegularizer ?? null });
    if (this.useBias) this.bias = this.addWeight('bias', [biasLength], this.biasInitializer, { regularizer: this.biasRegularizer ?? null });
  }

  /** [batch, spatial sizes after the convolution..., `channels`]. */
  protected convOutputShape(inputShape: Shape | Shape[], channels: number | null = this.filters): Shape {
    const s = firstShape(inputShape);
    return [
      s[0] ?? null,
      ...this.kernelSize.map((k, i) => convOutLength(s[i + 1] as number | null, k, this.padding, this.strides[i]!, this.dilationRate[i]!)),
      channels,
    ];
  }

  /** The fused convolution (bias, and the activation when the kernel applies it) of NHWC x and a 2-D kernel. */
  protected fusedConv(x: Tensor, filter: Tensor, strides: [number, number], dilations: [number, number]): [Tensor, boolean] {
    const fused = FUSABLE.includes(this.activation);
    const y = ops.fusedConv2d({
      x,
      filter,
      strides,
      pad: this.padding,
      dilations,
      ...(this.bias ? { bias: this.bias } : {}),
      activation: fused ? (this.activation as 'relu') : 'linear',
    });
    return [y, fused];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dataFormat: 'channelsLast',
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

/**
 * 2-D convolution over NHWC images (tfjs `tf.layers.conv2d`): [batch, h, w, inChannels] to [batch, h', w', filters].
 */
export class Conv2D extends BaseConv {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Conv2D';
  constructor(args: ConvArgs) {
    super(2, args);
  }
  getClassName() {
    return 'Conv2D';
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const [y, fused] = this.fusedConv(x, this.kernel!, this.strides as [number, number], this.dilationRate as [number, number]);
    return this.finish(y, fused);
  }
}

/** 1-D convolution over sequences (tfjs `tf.layers.conv1d`): [batch, steps, inChannels] to [batch, steps', filters]. */
export class Conv1D extends BaseConv {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Conv1D';
  constructor(args: ConvArgs) {
    super(1, args);
  }
  getClassName() {
    return 'Conv1D';
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    // A 1-D convolution is a 2-D one over a height-1 image.
    const [y, fused] = this.fusedConv(
      ops.expandDims(x, 1),
      ops.expandDims(this.kernel!, 0),
      [1, this.strides[0]!],
      [1, this.dilationRate[0]!],
    );
    return this.finish(ops.squeeze(y, [1]), fused);
  }
}

/**
 * Transposed 2-D convolution, which upsamples by the strides (tfjs `tf.layers.conv2dTranspose`); only dilationRate 1
 * (others throw).
 */
export class Conv2DTranspose extends BaseConv {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Conv2DTranspose';
  constructor(args: ConvArgs) {
    super(2, args);
    // tfjs ignores a dilation rate here; computing something else than asked is worse than refusing.
    if (this.dilationRate.some((d) => d !== 1)) {
      throw new Error(`Conv2DTranspose: dilationRate ${JSON.stringify(args.dilationRate)} is not supported (only 1)`);
    }
  }
  getClassName() {
    return 'Conv2DTranspose';
  }
  override build(inputShape: Shape | Shape[]): void {
    // tfjs/Keras layout: [kh, kw, outChannels, inChannels].
    this.addConvWeights([...this.kernelSize, this.filters, this.inChannels(inputShape)], this.filters);
  }
  private outLen(len: number | null, i: number): number | null {
    if (len === null) return null;
    const k = this.kernelSize[i]!,
      s = this.strides[i]!;
    return this.padding === 'same' ? len * s : len * s + Math.max(k - s, 0);
  }
  /** [batch, height · stride (plus the kernel overhang with 'valid'), width likewise, filters]. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    return [s[0] ?? null, this.outLen(s[1] as number | null, 0), this.outLen(s[2] as number | null, 1), this.filters];
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const outShape = this.computeOutputShape(x.shape) as number[];
    let y = ops.conv2dTranspose(
      x,
      this.kernel!,
      [x.shape[0]!, outShape[1]!, outShape[2]!, this.filters],
      this.strides as [number, number],
      this.padding,
    );
    if (this.bias) y = ops.add(y, this.bias);
    return getActivation(this.activation)(y);
  }
}

/**
 * Arguments of {@link DepthwiseConv2D}: those of convolutions without filters, kernel initializer and regularizer,
 * which depthMultiplier and the depthwise ones replace.
 */
export interface DepthwiseConv2DArgs extends Omit<ConvArgs, 'filters' | 'kernelInitializer' | 'kernelRegularizer'> {
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Initializer of the depthwise kernel (default 'glorotUniform'). */
  depthwiseInitializer?: Initializer | InitializerIdentifier;
  /** Penalty on the depthwise kernel added to the loss. */
  depthwiseRegularizer?: Regularizer | RegularizerIdentifier;
}

/**
 * Depthwise 2-D convolution (tfjs `tf.layers.depthwiseConv2d`): each input channel convolved with its own
 * depthMultiplier filters, [batch, h, w, c] to [batch, h', w', c · depthMultiplier].
 */
export class DepthwiseConv2D extends BaseConv {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'DepthwiseConv2D';
  /** Output channels per input channel. */
  readonly depthMultiplier: number;
  constructor(args: DepthwiseConv2DArgs) {
    super(2, {
      ...args,
      filters: 1,
      ...(args.depthwiseInitializer ? { kernelInitializer: args.depthwiseInitializer } : {}),
      ...(args.depthwiseRegularizer ? { kernelRegularizer: args.depthwiseRegularizer } : {}),
    });
    this.depthMultiplier = assertPositiveInt(args.depthMultiplier ?? 1, 'DepthwiseConv2D: depthMultiplier');
  }
  getClassName() {
    return 'DepthwiseConv2D';
  }
  override build(inputShape: Shape | Shape[]): void {
    const c = this.inChannels(inputShape);
    this.addConvWeights([...this.kernelSize, c, this.depthMultiplier], c * this.depthMultiplier, 'depthwise_kernel');
  }
  /** [batch, the spatial sizes after the convolution..., channels · depthMultiplier]. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const c = firstShape(inputShape)[3] as number | null;
    return this.convOutputShape(inputShape, c === null ? null : c * this.depthMultiplier);
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    let y = ops.depthwiseConv2d(
      x,
      this.kernel!,
      this.strides as [number, number],
      this.padding,
      'NHWC',
      this.dilationRate as [number, number],
    );
    if (this.bias) y = ops.add(y, this.bias);
    return getActivation(this.activation)(y);
  }
  /**
   * Layer settings for saving, with depthMultiplier and without filters.
   * @property __type.depthMultiplier Output channels per input channel.
   */
  override getConfig() {
    const { filters: _f, ...rest } = super.getConfig();
    return { ...rest, depthMultiplier: this.depthMultiplier };
  }
}
