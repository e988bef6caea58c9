// A decoder-only transformer language model (GPT-2 shaped: Radford et al.
// 2019; nanoGPT's defaults), trainable with compile/fit on windows of token
// ids, with a key/value-cached forward for generation.
import * as ops from '@wasmml/tensor';
import { checkOptions, type OptionKeys } from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { LayersModel } from '@wasmml/layers';
import type { KvCache } from '../../layers/causal-attention.js';
import { tokenStack } from '../token-stack.js';
import { GptDecoderBlock, GptEmbedding, GptHead, type GptActivation, type GptNorm, type GptPositions, type GptShape } from './blocks.js';

/** Options of {@link gpt}. */
export interface GptArgs {
  /** Number of token ids. */
  vocabSize: number;
  /** Longest sequence (positions) the model takes. */
  contextLength: number;
  /** Number of decoder blocks. */
  layers: number;
  /** Attention heads per block (dim must divide by it). */
  heads: number;
  /** Width of the residual stream. */
  dim: number;
  /** Feed-forward width (default 4·dim). */
  intermediateDim?: number;
  /** Dropout on embeddings, attention probabilities and residual branches while training (default 0). */
  dropout?: number;
  /** 'layerNorm' (default, GPT-2) or 'rmsNorm'. */
  norm?: GptNorm;
  /** 'learned' (default, GPT-2) or 'rotary' positions. */
  positions?: GptPositions;
  /** Base of the rotary frequencies (default 10000). */
  rotaryBase?: number;
  /** Feed-forward activation (default 'geluApprox', GPT-2's). */
  activation?: GptActivation;
  /** Epsilon of the norms (default 1e-5). */
  layerNormEpsilon?: number;
  /** Biases in the projections (default true, GPT-2). */
  bias?: boolean;
  /** Logits through the token embedding (default true, GPT-2). */
  tieWeights?: boolean;
  /** Seed of the initial weights and dropout. */
  seed?: number;
  /** Model name. */
  name?: string;
}

/** What {@link GptModel.forwardCached} returns. */
export interface GptStep {
  /** Logits of the new positions [B, T, V]. */
  logits: Tensor;
  /** The caches, now holding the new positions too. */
  cache: GptCache;
}

/** Per-block key/value caches of a generation in progress, and how many positions they hold. */
export interface GptCache {
  /** One cache per decoder block. */
  blocks: KvCache[];
  /** Positions the caches hold. */
  length: number;
}

function positiveInt(args: GptArgs, key: keyof GptArgs): number {
  const v = args[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`gpt: ${key} must be a positive integer, got ${String(v)}`);
  return v;
}

const GPT_KEYS: OptionKeys<GptArgs> = {
  vocabSize: true,
  contextLength: true,
  layers: true,
  heads: true,
  dim: true,
  intermediateDim: true,
  dropout: true,
  norm: true,
  positions: true,
  rotaryBase: true,
  activation: true,
  layerNormEpsilon: true,
  bias: true,
  tieWeights: true,
  seed: true,
  name: true,
};

function shapeOf(args: GptArgs): GptShape {
  checkOptions('gpt', args, GPT_KEYS);
  for (const k of ['vocabSize', 'contextLength', 'layers', 'heads', 'dim'] as const) positiveInt(args, k);
  if (args.dim % args.heads !== 0) throw new Error(`gpt: dim ${args.dim} must divide by heads ${args.heads}`);
  const positions = args.positions ?? 'learned',
    norm = args.norm ?? 'layerNorm',
    activation = args.activation ?? 'geluApprox';
  if (!['learned', 'rotary'].includes(positions))
    throw new Error(`gpt: positions must be 'learned' or 'rotary', got ${JSON.stringify(positions)}`);
  if (!['layerNorm', 'rmsNorm'].includes(norm)) throw new Error(`gpt: norm must be 'layerNorm' or 'rmsNorm', got ${JSON.stringify(norm)}`);
  if (!['geluApprox', 'gelu', 'relu'].includes(activation))
    throw new Error(`gpt: activation must be 'geluApprox', 'gelu' or 'relu', got ${JSON.stringify(activation)}`);
  if (positions === 'rotary' && (args.dim / args.heads) % 2 !== 0)
    throw new Error(`gpt: rotary positions need an even head size, got ${args.dim / args.heads}`);
  const dropout = args.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`gpt: dropout must be in [0, 1), got ${dropout}`);
  return {
    vocabSize: args.vocabSize,
    contextLength: args.contextLength,
    dim: args.dim,
    heads: args.heads,
    intermediateDim: args.intermediateDim ?? 4 * args.dim,
    norm,
    positions,
    activation,
    layerNormEpsilon: args.layerNormEpsilon ?? 1e-5,
    bias: args.bias ?? true,
    dropout,
    rotaryBase: args.rotaryBase ?? 10000,
    seed: args.seed,
  };
}

/**
 * A GPT language model: ids [batch, T] (int32) → next-token logits
 * [batch, T, vocabSize]. Train it with `compile({ loss:
 * 'sparseCategoricalCrossentropy' ... fromLogits })` and `fit` on shifted
 * windows ({@link shiftedWindows}); generate with {@link generate}.
 */
export class GptModel extends LayersModel {
  /** The options it was built from. */
  readonly options: GptArgs;
  /** Resolved sizes shared by its layers. */
  readonly spec: GptShape;
  /** Token (and position) embedding. */
  readonly embedding: GptEmbedding;
  /** The decoder blocks, in order. */
  readonly blocks: GptDecoderBlock[];
  /** Final norm and logits. */
  readonly head: GptHead;

  constructor(args: GptArgs) {
    const spec = shapeOf(args);
    const embedding = new GptEmbedding(spec, { name: 'embedding' });
    const blocks = Array.from({ length: args.layers }, (_, i) => {
      const b = new GptDecoderBlock(spec, i, { name: `h_${i}` });
      b.residualLayers = args.layers;
      return b;
    });
    const head = new GptHead(spec, embedding, args.tieWeights ?? true, { name: 'head' });
    super({ ...tokenStack(embedding, blocks, head), name: args.name ?? 'gpt' });
    this.options = { ...args };
    this.spec = spec;
    this.embedding = embedding;
    this.blocks = blocks;
    this.head = head;
  }

  /** Saved class name. */
  override getClassName() {
    return 'GptModel';
  }

  /**
   * Logits of the new positions ids [B, T] given the cache of the earlier
   * ones (none: a fresh sequence). Returns the logits [B, T, V] and the
   * longer cache; the caller disposes the old cache (see {@link disposeCache}).
   */
  forwardCached(ids: Tensor, cache?: GptCache): GptStep {
    const offset = cache?.length ?? 0;
    let x = this.embedding.embed(ids, offset, false);
    const blocks: KvCache[] = [];
    this.blocks.forEach((b, i) => {
      const r = b.forward(x, { cache: cache?.blocks[i], offset, training: false });
      x = r.y;
      blocks.push(r.cache);
    });
    return { logits: this.head.logits(x), cache: { blocks, length: offset + (ids.shape[1] as number) } };
  }

  /** Number of weights (the tied embedding counted once). */
  parameterCount(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }
}

/** Frees a cache's tensors. */
export function disposeCache(cache: GptCache | undefined): void {
  if (cache) for (const c of cache.blocks) ops.dispose([c.k, c.v]);
}

/** A GPT decoder language model (see {@link GptModel}). */
export function gpt(args: GptArgs): GptModel {
  return new GptModel(args);
}
