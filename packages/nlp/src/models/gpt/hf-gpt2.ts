// Hugging Face GPT-2 checkpoints (GPT2LMHeadModel's config.json and weight
// names) mapped onto GptModel. GPT-2 stores its projections as Conv1D
// weights, [in, out], the layout our kernels use, so no tensor is transposed.
import * as ops from '@wasmml/tensor';
import type { Variable } from '@wasmml/tensor';
import type { GptModel, GptArgs } from './model.js';

/** The config.json fields of a GPT-2 checkpoint that shape the model. */
export interface Gpt2Config {
  /** Must be 'gpt2' when given. */
  model_type?: string;
  /** Model classes the checkpoint was saved from (GPT2LMHeadModel). */
  architectures?: string[];
  /** Number of token ids. */
  vocab_size: number;
  /** Context length. */
  n_positions: number;
  /** Width of the residual stream. */
  n_embd: number;
  /** Number of decoder blocks. */
  n_layer: number;
  /** Attention heads per block. */
  n_head: number;
  /** Feed-forward width (null: 4·n_embd). */
  n_inner?: number | null;
  /** Feed-forward activation ('gelu_new' is GPT-2's tanh GELU). */
  activation_function?: string;
  /** Epsilon of the LayerNorms. */
  layer_norm_epsilon?: number;
  /** Whether logits go through the token embedding. */
  tie_word_embeddings?: boolean;
  [key: string]: unknown;
}

const ACTIVATIONS: Record<string, GptArgs['activation']> = {
  gelu_new: 'geluApprox',
  gelu_pytorch_tanh: 'geluApprox',
  gelu: 'gelu',
  relu: 'relu',
};

