// BatchNormalization and LayerNormalization (Keras semantics and defaults).
import * as ops from '@wasmml/tensor';
import { tidy, type Tensor, type Variable } from '@wasmml/tensor';
import { fmt, type Shape, singleInput, firstShape } from '../common.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type CallArgs, type LayerArgs } from '../layer.js';

/** Arguments of {@link BatchNormalization} (tfjs `BatchNormalizationLayerArgs`, Keras defaults). */
export interface BatchNormalizationArgs extends LayerArgs {
  /** The channel axis that is normalised per value (default -1, the last). */
  axis?: number;
  /** Momentum of the moving mean and variance (default 0.99). */
  momentum?: number;
  /** Added to the variance before the square root (default 0.001). */
  epsilon?: number;
  /** Whether to add the learned offset beta (default true). */
  center?: boolean;
  /** Whether to multiply by the learned scale gamma (default true). */
  scale?: boolean;
  /** Initializer of beta (default 'zeros'). */
  betaInitializer?: Initializer | InitializerIdentifier;
  /** Initializer of gamma (default 'ones'). */
  gammaInitializer?: Initializer | InitializerIdentifier;
  /** Initializer of the moving mean (default 'zeros'). */
  movingMeanInitializer?: Initializer | InitializerIdentifier;
  /** Initializer of the moving variance (default 'ones'). */
  movingVarianceInitializer?: Initializer | InitializerIdentifier;
}

/**
 * Normalises each channel with the batch's statistics while training (and
 * updates moving averages), with the moving averages at inference.
 *
 * A frozen layer (`trainable = false`) always runs in inference mode and leaves
 * its moving averages alone, as in Keras 2+: fine-tuning on top of a frozen base
 * then keeps the statistics the base was trained with. (tfjs still normalises
 * with batch statistics and updates them.)
 */
export class BatchNormalization extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'BatchNormalization';
  /** The normalised channel axis (negative counts from the end). */
  readonly axis: number;
  /** Momentum of the moving averages. */
  readonly momentum: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Whether the layer has the offset beta. */
  readonly center: boolean;
  /** Whether the layer has the scale gamma. */
  readonly scale: boolean;
  private readonly inits: Record<'beta' | 'gamma' | 'mean' | 'variance', Initializer>;
  /** Learned scale per channel, once built (when scale). */
  gamma: Variable | undefined;
  /** Learned offset per channel, once built (when center). */
  beta: Variable | undefined;
  /** Moving average of the batch means (not trainable), used at inference. */
  movingMean: Variable | undefined;
  /** Moving average of the batch variances (not trainable), used at inference. */
  movingVariance: Variable | undefined;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = {
      beta: getInitializer(args.betaInitializer ?? 'zeros'),
      gamma: getInitializer(args.gammaInitializer ?? 'ones'),
      mean: getInitializer(args.movingMeanInitializer ?? 'zeros'),
      variance: getInitializer(args.movingVarianceInitializer ?? 'ones'),
    };
    this.supportsMasking = true;
  }

  getClassName() {
    return 'BatchNormalization';
  }

  private channelAxis(rank: number): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 0 || a >= rank) throw new Error(`${this.name}: axis ${this.axis} is out of range for rank ${rank}`);
    return a;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = firstShape(inputShape);
    const c = s[this.channelAxis(s.length)];
    if (typeof c !== 'number') throw new Error(`${this.name}: the normalised axis must have a known size, got ${fmt(s)}`);
    if (this.scale) this.gamma = this.addWeight('gamma', [c], this.inits.gamma);
    if (this.center) this.beta = this.addWeight('beta', [c], this.inits.beta);
    this.movingMean = this.addWeight('moving_mean', [c], this.inits.mean, { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [c], this.inits.variance, { trainable: false });
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const x = singleInput(inputs, this.name);
    const ax = this.channelAxis(x.rank);
    const reduce = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== ax);
    const bshape = x.shape.map((d, i) => (i === ax ? d : 1));
    const b = (t: Tensor) => (ax === x.rank - 1 ? t : ops.reshape(t, bshape));
    let mean: Tensor, variance: Tensor;
    if (kwargs.training && this.trainable) {
      const m = ops.moments(x, reduce);
      mean = m.mean;
      variance = m.variance;
      const mom = this.momentum;
      // Moving averages are updated outside the gradient (they are not trained).
      tidy(() => {
        this.movingMean!.assign(ops.add(ops.mul(this.movingMean!, mom), ops.mul(mean, 1 - mom)));
        this.movingVariance!.assign(ops.add(ops.mul(this.movingVariance!, mom), ops.mul(variance, 1 - mom)));
      });
    } else {
      mean = this.movingMean!;
      variance = this.movingVariance!;
    }
    return ops.batchNorm(
      x,
      b(mean),
      b(variance),
      this.beta ? b(this.beta) : undefined,
      this.gamma ? b(this.gamma) : undefined,
      this.epsilon,
    );
  }

  /**
   * Layer settings for saving.
   * @property __type.axis Normalised axis.
   * @property __type.momentum Momentum of the moving averages.
   * @property __type.epsilon Variance epsilon.
   * @property __type.center Whether there is an offset.
   * @property __type.scale Whether there is a scale.
   * @property __type.betaInitializer Serialised initializer of beta.
   * @property __type.gammaInitializer Serialised initializer of gamma.
   * @property __type.movingMeanInitializer Serialised initializer of the moving mean.
   * @property __type.movingVarianceInitializer Serialised initializer of the moving variance.
   */
  override getConfig() {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.inits.beta),
      gammaInitializer: serializeInitializer(this.inits.gamma),
      movingMeanInitializer: serializeInitializer(this.inits.mean),
      movingVarianceInitializer: serializeInitializer(this.inits.variance),
    };
  }
}

