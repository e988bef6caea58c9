// Pooling layers (NHWC): max/average pooling in 1-D and 2-D, global pooling.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { fmt, tuple, type Shape, singleInput, firstShape } from '../common.js';
import { Layer, type LayerArgs } from '../layer.js';
import { convOutLength, type PaddingMode } from './conv.js';

function checkPadding(padding: unknown, layer: string): PaddingMode {
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${layer}: padding must be 'valid' or 'same', got ${String(padding)}`);
  return padding;
}

/** Arguments of the 2-D pooling layers (tfjs `Pooling2DLayerArgs`). */
export interface Pooling2DArgs extends LayerArgs {
  /** Window size [height, width], or one number for both (default 2). */
  poolSize?: number | [number, number];
  /** Step of the window [height, width], or one number for both (default: the pool size). */
  strides?: number | [number, number];
  /** 'valid' (default) or 'same'. */
  padding?: PaddingMode;
  /** Only 'channelsLast' (NHWC) is supported (the default). */
  dataFormat?: 'channelsLast';
}

/** Arguments of the 1-D pooling layers (tfjs `Pooling1DLayerArgs`). */
export interface Pooling1DArgs extends LayerArgs {
  /** Window length (default 2). */
  poolSize?: number | [number];
  /** Step of the window (default: the pool size). */
  strides?: number | [number];
  /** 'valid' (default) or 'same'. */
  padding?: PaddingMode;
}

abstract class Pooling2D extends Layer {
  /** Window size [height, width]. */
  readonly poolSize: number[];
  /** Window step [height, width]. */
  readonly strides: number[];
  /** 'valid' or 'same'. */
  readonly padding: PaddingMode;
  constructor(args: Pooling2DArgs) {
    super(args);
    this.poolSize = tuple(args.poolSize, 2, 2, `${this.getClassName()}: poolSize`);
    // Keras: strides default to the pool size.
    this.strides = tuple(args.strides ?? this.poolSize, 2, 2, `${this.getClassName()}: strides`);
    this.padding = checkPadding(args.padding ?? 'valid', this.getClassName());
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    if (s.length !== 4) throw new Error(`${this.name}: expected input of rank 4 (NHWC), got ${fmt(s)}`);
    return [
      s[0] ?? null,
      convOutLength(s[1] as number | null, this.poolSize[0]!, this.padding, this.strides[0]!),
      convOutLength(s[2] as number | null, this.poolSize[1]!, this.padding, this.strides[1]!),
      s[3] ?? null,
    ];
  }
  /** Pools one NHWC batch. */
  protected abstract pool(x: Tensor): Tensor;
  call(inputs: Tensor | Tensor[]): Tensor {
    return this.pool(singleInput(inputs, this.name));
  }
  /**
   * Layer settings for saving.
   * @property __type.poolSize Window size.
   * @property __type.strides Window step.
   * @property __type.padding 'valid' or 'same'.
   * @property __type.dataFormat Always 'channelsLast'.
   */
  override getConfig() {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding, dataFormat: 'channelsLast' };
  }
}

/** Maximum over windows of NHWC images (tfjs `tf.layers.maxPooling2d`). */
export class MaxPooling2D extends Pooling2D {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'MaxPooling2D';
  getClassName() {
    return 'MaxPooling2D';
  }
  protected pool(x: Tensor) {
    return ops.maxPool(x, this.poolSize as [number, number], this.strides as [number, number], this.padding);
  }
}

/**
 * Mean over windows of NHWC images (tfjs `tf.layers.averagePooling2d`; 'same' padding averages only the real values).
 */
export class AveragePooling2D extends Pooling2D {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'AveragePooling2D';
  getClassName() {
    return 'AveragePooling2D';
  }
  protected pool(x: Tensor) {
    return ops.avgPool(x, this.poolSize as [number, number], this.strides as [number, number], this.padding);
  }
}

abstract class Pooling1D extends Layer {
  /** Window length. */
  readonly poolSize: number;
  /** Window step. */
  readonly strides: number;
  /** 'valid' or 'same'. */
  readonly padding: PaddingMode;
  constructor(args: Pooling1DArgs) {
    super(args);
    this.poolSize = tuple(args.poolSize, 1, 2, `${this.getClassName()}: poolSize`)[0]!;
    this.strides = tuple(args.strides ?? this.poolSize, 1, 2, `${this.getClassName()}: strides`)[0]!;
    this.padding = checkPadding(args.padding ?? 'valid', this.getClassName());
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    if (s.length !== 3) throw new Error(`${this.name}: expected input of rank 3 (batch, steps, channels), got ${fmt(s)}`);
    return [s[0] ?? null, convOutLength(s[1] as number | null, this.poolSize, this.padding, this.strides), s[2] ?? null];
  }
  /** Pools a [batch, 1, steps, channels] view of the sequence. */
  protected abstract pool(x: Tensor): Tensor;
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return ops.squeeze(this.pool(ops.expandDims(x, 1)), [1]);
  }
  /**
   * Layer settings for saving.
   * @property __type.poolSize Window length, as a one-element list.
   * @property __type.strides Window step, as a one-element list.
   * @property __type.padding 'valid' or 'same'.
   */
  override getConfig() {
    return { ...super.getConfig(), poolSize: [this.poolSize], strides: [this.strides], padding: this.padding };
  }
}

/** Maximum over windows of sequences [batch, steps, channels] (tfjs `tf.layers.maxPooling1d`). */
export class MaxPooling1D extends Pooling1D {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'MaxPooling1D';
  getClassName() {
    return 'MaxPooling1D';
  }
  protected pool(x: Tensor) {
    return ops.maxPool(x, [1, this.poolSize], [1, this.strides], this.padding);
  }
}

/** Mean over windows of sequences [batch, steps, channels] (tfjs `tf.layers.averagePooling1d`). */
export class AveragePooling1D extends Pooling1D {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'AveragePooling1D';
  getClassName() {
    return 'AveragePooling1D';
  }
  protected pool(x: Tensor) {
    return ops.avgPool(x, [1, this.poolSize], [1, this.strides], this.padding);
  }
}

abstract class GlobalPooling extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    return [s[0] ?? null, s[s.length - 1] ?? null];
  }
  /** The axes between batch and channels that global pooling reduces; throws below rank 3. */
  protected spatialAxes(x: Tensor): number[] {
    if (x.rank < 3) throw new Error(`${this.name}: expected input of rank >= 3, got shape ${fmt(x.shape)}`);
    return Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
  }
}

/** Mean over height and width: [batch, h, w, c] to [batch, c] (tfjs `tf.layers.globalAveragePooling2d`). */
export class GlobalAveragePooling2D extends GlobalPooling {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'GlobalAveragePooling2D';
  getClassName() {
    return 'GlobalAveragePooling2D';
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return ops.mean(x, this.spatialAxes(x));
  }
}

/** Maximum over height and width: [batch, h, w, c] to [batch, c] (tfjs `tf.layers.globalMaxPooling2d`). */
export class GlobalMaxPooling2D extends GlobalPooling {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'GlobalMaxPooling2D';
  getClassName() {
    return 'GlobalMaxPooling2D';
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return ops.max(x, this.spatialAxes(x));
  }
}

/** Average over time steps, respecting a mask from an Embedding(maskZero) layer. */
export class GlobalAveragePooling1D extends GlobalPooling {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'GlobalAveragePooling1D';
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }
  getClassName() {
    return 'GlobalAveragePooling1D';
  }
  call(inputs: Tensor | Tensor[], kwargs: { mask?: Tensor | null } = {}): Tensor {
    const x = singleInput(inputs, this.name);
    if (!kwargs.mask) return ops.mean(x, 1);
    const m = ops.expandDims(ops.cast(kwargs.mask, 'float32'), -1);
    return ops.div(ops.sum(ops.mul(x, m), 1), ops.maximum(ops.sum(m, 1), 1e-7));
  }
  override computeMask(): null {
    return null;
  }
}

/**
 * Maximum over time steps: [batch, steps, c] to [batch, c] (tfjs `tf.layers.globalMaxPooling1d`); with a mask from an
 * Embedding(maskZero) layer only the unmasked steps count, and a sequence with none gives zeros.
 */
export class GlobalMaxPooling1D extends GlobalPooling {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'GlobalMaxPooling1D';
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }
  getClassName() {
    return 'GlobalMaxPooling1D';
  }
  call(inputs: Tensor | Tensor[], kwargs: { mask?: Tensor | null } = {}): Tensor {
    const x = singleInput(inputs, this.name);
    if (!kwargs.mask) return ops.max(x, 1);
    // Masked steps sink to the most negative float so they never win the max (and get no gradient).
    const m = ops.expandDims(ops.cast(kwargs.mask, 'float32'), -1);
    const shifted = ops.add(ops.mul(x, m), ops.mul(ops.sub(m, 1), 3.4e38));
    const any = ops.cast(ops.greater(ops.sum(m, 1), 0), 'float32');
    return ops.mul(ops.max(shifted, 1), any);
  }
  override computeMask(): null {
    return null;
  }
}
