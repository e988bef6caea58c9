// The layers of a GPT: token (+ learned position) embedding, pre-norm decoder
// blocks, and the head (final norm, logits through the tied embedding). Weight
// names follow Hugging Face GPT-2 (ln_1, attn/c_attn, mlp/c_fc, ...) so
// checkpoints map one to one.
import * as ops from '@wasmml/tensor';
import type { Tensor, Variable } from '@wasmml/tensor';
import { Layer, initializers, type CallArgs, type LayerArgs, type Shape } from '@wasmml/layers';
import { project, layerNorm } from '../../layers/attention-math.js';
import { causalSelfAttention, rmsNorm, rotaryTables, type KvCache } from '../../layers/causal-attention.js';

/** What {@link GptDecoderBlock.forward} returns. */
export interface BlockStep {
  /** The block's output [B, T, d]. */
  y: Tensor;
  /** Keys and values of every position so far. */
  cache: KvCache;
}

/** Normalisation of the decoder blocks. */
export type GptNorm = 'layerNorm' | 'rmsNorm';
/** Position encoding: learned absolute embeddings (GPT-2) or rotary (Llama, GPT-NeoX). */
export type GptPositions = 'learned' | 'rotary';
/** Feed-forward activation: GPT-2's tanh GELU ('geluApprox'), exact GELU, or ReLU. */
export type GptActivation = 'geluApprox' | 'gelu' | 'relu';

/** What every block of one GPT shares. */
export interface GptShape {
  /** Number of token ids. */
  vocabSize: number;
  /** Longest sequence. */
  contextLength: number;
  /** Width of the residual stream. */
  dim: number;
  /** Attention heads per block. */
  heads: number;
  /** Feed-forward width. */
  intermediateDim: number;
  /** LayerNorm or RMSNorm. */
  norm: GptNorm;
  /** Learned or rotary positions. */
  positions: GptPositions;
  /** Feed-forward activation. */
  activation: GptActivation;
  /** Epsilon of the norms. */
  layerNormEpsilon: number;
  /** Whether projections have biases. */
  bias: boolean;
  /** Dropout rate while training. */
  dropout: number;
  /** Base of the rotary frequencies. */
  rotaryBase: number;
  /** Seed of weights and dropout. */
  seed?: number | undefined;
}

// Each weight draws from its own stream: seed, then a per-weight offset.
const normal = (stddev: number, seed: number | undefined, offset: number) =>
  initializers.randomNormal({ mean: 0, stddev, ...(seed !== undefined ? { seed: seed * 7919 + offset } : {}) });

function activate(kind: GptActivation, x: Tensor): Tensor {
  if (kind === 'relu') return ops.relu(x);
  return ops.gelu(x, kind === 'geluApprox');
}

/** Token embedding wte [V, d], plus learned positions wpe [context, d]. */
export class GptEmbedding extends Layer {
  /** Saved class name. */
  static readonly className = 'GptEmbedding';
  /** Token embedding [vocab, dim]. */
  wte: Variable | undefined;
  /** Learned positions [context, dim] (undefined with rotary positions). */
  wpe: Variable | undefined;
  constructor(
    /** Sizes shared by the model's layers. */
    readonly spec: GptShape,
    args: LayerArgs = {},
  ) {
    super(args);
  }
  getClassName() {
    return 'GptEmbedding';
  }
  override build(): void {
    const s = this.spec;
    this.wte = this.addWeight('wte', [s.vocabSize, s.dim], normal(0.02, s.seed, 1));
    if (s.positions === 'learned') this.wpe = this.addWeight('wpe', [s.contextLength, s.dim], normal(0.01, s.seed, 2));
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape), this.spec.dim];
  }
  /** ids [B, T] at positions offset.. → [B, T, d]. */
  embed(ids: Tensor, offset: number, training: boolean): Tensor {
    const T = ids.shape[1] as number;
    if (offset + T > this.spec.contextLength) {
      throw new Error(`gpt: ${offset + T} positions exceed the context length ${this.spec.contextLength}`);
    }
    const idx = ids.dtype === 'int32' ? ids : ops.cast(ids, 'int32');
    let x = ops.gather(this.wte as Tensor, idx);
    if (this.wpe) x = ops.add(x, ops.slice(this.wpe, [offset, 0], [T, this.spec.dim]));
    return training && this.spec.dropout > 0 ? ops.dropout(x, this.spec.dropout, undefined, this.spec.seed) : x;
  }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const ids = Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
    if (ids.rank !== 2) throw new Error(`${this.name}: token ids must be [batch, steps], got [${ids.shape}] (${ids.dtype})`);
    return this.embed(ids, 0, kwargs.training ?? false);
  }
}

/** A norm's weights: LayerNorm has gamma and beta, RMSNorm gamma only. */
export interface Norm {
  gamma: Variable;
  beta?: Variable | undefined;
}

/** A layer with GPT norms (LayerNorm: gamma and beta; RMSNorm: gamma only). */
export abstract class GptPart extends Layer {
  /** Adds a LayerNorm (gamma, beta) or RMSNorm (gamma) weight set. */
  protected addNorm(name: string, spec: GptShape): Norm {
    return {
      gamma: this.addWeight(`${name}/gamma`, [spec.dim], 'ones'),
      beta: spec.norm === 'layerNorm' ? this.addWeight(`${name}/beta`, [spec.dim], 'zeros') : undefined,
    };
  }
}

