// Recurrent layers: SimpleRNN, LSTM, GRU (tfjs/Keras weight layouts and gate
// order) and the Bidirectional wrapper, checked against tfjs-layers. LSTM and
// GRU with their usual activations run on the fused sequence ops (lstmSequence,
// gruSequence); otherwise, and for SimpleRNN, the input projection of all steps
// is one GEMM and each step is composed from tensor ops. Masked steps
// (Embedding maskZero) carry the previous state through.
import * as ops from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { activationName, getActivation, type ActivationIdentifier } from '../activations.js';
import { assertPositiveInt, fmt, type Shape } from '../common.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { Layer, type CallArgs, type LayerArgs } from '../layer.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';

/** Arguments of {@link SimpleRNN}, {@link LSTM} and {@link GRU} (tfjs `SimpleRNNLayerArgs`, `LSTMLayerArgs`, `GRULayerArgs`). */
export interface RNNArgs extends LayerArgs {
  /** Size of the hidden state (and of the output's last axis). */
  units: number;
  /** Activation of the candidate state and the output (default 'tanh'). */
  activation?: ActivationIdentifier;
  /** Activation of the gates, LSTM and GRU (default 'hardSigmoid', as tfjs). */
  recurrentActivation?: ActivationIdentifier;
  /** Whether the layer has a bias (default true). */
  useBias?: boolean;
  /** Initialiser of the input kernel [features, gates * units] (default 'glorotUniform'). */
  kernelInitializer?: Initializer | InitializerIdentifier;
  /** Initialiser of the recurrent kernel [units, gates * units] (default 'orthogonal'). */
  recurrentInitializer?: Initializer | InitializerIdentifier;
  /** Initialiser of the bias (default 'zeros'). */
  biasInitializer?: Initializer | InitializerIdentifier;
  /** Penalty on the input kernel added to the loss. */
  kernelRegularizer?: Regularizer | RegularizerIdentifier;
  /** Penalty on the recurrent kernel added to the loss. */
  recurrentRegularizer?: Regularizer | RegularizerIdentifier;
  /** Output the hidden state of every step, [batch, steps, units], instead of the last, [batch, units] (default false). */
  returnSequences?: boolean;
  /** Also output the final states (h, and c for LSTM) after the output (default false). */
  returnState?: boolean;
  /** Process the sequence from its last step to its first (default false). */
  goBackwards?: boolean;
  /** LSTM: start the forget-gate bias at 1 (off by default, as in tfjs; Keras turns it on). */
  unitForgetBias?: boolean;
  /**
   * GRU: apply the reset gate after the recurrent product, with a bias of its own on that product, so the bias is
   * [2, 3 * units] (input bias, recurrent bias): Keras 3's default `reset_after=True` (and CuDNN's form). Default
   * false: the reset gate applies before the product, one bias [3 * units], as tfjs (which has only this form).
   */
  resetAfter?: boolean;
}

function shapeOf(s: Shape | Shape[]): Shape {
  return Array.isArray(s[0]) ? (s as Shape[])[0]! : (s as Shape);
}

/** What SimpleRNN, LSTM and GRU share: weights, masking, the step loop and the config. */
abstract class RNNBase extends Layer {
  /** Size of the hidden state. */
  readonly units: number;
  /** Name of the candidate/output activation. */
  readonly activation: string;
  /** Name of the gate activation. */
  readonly recurrentActivation: string;
  /** Whether the layer has a bias. */
  readonly useBias: boolean;
  /** Whether the output holds every step's hidden state. */
  readonly returnSequences: boolean;
  /** Whether the final states follow the output. */
  readonly returnState: boolean;
  /** Whether the sequence is processed from last step to first. */
  readonly goBackwards: boolean;
  /** Initialiser of {@link kernel}. */
  protected readonly kernelInit: Initializer;
  /** Initialiser of {@link recurrentKernel}. */
  protected readonly recurrentInit: Initializer;
  /** Initialiser of {@link bias} (LSTM may wrap it, see {@link biasInitializerFor}). */
  protected readonly biasInit: Initializer;
  /** Penalty on {@link kernel}, if any. */
  protected readonly kernelReg: Regularizer | undefined;
  /** Penalty on {@link recurrentKernel}, if any. */
  protected readonly recurrentReg: Regularizer | undefined;
  /** Input kernel [features, gates * units], once built. */
  kernel: Tensor | undefined;
  /** Recurrent kernel [units, gates * units], once built. */
  recurrentKernel: Tensor | undefined;
  /** Bias [gates * units], once built (when useBias). */
  bias: Tensor | undefined;
  /** Gates stacked in the kernels (1 SimpleRNN, 4 LSTM, 3 GRU). */
  protected abstract readonly gates: number;
  /** Number of state tensors (h, and c for LSTM). */
  protected abstract readonly stateCount: number;

