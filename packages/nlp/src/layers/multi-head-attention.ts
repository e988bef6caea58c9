// MultiHeadAttention (Keras layers.MultiHeadAttention): self-attention on one
// input, or attention of a query over [query, value] / [query, value, key].
import type { Tensor } from '@wasmml/tensor';
import {
  Layer,
  getInitializer,
  type CallArgs,
  type Initializer,
  type InitializerIdentifier,
  type LayerArgs,
  type Shape,
} from '@wasmml/layers';
import { multiHeadAttention, type AttentionWeights } from './attention-math.js';

/** Options of {@link MultiHeadAttention} (Keras names, camelCase). */
export interface MultiHeadAttentionArgs extends LayerArgs {
  /** Number of attention heads. */
  numHeads: number;
  /** Size of each head for query and key. */
  keyDim: number;
  /** Size of each head for value (default keyDim). */
  valueDim?: number;
  /** Dropout on the attention scores while training. */
  dropout?: number;
  /** Whether the projections have biases. */
  useBias?: boolean;
  /** Last dimension of the output (default: the query's). */
  outputShape?: number;
  /** Initialiser of the projection kernels (default glorotUniform). */
  kernelInitializer?: Initializer | InitializerIdentifier;
  /** Initialiser of the projection biases (default zeros). */
  biasInitializer?: Initializer | InitializerIdentifier;
  /** Seed of the dropout masks. */
  seed?: number;
}

function shapes(s: Shape | Shape[]): Shape[] {
  return Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
}

/** Multi-head scaled dot-product attention (Vaswani et al. 2017), with key padding masks. */
export class MultiHeadAttention extends Layer {
  /** Saved class name. */
  static readonly className = 'MultiHeadAttention';
  /** Number of attention heads. */
  readonly numHeads: number;
  /** Size of each head for query and key. */
  readonly keyDim: number;
  /** Size of each head for value. */
  readonly valueDim: number;
  /** Dropout rate on the attention scores while training. */
  readonly dropout: number;
  /** Whether the projections have biases. */
  readonly useBias: boolean;
  /** Last dimension of the output (undefined: the query's). */
  readonly outputDim: number | undefined;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;
  private readonly seed: number | undefined;
  private w: AttentionWeights | undefined;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    for (const k of ['numHeads', 'keyDim'] as const) {
      if (!Number.isInteger(args[k]) || args[k] < 1) throw new Error(`MultiHeadAttention: ${k} must be a positive integer, got ${args[k]}`);
    }
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.valueDim = args.valueDim ?? args.keyDim;
    this.dropout = args.dropout ?? 0;
    this.useBias = args.useBias ?? true;
    this.outputDim = args.outputShape;
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros');
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  getClassName() {
    return 'MultiHeadAttention';
  }

  override build(inputShape: Shape | Shape[]): void {
    const [q, v, k] = shapes(inputShape);
    const dq = q![q!.length - 1] as number,
      dv = (v ?? q)![(v ?? q)!.length - 1] as number;
    const dk = (k ?? v ?? q)![(k ?? v ?? q)!.length - 1] as number;
    const H = this.numHeads,
      out = this.outputDim ?? dq;
    const weight = (name: string, shape: number[], bias: boolean) => this.addWeight(name, shape, bias ? this.biasInit : this.kernelInit);
    this.w = {
      query: weight('query/kernel', [dq, H * this.keyDim], false),
      key: weight('key/kernel', [dk, H * this.keyDim], false),
      value: weight('value/kernel', [dv, H * this.valueDim], false),
      output: weight('attention_output/kernel', [H * this.valueDim, out], false),
    };
    if (this.useBias) {
      this.w.queryBias = weight('query/bias', [H * this.keyDim], true);
      this.w.keyBias = weight('key/bias', [H * this.keyDim], true);
      this.w.valueBias = weight('value/bias', [H * this.valueDim], true);
      this.w.outputBias = weight('attention_output/bias', [out], true);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const q = shapes(inputShape)[0]!;
    return [...q.slice(0, -1), this.outputDim ?? q[q.length - 1] ?? null];
  }

  override computeMask(inputs: Tensor | Tensor[], mask?: Tensor | null): Tensor | null {
    return Array.isArray(inputs) && inputs.length > 1 ? null : (mask ?? null);
  }

  /**
   * inputs: x (self-attention) or [query, value] or [query, value, key].
   * kwargs.mask (self-attention) or kwargs.keyMask [batch, S]: 0 marks padded keys.
   */
  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [query, value = query, key = value] = list as [Tensor, Tensor?, Tensor?];
    for (const [n, t] of [
      ['query', query],
      ['value', value],
      ['key', key],
    ] as const) {
      if (t!.rank !== 3) throw new Error(`${this.name}: ${n} must be [batch, steps, features], got [${t!.shape}]`);
    }
    const keyMask = (kwargs.keyMask as Tensor | undefined) ?? (list.length === 1 ? (kwargs.mask ?? null) : null);
    const { output } = multiHeadAttention(query, value!, key!, this.w!, this.numHeads, {
      keyMask,
      dropout: this.dropout,
      training: kwargs.training ?? false,
      ...(this.seed !== undefined ? { seed: this.seed } : {}),
    });
    return output;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      /** Whether the projections have biases. */
      useBias: this.useBias,
      ...(this.outputDim !== undefined ? { outputShape: this.outputDim } : {}),
    };
  }
}
