// Pooling layers (NHWC): max/average pooling in 1-D and 2-D, global pooling.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { fmt, tuple, type Shape } from '../common.js';
import { Layer, type LayerArgs } from '../layer.js';
import { convOutLength, type PaddingMode } from './conv.js';

function checkPadding(padding: unknown, layer: string): PaddingMode {
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${layer}: padding must be 'valid' or 'same', got ${String(padding)}`);
  return padding;
}

export interface Pooling2DArgs extends LayerArgs {
  poolSize?: number | [number, number];
  strides?: number | [number, number];
  padding?: PaddingMode;
  dataFormat?: 'channelsLast';
}

export interface Pooling1DArgs extends LayerArgs {
  poolSize?: number | [number];
  strides?: number | [number];
  padding?: PaddingMode;
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

abstract class Pooling2D extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode;
  constructor(args: Pooling2DArgs) {
    super(args);
    this.poolSize = tuple(args.poolSize, 2, 2, `${this.getClassName()}: poolSize`);
    // Keras: strides default to the pool size.
    this.strides = tuple(args.strides ?? this.poolSize, 2, 2, `${this.getClassName()}: strides`);
    this.padding = checkPadding(args.padding ?? 'valid', this.getClassName());
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    if (s.length !== 4) throw new Error(`${this.name}: expected input of rank 4 (NHWC), got ${fmt(s)}`);
    return [s[0] ?? null, convOutLength(s[1] as number | null, this.poolSize[0]!, this.padding, this.strides[0]!),
      convOutLength(s[2] as number | null, this.poolSize[1]!, this.padding, this.strides[1]!), s[3] ?? null];
  }
  protected abstract pool(x: Tensor): Tensor;
  call(inputs: Tensor | Tensor[]): Tensor {
    return this.pool(single(inputs, this.name));
  }
  override getConfig() {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding, dataFormat: 'channelsLast' };
  }
}

export class MaxPooling2D extends Pooling2D {
  static readonly className = 'MaxPooling2D';
  getClassName() { return 'MaxPooling2D'; }
  protected pool(x: Tensor) { return ops.maxPool(x, this.poolSize as [number, number], this.strides as [number, number], this.padding); }
}

export class AveragePooling2D extends Pooling2D {
  static readonly className = 'AveragePooling2D';
  getClassName() { return 'AveragePooling2D'; }
  protected pool(x: Tensor) { return ops.avgPool(x, this.poolSize as [number, number], this.strides as [number, number], this.padding); }
}

abstract class Pooling1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: PaddingMode;
  constructor(args: Pooling1DArgs) {
    super(args);
    this.poolSize = tuple(args.poolSize, 1, 2, `${this.getClassName()}: poolSize`)[0]!;
    this.strides = tuple(args.strides ?? this.poolSize, 1, 2, `${this.getClassName()}: strides`)[0]!;
    this.padding = checkPadding(args.padding ?? 'valid', this.getClassName());
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    if (s.length !== 3) throw new Error(`${this.name}: expected input of rank 3 (batch, steps, channels), got ${fmt(s)}`);
    return [s[0] ?? null, convOutLength(s[1] as number | null, this.poolSize, this.padding, this.strides), s[2] ?? null];
  }
  protected abstract pool(x: Tensor): Tensor;
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this.name);
    return ops.squeeze(this.pool(ops.expandDims(x, 1)), [1]);
  }
  override getConfig() {
    return { ...super.getConfig(), poolSize: [this.poolSize], strides: [this.strides], padding: this.padding };
  }
}

export class MaxPooling1D extends Pooling1D {
  static readonly className = 'MaxPooling1D';
  getClassName() { return 'MaxPooling1D'; }
  protected pool(x: Tensor) { return ops.maxPool(x, [1, this.poolSize], [1, this.strides], this.padding); }
}

export class AveragePooling1D extends Pooling1D {
  static readonly className = 'AveragePooling1D';
  getClassName() { return 'AveragePooling1D'; }
  protected pool(x: Tensor) { return ops.avgPool(x, [1, this.poolSize], [1, this.strides], this.padding); }
}

abstract class GlobalPooling extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    return [s[0] ?? null, s[s.length - 1] ?? null];
  }
  protected spatialAxes(x: Tensor): number[] {
    if (x.rank < 3) throw new Error(`${this.name}: expected input of rank >= 3, got shape ${fmt(x.shape)}`);
    return Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
  }
}

export class GlobalAveragePooling2D extends GlobalPooling {
  static readonly className = 'GlobalAveragePooling2D';
  getClassName() { return 'GlobalAveragePooling2D'; }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this.name);
    return ops.mean(x, this.spatialAxes(x));
  }
}

export class GlobalMaxPooling2D extends GlobalPooling {
  static readonly className = 'GlobalMaxPooling2D';
  getClassName() { return 'GlobalMaxPooling2D'; }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this.name);
    return ops.max(x, this.spatialAxes(x));
  }
}

/** Average over time steps, respecting a mask from an Embedding(maskZero) layer. */
export class GlobalAveragePooling1D extends GlobalPooling {
  static readonly className = 'GlobalAveragePooling1D';
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }
  getClassName() { return 'GlobalAveragePooling1D'; }
  call(inputs: Tensor | Tensor[], kwargs: { mask?: Tensor | null } = {}): Tensor {
    const x = single(inputs, this.name);
    if (!kwargs.mask) return ops.mean(x, 1);
    const m = ops.expandDims(ops.cast(kwargs.mask, 'float32'), -1);
    return ops.div(ops.sum(ops.mul(x, m), 1), ops.maximum(ops.sum(m, 1), 1e-7));
  }
  override computeMask(): null {
    return null;
  }
}

export class GlobalMaxPooling1D extends GlobalPooling {
  static readonly className = 'GlobalMaxPooling1D';
  getClassName() { return 'GlobalMaxPooling1D'; }
  call(inputs: Tensor | Tensor[]): Tensor {
    return ops.max(single(inputs, this.name), 1);
  }
}