/** Arguments of {@link LayerNormalization} (tfjs `LayerNormalizationLayerArgs`). */
export interface LayerNormalizationArgs extends LayerArgs {
  /** Axis or axes each sample is normalised over (default -1, the last). */
  axis?: number | number[];
  /** Added to the variance before the square root (default 0.001). */
  epsilon?: number;
  /** Whether to add the learned offset beta (default true). */
  center?: boolean;
  /** Whether to multiply by the learned scale gamma (default true). */
  scale?: boolean;
  /** Initializer of beta (default 'zeros'). */
  betaInitializer?: Initializer | InitializerIdentifier;
  /** Initializer of gamma (default 'ones'). */
  gammaInitializer?: Initializer | InitializerIdentifier;
}

/** Normalises each sample over its last axis (or axes), then scales and shifts. */
export class LayerNormalization extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'LayerNormalization';
  /** The normalised axes (negative count from the end). */
  readonly axis: number[];
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Whether the layer has the offset beta. */
  readonly center: boolean;
  /** Whether the layer has the scale gamma. */
  readonly scale: boolean;
  private readonly betaInit: Initializer;
  private readonly gammaInit: Initializer;
  /** Learned scale over the normalised axes, once built (when scale). */
  gamma: Variable | undefined;
  /** Learned offset over the normalised axes, once built (when center). */
  beta: Variable | undefined;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.axis = Array.isArray(args.axis) ? args.axis : [args.axis ?? -1];
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInit = getInitializer(args.betaInitializer ?? 'zeros');
    this.gammaInit = getInitializer(args.gammaInitializer ?? 'ones');
    this.supportsMasking = true;
  }

  getClassName() {
    return 'LayerNormalization';
  }

  private axes(rank: number): number[] {
    return this.axis.map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = firstShape(inputShape);
    const shape = this.axes(s.length).map((a) => s[a]);
    if (shape.some((d) => typeof d !== 'number')) throw new Error(`${this.name}: normalised axes must have known sizes, got ${fmt(s)}`);
    if (this.scale) this.gamma = this.addWeight('gamma', shape as number[], this.gammaInit);
    if (this.center) this.beta = this.addWeight('beta', shape as number[], this.betaInit);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const axes = this.axes(x.rank);
    if (axes.length === 1 && axes[0] === x.rank - 1 && this.gamma) {
      // The usual case (Keras' default axis -1, with a scale): one fused kernel each way.
      return ops.layerNorm(x, this.gamma, this.beta, this.epsilon);
    }
    const { mean, variance } = ops.moments(x, axes, true);
    const bshape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    const b = (t: Tensor) => ops.reshape(t, bshape);
    return ops.batchNorm(x, mean, variance, this.beta ? b(this.beta) : undefined, this.gamma ? b(this.gamma) : undefined, this.epsilon);
  }

  /**
   * Layer settings for saving.
   * @property __type.axis Normalised axes.
   * @property __type.epsilon Variance epsilon.
   * @property __type.center Whether there is an offset.
   * @property __type.scale Whether there is a scale.
   */
  override getConfig() {
    return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