  /** See {@link RNNArgs}. */
  constructor(args: RNNArgs) {
    super(args);
    this.units = assertPositiveInt(args.units, `${this.getClassName()}: units`);
    this.activation = activationName(args.activation ?? 'tanh');
    this.recurrentActivation = activationName(args.recurrentActivation ?? 'hardSigmoid');
    this.useBias = args.useBias ?? true;
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.recurrentInit = getInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelReg = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer) : undefined;
    this.recurrentReg = args.recurrentRegularizer ? getRegularizer(args.recurrentRegularizer) : undefined;
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = shapeOf(inputShape);
    if (s.length !== 3) throw new Error(`${this.name}: expected input [batch, steps, features], got ${fmt(s)}`);
    const f = s[2];
    if (typeof f !== 'number') throw new Error(`${this.name}: the feature dimension must be known, got ${fmt(s)}`);
    const n = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [f, n], this.kernelInit, { regularizer: this.kernelReg ?? null });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, n], this.recurrentInit, {
      regularizer: this.recurrentReg ?? null,
    });
    if (this.useBias) this.bias = this.addWeight('bias', this.biasShape(n), this.biasInitializerFor(n));
  }

  /** Shape of the bias of n gate values (GRU reset-after keeps two rows). */
  protected biasShape(n: number): number[] {
    return [n];
  }

  /** The bias added to the input projection of every step (GRU reset-after: the first row). */
  protected inputBias(): Tensor | undefined {
    return this.bias;
  }

  /** A bias of the recurrent product that each step adds (GRU reset-after: the second row); none by default. */
  protected recurrentBias(): Tensor | undefined {
    return undefined;
  }

  /** The initialiser of a bias of n values (LSTM's unitForgetBias overrides it). */
  protected biasInitializerFor(_n: number): Initializer {
    return this.biasInit;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = shapeOf(inputShape);
    const out: Shape = this.returnSequences ? [s[0] ?? null, s[1] ?? null, this.units] : [s[0] ?? null, this.units];
    if (!this.returnState) return out;
    return [out, ...Array.from({ length: this.stateCount }, () => [s[0] ?? null, this.units] as Shape)];
  }

  override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | null): Tensor | null {
    return this.returnSequences ? (mask ?? null) : null;
  }

  /** One step: projected input xw [batch, gates*units] and states -> new states (h first); recurrentBias is what recurrentBias() gave. */
  protected abstract step(xw: Tensor, states: Tensor[], recurrentBias?: Tensor): Tensor[];

  /**
   * Runs the sequence [batch, steps, features] (optionally followed by initial states) step by step; masked steps
   * keep the previous state.
   */
  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor | Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const initial = Array.isArray(inputs) && inputs.length > 1 ? inputs.slice(1) : undefined;
    if (x.rank !== 3) throw new Error(`${this.name}: expected input [batch, steps, features], got shape ${fmt(x.shape)}`);
    const [batch, steps] = x.shape as [number, number, number];
    const n = this.gates * this.units;
    // All time steps' input projections in one GEMM: [batch*steps, features] x [features, n].
    let xw = ops.matMul(ops.reshape(x, [batch * steps, x.shape[2]!]), this.kernel!);
    const inputBias = this.inputBias();
    if (inputBias) xw = ops.add(xw, inputBias);
    const recurrentBias = this.recurrentBias();
    const xws = ops.unstack(ops.reshape(xw, [batch, steps, n]), 1);
    const masks = kwargs.mask ? ops.unstack(ops.expandDims(ops.cast(kwargs.mask, 'float32'), -1), 1) : undefined;
    let states = initial ?? Array.from({ length: this.stateCount }, () => ops.zeros([batch, this.units]));
    const outs: Tensor[] = [];
    for (let k = 0; k < steps; k++) {
      const t = this.goBackwards ? steps - 1 - k : k;
      let next = this.step(xws[t]!, states, recurrentBias);
      if (masks) {
        const m = masks[t]!;
        next = next.map((s, i) => ops.add(ops.mul(s, m), ops.mul(states[i]!, ops.sub(1, m))));
      }
      states = next;
      if (this.returnSequences) outs.push(states[0]!);
    }
    const output = this.returnSequences ? ops.stack(outs, 1) : states[0]!;
    return this.returnState ? [output, ...states] : output;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      useBias: this.useBias,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      kernelInitializer: serializeInitializer(this.kernelInit),
      recurrentInitializer: serializeInitializer(this.recurrentInit),
      biasInitializer: serializeInitializer(this.biasInit),
    };
  }
}

