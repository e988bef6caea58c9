// Convolution layers (NHWC, channels last): conv1d, conv2d, conv2dTranspose,
// depthwiseConv2d. Bias and activation ride on the convolution kernel where fused.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { activationName, getActivation, type ActivationIdentifier } from '../activations.js';
import { assertPositiveInt, fmt, tuple, type Shape } from '../common.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type LayerArgs } from '../layer.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

export type PaddingMode = 'valid' | 'same';

export interface ConvArgs extends LayerArgs {
  filters: number;
  kernelSize: number | number[];
  strides?: number | number[];
  padding?: PaddingMode;
  dilationRate?: number | number[];
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: Initializer | InitializerIdentifier;
  biasInitializer?: Initializer | InitializerIdentifier;
  kernelRegularizer?: Regularizer | RegularizerIdentifier;
  biasRegularizer?: Regularizer | RegularizerIdentifier;
  dataFormat?: 'channelsLast';
}

function single(x: Tensor | Tensor[], name: string): Tensor {
  if (Array.isArray(x)) {
    if (x.length !== 1) throw new Error(`${name} expects one input, got ${x.length}`);
    return x[0]!;
  }
  return x;
}

function shapeOf(s: Shape | Shape[]): Shape {
  return Array.isArray(s[0]) ? (s as Shape[])[0]! : (s as Shape);
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
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode;
  readonly dilationRate: number[];
  readonly activation: string;
  readonly useBias: boolean;
  protected readonly kernelInitializer: Initializer;
  protected readonly biasInitializer: Initializer;
  protected readonly kernelRegularizer: Regularizer | undefined;
  protected readonly biasRegularizer: Regularizer | undefined;
  kernel: Tensor | undefined;
  bias: Tensor | undefined;

  constructor(rank: number, args: ConvArgs) {
    super(args);
    this.rank = rank;
    this.filters = assertPositiveInt(args.filters, `${this.getClassName()}: filters`);
    this.kernelSize = tuple(args.kernelSize, rank, 1, `${this.getClassName()}: kernelSize`);
    this.strides = tuple(args.strides, rank, 1, `${this.getClassName()}: strides`);
    this.dilationRate = tuple(args.dilationRate, rank, 1, `${this.getClassName()}: dilationRate`);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') throw new Error(`${this.getClassName()}: padding must be 'valid' or 'same', got ${String(args.padding)}`);
    if (args.dataFormat && args.dataFormat !== 'channelsLast') throw new Error(`${this.getClassName()}: only channelsLast (NHWC) is supported`);
    this.activation = activationName(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer) : undefined;
    this.biasRegularizer = args.biasRegularizer ? getRegularizer(args.biasRegularizer) : undefined;
  }

  protected inChannels(inputShape: Shape | Shape[]): number {
    const s = shapeOf(inputShape);
    if (s.length !== this.rank + 2) throw new Error(`${this.name}: expected input of rank ${this.rank + 2} (batch, spatial..., channels), got shape ${fmt(s)}`);
    const c = s[s.length - 1];
    if (typeof c !== 'number') throw new Error(`${this.name}: the channel dimension must be known, got ${fmt(s)}`);
    return c;
  }

  protected finish(y: Tensor, fused: boolean): Tensor {
    return fused ? y : getActivation(this.activation)(y);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding,
      dataFormat: 'channelsLast', dilationRate: this.dilationRate, activation: this.activation, useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer), biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

export class Conv2D extends BaseConv {
  static readonly className = 'Conv2D';
  constructor(args: ConvArgs) { super(2, args); }
  getClassName() { return 'Conv2D'; }
  override build(inputShape: Shape | Shape[]): void {
    const c = this.inChannels(inputShape);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, c, this.filters], this.kernelInitializer, { regularizer: this.kernelRegularizer ?? null });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer, { regularizer: this.biasRegularizer ?? null });
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    return [s[0] ?? null, ...[0, 1].map((i) => convOutLength(s[i + 1] as number | null, this.kernelSize[i]!, this.padding, this.strides[i]!, this.dilationRate[i]!)), this.filters];
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this.name);
    const fused = FUSABLE.includes(this.activation);
    const y = ops.fusedConv2d({
      x, filter: this.kernel!, strides: this.strides as [number, number], pad: this.padding,
      dilations: this.dilationRate as [number, number], ...(this.bias ? { bias: this.bias } : {}),
      activation: fused ? (this.activation as 'relu') : 'linear',
    });
    return this.finish(y, fused);
  }
}