/** The GPT's norm (LayerNorm or RMSNorm, as `spec` says) of x over its last axis. */
export function applyNorm(x: Tensor, n: Norm, spec: GptShape): Tensor {
  return n.beta ? layerNorm(x, n.gamma, n.beta, spec.layerNormEpsilon) : rmsNorm(x, n.gamma, spec.layerNormEpsilon);
}

/** A pre-norm decoder block: x + attn(norm(x)), then x + mlp(norm(x)). */
export class GptDecoderBlock extends GptPart {
  /** Saved class name. */
  static readonly className = 'GptDecoderBlock';
  private w:
    | {
        ln1: Norm;
        ln2: Norm;
        qkv: Variable;
        qkvB?: Variable | undefined;
        proj: Variable;
        projB?: Variable | undefined;
        fc: Variable;
        fcB?: Variable | undefined;
        out: Variable;
        outB?: Variable | undefined;
      }
    | undefined;
  constructor(
    /** Sizes shared by the model's layers. */
    readonly spec: GptShape,
    /** Position of the block in the model. */
    readonly index: number,
    args: LayerArgs = {},
  ) {
    super(args);
  }
  getClassName() {
    return 'GptDecoderBlock';
  }
  override build(): void {
    const s = this.spec,
      d = s.dim,
      f = s.intermediateDim;
    // GPT-2's init: N(0, 0.02), residual projections scaled by 1/sqrt(2·layers) (set by the model).
    let k = 0;
    const w = (n: string, shape: number[], std = 0.02) => this.addWeight(n, shape, normal(std, s.seed, 16 * (this.index + 1) + k++));
    const b = (n: string, size: number) => (s.bias ? this.addWeight(n, [size], 'zeros') : undefined);
    const resid = 0.02 / Math.sqrt(2 * Math.max(1, this.residualLayers));
    this.w = {
      ln1: this.addNorm('ln_1', s),
      qkv: w('attn/c_attn/kernel', [d, 3 * d]),
      qkvB: b('attn/c_attn/bias', 3 * d),
      proj: w('attn/c_proj/kernel', [d, d], resid),
      projB: b('attn/c_proj/bias', d),
      ln2: this.addNorm('ln_2', s),
      fc: w('mlp/c_fc/kernel', [d, f]),
      fcB: b('mlp/c_fc/bias', f),
      out: w('mlp/c_proj/kernel', [f, d], resid),
      outB: b('mlp/c_proj/bias', d),
    };
  }
  /** Number of blocks in the model (for the residual init scale). */
  residualLayers = 1;
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** x [B, T, d] at positions offset..; with a cache, x holds only new positions. */
  forward(x: Tensor, opts: { cache?: KvCache | undefined; offset: number; training: boolean }): BlockStep {
    const s = this.spec,
      w = this.w as NonNullable<GptDecoderBlock['w']>;
    const T = x.shape[1] as number;
    const rotary = s.positions === 'rotary' ? rotaryTables(T, s.dim / s.heads, opts.offset, s.rotaryBase) : undefined;
    const drop = (t: Tensor) => (opts.training && s.dropout > 0 ? ops.dropout(t, s.dropout, undefined, s.seed) : t);
    const a = causalSelfAttention(applyNorm(x, w.ln1, s), { qkv: w.qkv, qkvBias: w.qkvB, proj: w.proj, projBias: w.projB }, s.heads, {
      cache: opts.cache,
      rotary,
      dropout: s.dropout,
      training: opts.training,
      seed: s.seed,
    });
    const h = ops.add(x, drop(a.output));
    const m = project(activate(s.activation, project(applyNorm(h, w.ln2, s), w.fc, w.fcB, opts.training)), w.out, w.outB, opts.training);
    return { y: ops.add(h, drop(m)), cache: a.cache };
  }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
    return this.forward(x, { offset: 0, training: kwargs.training ?? false }).y;
  }
}

/** Final norm and logits: h · wteᵀ when tied (GPT-2), else h · lm_head. */
export class GptHead extends GptPart {
  /** Saved class name. */
  static readonly className = 'GptHead';
  private norm: Norm | undefined;
  /** The final norm ln_f (undefined before the model is built). */
  get finalNorm(): Norm | undefined {
    return this.norm;
  }
  private lmHead: Variable | undefined;
  constructor(
    /** Sizes shared by the model's layers. */
    readonly spec: GptShape,
    private readonly embedding: GptEmbedding,
    /** Whether logits go through the token embedding. */
    readonly tied: boolean,
    args: LayerArgs = {},
  ) {
    super(args);
  }
  getClassName() {
    return 'GptHead';
  }
  override build(): void {
    this.norm = this.addNorm('ln_f', this.spec);
    if (!this.tied) this.lmHead = this.addWeight('lm_head/kernel', [this.spec.dim, this.spec.vocabSize], normal(0.02, this.spec.seed, 3));
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape).slice(0, -1), this.spec.vocabSize];
  }
  /** h [B, T, d] → logits [B, T, V]. */
  logits(h: Tensor): Tensor {
    const [B, T, d] = h.shape as [number, number, number];
    const x = ops.reshape(applyNorm(h, this.norm as Norm, this.spec), [B * T, d]);
    const y = this.tied ? ops.matMul(x, this.embedding.wte as Tensor, false, true) : ops.matMul(x, this.lmHead as Tensor);
    return ops.reshape(y, [B, T, this.spec.vocabSize]);
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    return this.logits(Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs);
  }
}