/** A fully connected recurrent layer, h_t = activation(x_t W + h_{t-1} U + b) (tfjs `tf.layers.simpleRNN`). */
export class SimpleRNN extends RNNBase {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'SimpleRNN';
  protected readonly gates = 1;
  protected readonly stateCount = 1;
  getClassName() {
    return 'SimpleRNN';
  }
  protected step(xw: Tensor, [h]: Tensor[]): Tensor[] {
    return [getActivation(this.activation)(ops.add(xw, ops.matMul(h!, this.recurrentKernel!)))];
  }
}

/** Bias initialiser with the forget-gate block (second quarter) set to 1, the rest from `base` (as tfjs). */
class UnitForgetBias {
  readonly className = 'UnitForgetBias';
  constructor(
    private readonly units: number,
    private readonly base: Initializer,
  ) {}
  apply(shape: number[]): Tensor {
    const u = this.units;
    return ops.concat([this.base.apply([u], 'float32'), ops.ones([u]), this.base.apply([shape[0]! - 2 * u], 'float32')], 0);
  }
  getConfig() {
    return {};
  }
}

/** Long short-term memory (tfjs `tf.layers.lstm`; gates i, f, c, o in the kernels' column order, as tfjs and Keras). */
export class LSTM extends RNNBase {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'LSTM';
  protected readonly gates = 4;
  protected readonly stateCount = 2;
  /** Whether the forget-gate bias starts at 1. */
  readonly unitForgetBias: boolean;
  /** See {@link RNNArgs}. */
  constructor(args: RNNArgs) {
    super(args);
    this.unitForgetBias = args.unitForgetBias ?? false;
  }
  getClassName() {
    return 'LSTM';
  }

  /** Whole sequences run through the fused lstmSequence op when its activations allow (tanh cell, hardSigmoid or sigmoid gates). */
  override call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor | Tensor[] {
    const rec = this.recurrentActivation;
    if (this.activation !== 'tanh' || (rec !== 'hardSigmoid' && rec !== 'sigmoid')) return super.call(inputs, kwargs);
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const initial = Array.isArray(inputs) && inputs.length > 1 ? inputs.slice(1) : undefined;
    if (x.rank !== 3) throw new Error(`${this.name}: expected input [batch, steps, features], got shape ${fmt(x.shape)}`);
    const [seq, h, c] = ops.lstmSequence({
      x,
      kernel: this.kernel!,
      recurrentKernel: this.recurrentKernel!,
      ...(this.bias ? { bias: this.bias } : {}),
      ...(initial ? { initialState: [initial[0]!, initial[1]!] as [Tensor, Tensor] } : {}),
      ...(kwargs.mask ? { mask: kwargs.mask } : {}),
      goBackwards: this.goBackwards,
      recurrentActivation: rec,
    });
    const output = this.returnSequences ? seq : h;
    return this.returnState ? [output, h, c] : output;
  }