/** GptArgs of a GPT-2 config.json; an unknown model type or activation throws, naming it. */
export function gptArgsFromGpt2Config(config: Gpt2Config): GptArgs {
  if (config.model_type !== undefined && config.model_type !== 'gpt2') {
    throw new Error(`gpt2 config: model_type ${JSON.stringify(config.model_type)} is not 'gpt2'`);
  }
  for (const k of ['vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head'] as const) {
    if (!Number.isInteger(config[k]) || config[k] < 1)
      throw new Error(`gpt2 config: ${k} must be a positive integer, got ${JSON.stringify(config[k])}`);
  }
  const act = config.activation_function ?? 'gelu_new';
  const activation = ACTIVATIONS[act];
  if (activation === undefined)
    throw new Error(`gpt2 config: activation_function ${JSON.stringify(act)} is not one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  return {
    vocabSize: config.vocab_size,
    contextLength: config.n_positions,
    dim: config.n_embd,
    layers: config.n_layer,
    heads: config.n_head,
    ...(config.n_inner ? { intermediateDim: config.n_inner } : {}),
    activation,
    layerNormEpsilon: config.layer_norm_epsilon ?? 1e-5,
    tieWeights: config.tie_word_embeddings ?? true,
  };
}

/** The config.json of a GptModel built with GPT-2's choices (learned positions, LayerNorm, biases). */
export function gpt2ConfigOf(model: GptModel): Gpt2Config {
  const s = model.spec;
  if (s.positions !== 'learned' || s.norm !== 'layerNorm' || !s.bias) {
    throw new Error(
      `gpt2 config: only learned positions, LayerNorm and biases are GPT-2 (this model has ${s.positions}, ${s.norm}, bias ${s.bias})`,
    );
  }
  const act = Object.entries(ACTIVATIONS).find(([, v]) => v === s.activation)?.[0] ?? 'gelu_new';
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: s.vocabSize,
    n_positions: s.contextLength,
    n_embd: s.dim,
    n_layer: model.blocks.length,
    n_head: s.heads,
    n_inner: s.intermediateDim,
    activation_function: act,
    layer_norm_epsilon: s.layerNormEpsilon,
    tie_word_embeddings: model.options.tieWeights ?? true,
  };
}

/** Checkpoint name → our variable, for every weight of `model`. */
export function gpt2WeightNames(model: GptModel): Map<string, Variable> {
  const names = new Map<string, Variable>();
  // By the name each layer gave its weight (variable names may carry a _N suffix when models share names).
  const own = new Map<string, Variable>();
  for (const l of [model.embedding, ...model.blocks, model.head]) for (const w of l.namedWeights) own.set(w.originalName, w.variable);
  const get = (ours: string): Variable => {
    const v = own.get(ours);
    if (v === undefined) throw new Error(`gpt2: the model has no weight ${ours}`);
    return v;
  };
  const e = model.embedding.name;
  names.set('transformer.wte.weight', get(`${e}/wte`));
  names.set('transformer.wpe.weight', get(`${e}/wpe`));
  model.blocks.forEach((b, i) => {
    const p = `transformer.h.${i}`,
      o = b.name;
    for (const [hf, ours] of [
      ['ln_1.weight', 'ln_1/gamma'],
      ['ln_1.bias', 'ln_1/beta'],
      ['attn.c_attn.weight', 'attn/c_attn/kernel'],
      ['attn.c_attn.bias', 'attn/c_attn/bias'],
      ['attn.c_proj.weight', 'attn/c_proj/kernel'],
      ['attn.c_proj.bias', 'attn/c_proj/bias'],
      ['ln_2.weight', 'ln_2/gamma'],
      ['ln_2.bias', 'ln_2/beta'],
      ['mlp.c_fc.weight', 'mlp/c_fc/kernel'],
      ['mlp.c_fc.bias', 'mlp/c_fc/bias'],
      ['mlp.c_proj.weight', 'mlp/c_proj/kernel'],
      ['mlp.c_proj.bias', 'mlp/c_proj/bias'],
    ] as const) {
      names.set(`${p}.${hf}`, get(`${o}/${ours}`));
    }
  });
  names.set('transformer.ln_f.weight', get(`${model.head.name}/ln_f/gamma`));
  names.set('transformer.ln_f.bias', get(`${model.head.name}/ln_f/beta`));
  if (!(model.options.tieWeights ?? true)) names.set('lm_head.weight', get(`${model.head.name}/lm_head/kernel`));
  return names;
}

/** A checkpoint tensor: float values and shape. */
export interface CheckpointTensor {
  /** Dimensions, as stored. */
  shape: number[];
  /** Values, row-major. */
  data: Float32Array;
}

/** Checkpoint tensors by name (a Map, or a lazy view over a safetensors file). */
export interface CheckpointTensors {
  /** The tensor of that name, or undefined. */
  get(name: string): CheckpointTensor | undefined;
}

/**
 * Assigns checkpoint tensors (by Hugging Face name; a leading "transformer."
 * may be absent, as in GPT2Model files) to the model's weights. Every name the
 * model needs must be there with the right shape; nothing is assigned unless
 * all are. Tensors the model does not use (attention bias buffers, a tied
 * lm_head) are ignored.
 */
export function loadGpt2Weights(model: GptModel, tensors: CheckpointTensors): void {
  const find = (name: string) => tensors.get(name) ?? tensors.get(name.replace(/^transformer\./, ''));
  const plan: Array<[Variable, CheckpointTensor]> = [];
  const problems: string[] = [];
  for (const [name, v] of gpt2WeightNames(model)) {
    const t = find(name);
    if (t === undefined) {
      problems.push(`${name}: missing (expected [${v.shape}])`);
      continue;
    }
    let shape = t.shape;
    if (name === 'lm_head.weight') shape = [...t.shape].reverse(); // nn.Linear keeps [out, in]
    if (shape.join() !== v.shape.join()) {
      problems.push(`${name}: shape [${t.shape}], expected [${v.shape}]`);
      continue;
    }
    plan.push([v, t]);
  }
  if (problems.length) throw new Error(`gpt2 checkpoint does not fit the model:\n  ${problems.join('\n  ')}`);
  for (const [v, t] of plan) {
    const values =
      v.shape.length === 2 && t.shape[0] !== v.shape[0]
        ? ops.tidy(() => ops.transpose(ops.tensor(t.data, t.shape)).dataSync() as Float32Array)
        : t.data;
    ops.tidy(() => v.assign(ops.tensor(values, v.shape)));
  }
}