export class Conv1D extends BaseConv {
  static readonly className = 'Conv1D';
  constructor(args: ConvArgs) { super(1, args); }
  getClassName() { return 'Conv1D'; }
  override build(inputShape: Shape | Shape[]): void {
    const c = this.inChannels(inputShape);
    this.kernel = this.addWeight('kernel', [this.kernelSize[0]!, c, this.filters], this.kernelInitializer, { regularizer: this.kernelRegularizer ?? null });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer, { regularizer: this.biasRegularizer ?? null });
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    return [s[0] ?? null, convOutLength(s[1] as number | null, this.kernelSize[0]!, this.padding, this.strides[0]!, this.dilationRate[0]!), this.filters];
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this.name);
    // A 1-D convolution is a 2-D one over a height-1 image.
    const x4 = ops.expandDims(x, 1);
    const k4 = ops.expandDims(this.kernel!, 0);
    const fused = FUSABLE.includes(this.activation);
    const y = ops.fusedConv2d({
      x: x4, filter: k4, strides: [1, this.strides[0]!], pad: this.padding, dilations: [1, this.dilationRate[0]!],
      ...(this.bias ? { bias: this.bias } : {}), activation: fused ? (this.activation as 'relu') : 'linear',
    });
    return this.finish(ops.squeeze(y, [1]), fused);
  }
}

export class Conv2DTranspose extends BaseConv {
  static readonly className = 'Conv2DTranspose';
  constructor(args: ConvArgs) {
    super(2, args);
    // tfjs ignores a dilation rate here; computing something else than asked is worse than refusing.
    if (this.dilationRate.some((d) => d !== 1)) {
      throw new Error(`Conv2DTranspose: dilationRate ${JSON.stringify(args.dilationRate)} is not supported (only 1)`);
    }
  }
  getClassName() { return 'Conv2DTranspose'; }
  override build(inputShape: Shape | Shape[]): void {
    const c = this.inChannels(inputShape);
    // tfjs/Keras layout: [kh, kw, outChannels, inChannels].
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.filters, c], this.kernelInitializer, { regularizer: this.kernelRegularizer ?? null });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer, { regularizer: this.biasRegularizer ?? null });
  }
  private outLen(len: number | null, i: number): number | null {
    if (len === null) return null;
    const k = this.kernelSize[i]!, s = this.strides[i]!;
    return this.padding === 'same' ? len * s : len * s + Math.max(k - s, 0);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    return [s[0] ?? null, this.outLen(s[1] as number | null, 0), this.outLen(s[2] as number | null, 1), this.filters];
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this.name);
    const outShape = this.computeOutputShape(x.shape) as number[];
    let y = ops.conv2dTranspose(x, this.kernel!, [x.shape[0]!, outShape[1]!, outShape[2]!, this.filters], this.strides as [number, number], this.padding);
    if (this.bias) y = ops.add(y, this.bias);
    return getActivation(this.activation)(y);
  }
}

export interface DepthwiseConv2DArgs extends Omit<ConvArgs, 'filters' | 'kernelInitializer' | 'kernelRegularizer'> {
  depthMultiplier?: number;
  depthwiseInitializer?: Initializer | InitializerIdentifier;
  depthwiseRegularizer?: Regularizer | RegularizerIdentifier;
}

export class DepthwiseConv2D extends BaseConv {
  static readonly className = 'DepthwiseConv2D';
  readonly depthMultiplier: number;
  constructor(args: DepthwiseConv2DArgs) {
    super(2, { ...args, filters: 1, ...(args.depthwiseInitializer ? { kernelInitializer: args.depthwiseInitializer } : {}), ...(args.depthwiseRegularizer ? { kernelRegularizer: args.depthwiseRegularizer } : {}) });
    this.depthMultiplier = assertPositiveInt(args.depthMultiplier ?? 1, 'DepthwiseConv2D: depthMultiplier');
  }
  getClassName() { return 'DepthwiseConv2D'; }
  override build(inputShape: Shape | Shape[]): void {
    const c = this.inChannels(inputShape);
    this.kernel = this.addWeight('depthwise_kernel', [...this.kernelSize, c, this.depthMultiplier], this.kernelInitializer, { regularizer: this.kernelRegularizer ?? null });
    if (this.useBias) this.bias = this.addWeight('bias', [c * this.depthMultiplier], this.biasInitializer, { regularizer: this.biasRegularizer ?? null });
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    const c = s[3] as number | null;
    return [s[0] ?? null, ...[0, 1].map((i) => convOutLength(s[i + 1] as number | null, this.kernelSize[i]!, this.padding, this.strides[i]!, this.dilationRate[i]!)), c === null ? null : c * this.depthMultiplier];
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this.name);
    let y = ops.depthwiseConv2d(x, this.kernel!, this.strides as [number, number], this.padding, 'NHWC', this.dilationRate as [number, number]);
    if (this.bias) y = ops.add(y, this.bias);
    return getActivation(this.activation)(y);
  }
  override getConfig() {
    const { filters: _f, ...rest } = super.getConfig();
    return { ...rest, depthMultiplier: this.depthMultiplier };
  }
}