  protected override biasInitializerFor(): Initializer {
    return this.unitForgetBias ? (new UnitForgetBias(this.units, this.biasInit) as unknown as Initializer) : this.biasInit;
  }
  protected step(xw: Tensor, [h, c]: Tensor[]): Tensor[] {
    const z = ops.add(xw, ops.matMul(h!, this.recurrentKernel!));
    const [zi, zf, zc, zo] = ops.split(z, 4, 1);
    const ra = getActivation(this.recurrentActivation),
      act = getActivation(this.activation);
    const cNew = ops.add(ops.mul(ra(zf!), c!), ops.mul(ra(zi!), act(zc!)));
    const hNew = ops.mul(ra(zo!), act(cNew));
    return [hNew, cNew];
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias };
  }
}

/**
 * Gated recurrent unit (tfjs `tf.layers.gru`; gates z, r, h in the kernels' column order). The reset gate applies
 * before the recurrent product as in tfjs, or after it with `resetAfter` as in Keras 3.
 */
export class GRU extends RNNBase {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'GRU';
  protected readonly gates = 3;
  protected readonly stateCount = 1;
  /** Whether the reset gate applies after the recurrent product (Keras 3's default; see {@link RNNArgs.resetAfter}). */
  readonly resetAfter: boolean;
  /** See {@link RNNArgs}. */
  constructor(args: RNNArgs) {
    super(args);
    this.resetAfter = args.resetAfter ?? false;
  }
  getClassName() {
    return 'GRU';
  }

  /**
   * Whole sequences run through the fused gruSequence op when its activations allow (tanh, hardSigmoid or sigmoid
   * gates). The reset-after form is composed from tensor ops step by step (its gradient by autograd): the fused
   * kernels compute the reset-before form only.
   */
  override call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor | Tensor[] {
    const rec = this.recurrentActivation;
    if (this.resetAfter || this.activation !== 'tanh' || (rec !== 'hardSigmoid' && rec !== 'sigmoid')) return super.call(inputs, kwargs);
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const initial = Array.isArray(inputs) && inputs.length > 1 ? inputs[1] : undefined;
    if (x.rank !== 3) throw new Error(`${this.name}: expected input [batch, steps, features], got shape ${fmt(x.shape)}`);
    const [seq, h] = ops.gruSequence({
      x,
      kernel: this.kernel!,
      recurrentKernel: this.recurrentKernel!,
      ...(this.bias ? { bias: this.bias } : {}),
      ...(initial ? { initialState: initial } : {}),
      ...(kwargs.mask ? { mask: kwargs.mask } : {}),
      goBackwards: this.goBackwards,
      recurrentActivation: rec,
    });
    const output = this.returnSequences ? seq : h;
    return this.returnState ? [output, h] : output;
  }

  protected override biasShape(n: number): number[] {
    return this.resetAfter ? [2, n] : [n];
  }

  protected override inputBias(): Tensor | undefined {
    return this.resetAfter && this.bias ? ops.reshape(ops.slice(this.bias, [0, 0], [1, -1]), [-1]) : this.bias;
  }

  protected override recurrentBias(): Tensor | undefined {
    return this.resetAfter && this.bias ? ops.reshape(ops.slice(this.bias, [1, 0], [1, -1]), [-1]) : undefined;
  }

  protected step(xw: Tensor, [h]: Tensor[], recurrentBias?: Tensor): Tensor[] {
    const u = this.units;
    const [xz, xr, xh] = ops.split(xw, 3, 1);
    const ra = getActivation(this.recurrentActivation),
      act = getActivation(this.activation);
    let zg: Tensor, hh: Tensor;
    if (this.resetAfter) {
      // One product h·U for all three gates; the reset gate scales the candidate's part of it (bias included).
      let hu = ops.matMul(h!, this.recurrentKernel!);
      if (recurrentBias) hu = ops.add(hu, recurrentBias);
      const [hz, hr, hc] = ops.split(hu, 3, 1);
      zg = ra(ops.add(xz!, hz!));
      const rg = ra(ops.add(xr!, hr!));
      hh = act(ops.add(xh!, ops.mul(rg, hc!)));
    } else {
      const [uz, ur, uh] = ops.split(this.recurrentKernel!, [u, u, u], 1);
      zg = ra(ops.add(xz!, ops.matMul(h!, uz!)));
      const rg = ra(ops.add(xr!, ops.matMul(h!, ur!)));
      hh = act(ops.add(xh!, ops.matMul(ops.mul(rg, h!), uh!)));
    }
    return [ops.add(ops.mul(zg, h!), ops.mul(ops.sub(1, zg), hh))];
  }

  override getConfig(): Record<string, unknown> {
    // Written always, as tfjs does (tfjs reads false and refuses true).
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}

/** Arguments of {@link Bidirectional} (tfjs `BidirectionalLayerArgs`). */
export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer run forwards; a copy of it runs backwards. */
  layer: RNNBase;
  /** How the two outputs combine (default 'concat' on the last axis). */
  mergeMode?: 'concat' | 'sum' | 'mul' | 'ave';
}

/** Runs a recurrent layer forwards and a copy backwards, merging their outputs. */
export class Bidirectional extends Layer {
  /** Class name under which the layer is saved and deserialised. */
  static readonly className = 'Bidirectional';
  /** The layer given, run forwards. */
  readonly forward: RNNBase;
  /** Its copy, run backwards (its own weights). */
  readonly backward: RNNBase;
  /** How the two outputs combine. */
  readonly mergeMode: 'concat' | 'sum' | 'mul' | 'ave';

  /** See {@link BidirectionalArgs}. */
  constructor(args: BidirectionalArgs) {
    super(args);
    this.forward = args.layer;
    const Ctor = args.layer.constructor as new (a: RNNArgs) => RNNBase;
    const cfg = args.layer.getConfig() as unknown as RNNArgs;
    this.backward = new Ctor({
      ...cfg,
      name: `backward_${args.layer.name}`,
      goBackwards: !args.layer.goBackwards,
      batchInputShape: undefined as never,
      inputShape: undefined as never,
    } as RNNArgs);
    this.mergeMode = args.mergeMode ?? 'concat';
    this.supportsMasking = true;
  }

  getClassName() {
    return 'Bidirectional';
  }

  override build(inputShape: Shape | Shape[]): void {
    this.forward.ensureBuilt(inputShape);
    this.backward.ensureBuilt(inputShape);
  }

  override get namedWeights() {
    return [...this.forward.namedWeights, ...this.backward.namedWeights];
  }
  override get trainableWeights() {
    return this.trainable ? [...this.forward.trainableWeights, ...this.backward.trainableWeights] : [];
  }
  override get nonTrainableWeights() {
    return this.trainable
      ? [...this.forward.nonTrainableWeights, ...this.backward.nonTrainableWeights]
      : [...this.forward.weights, ...this.backward.weights];
  }
  override countParams() {
    return this.forward.countParams() + this.backward.countParams();
  }
  override setWeights(values: Tensor[]): void {
    const n = this.forward.namedWeights.length;
    this.forward.setWeights(values.slice(0, n));
    this.backward.setWeights(values.slice(n));
  }
  override getWeights(): Tensor[] {
    return [...this.forward.getWeights(), ...this.backward.getWeights()];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const f = this.forward.computeOutputShape(inputShape);
    const out = (Array.isArray(f[0]) ? (f as Shape[])[0] : f) as Shape;
    if (this.mergeMode !== 'concat') return out;
    return [...out.slice(0, -1), (out[out.length - 1] as number) * 2];
  }

  override computeMask(inputs: Tensor | Tensor[], mask?: Tensor | null): Tensor | null {
    return this.forward.computeMask(inputs, mask);
  }

  /** Runs both directions on the input and merges their outputs. */
  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const f = this.forward.call(inputs, kwargs) as Tensor;
    let b = this.backward.call(inputs, kwargs) as Tensor;
    // The backward layer's sequence comes out in reverse time order.
    if (this.forward.returnSequences) b = ops.reverse(b, 1);
    switch (this.mergeMode) {
      case 'sum':
        return ops.add(f, b);
      case 'mul':
        return ops.mul(f, b);
      case 'ave':
        return ops.mul(ops.add(f, b), 0.5);
      default:
        return ops.concat([f, b], -1);
    }
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      layer: { className: this.forward.getClassName(), config: this.forward.getConfig() },
      mergeMode: this.mergeMode,
    };
  }

  override dispose(): void {
    this.forward.dispose();
    this.backward.dispose();
  }
}

export { RNNBase };
