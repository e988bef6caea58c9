// Hugging Face BERT checkpoints (BertModel's config.json and weight names)
// mapped onto BertModel. nn.Linear keeps weights as [out, in]; our kernels
// are [in, out], so those are transposed on the way in and out.
import * as ops from '@wasmml/tensor';
import type { Variable } from '@wasmml/tensor';
import type { CheckpointTensor, CheckpointTensors } from '../gpt/hf-gpt2.js';
import type { BertArgs, BertModel } from './model.js';

/** The config.json fields of a BERT checkpoint that shape the model. */
export interface BertConfig {
  /** Must be 'bert' when given. */
  model_type?: string;
  /** Number of token ids. */
  vocab_size: number;
  /** Width of the hidden states. */
  hidden_size: number;
  /** Number of encoder blocks. */
  num_hidden_layers: number;
  /** Attention heads per block. */
  num_attention_heads: number;
  /** Feed-forward width. */
  intermediate_size: number;
  /** Longest input. */
  max_position_embeddings: number;
  /** Number of segment ids. */
  type_vocab_size?: number;
  /** Epsilon of the LayerNorms. */
  layer_norm_eps?: number;
  /** Feed-forward activation ('gelu' is the exact GELU). */
  hidden_act?: string;
  /** The padding id, masked out of attention. */
  pad_token_id?: number;
  /** Dropout while training. */
  hidden_dropout_prob?: number;
  [key: string]: unknown;
}

const ACTIVATIONS: Record<string, string> = { gelu: 'gelu', gelu_new: 'gelu_new', relu: 'relu', tanh: 'tanh' };

/** BertArgs of a BERT config.json; an unknown model type or activation throws, naming it. */
export function bertArgsFromConfig(config: BertConfig): BertArgs {
  if (config.model_type !== undefined && config.model_type !== 'bert') {
    throw new Error(`bert config: model_type ${JSON.stringify(config.model_type)} is not 'bert'`);
  }
  for (const k of [
    'vocab_size',
    'hidden_size',
    'num_hidden_layers',
    'num_attention_heads',
    'intermediate_size',
    'max_position_embeddings',
  ] as const) {
    if (!Number.isInteger(config[k]) || config[k] < 1)
      throw new Error(`bert config: ${k} must be a positive integer, got ${JSON.stringify(config[k])}`);
  }
  const act = config.hidden_act ?? 'gelu';
  const activation = ACTIVATIONS[act];
  if (activation === undefined)
    throw new Error(`bert config: hidden_act ${JSON.stringify(act)} is not one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  return {
    vocabSize: config.vocab_size,
    hiddenSize: config.hidden_size,
    layers: config.num_hidden_layers,
    heads: config.num_attention_heads,
    intermediateSize: config.intermediate_size,
    maxPositions: config.max_position_embeddings,
    typeVocabSize: config.type_vocab_size ?? 2,
    layerNormEpsilon: config.layer_norm_eps ?? 1e-12,
    activation,
    padTokenId: config.pad_token_id ?? 0,
    dropout: config.hidden_dropout_prob ?? 0.1,
  };
}

/** The config.json of a BertModel. */
export function bertConfigOf(model: BertModel): BertConfig {
  const s = model.embeddings.spec;
  return {
    model_type: 'bert',
    architectures: ['BertModel'],
    vocab_size: s.vocabSize,
    hidden_size: s.hiddenSize,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    intermediate_size: s.intermediateSize,
    max_position_embeddings: s.maxPositions,
    type_vocab_size: s.typeVocabSize,
    layer_norm_eps: s.layerNormEpsilon,
    hidden_act: s.activation,
    pad_token_id: s.padTokenId,
    hidden_dropout_prob: s.dropout,
  };
}

/** Checkpoint name → [our variable, whether the checkpoint holds it transposed]. */
export function bertWeightNames(model: BertModel): Map<string, [Variable, boolean]> {
  const own = new Map<string, Variable>();
  for (const l of [model.embeddings, ...model.encoderBlocks, model.pooler])
    for (const w of l.namedWeights) own.set(w.originalName, w.variable);
  const get = (ours: string): Variable => {
    const v = own.get(ours);
    if (v === undefined) throw new Error(`bert: the model has no weight ${ours}`);
    return v;
  };
  const names = new Map<string, [Variable, boolean]>();
  const e = model.embeddings.name;
  for (const [hf, ours] of [
    ['word_embeddings.weight', 'word_embeddings'],
    ['position_embeddings.weight', 'position_embeddings'],
    ['token_type_embeddings.weight', 'token_type_embeddings'],
    ['LayerNorm.weight', 'LayerNorm/gamma'],
    ['LayerNorm.bias', 'LayerNorm/beta'],
  ] as const) {
    names.set(`embeddings.${hf}`, [get(`${e}/${ours}`), false]);
  }
  model.encoderBlocks.forEach((b, i) => {
    const p = `encoder.layer.${i}`,
      o = b.name;
    for (const [hf, ours, t] of [
      ['attention.self.query.weight', 'self_attention/query/kernel', true],
      ['attention.self.query.bias', 'self_attention/query/bias', false],
      ['attention.self.key.weight', 'self_attention/key/kernel', true],
      ['attention.self.key.bias', 'self_attention/key/bias', false],
      ['attention.self.value.weight', 'self_attention/value/kernel', true],
      ['attention.self.value.bias', 'self_attention/value/bias', false],
      ['attention.output.dense.weight', 'self_attention/attention_output/kernel', true],
      ['attention.output.dense.bias', 'self_attention/attention_output/bias', false],
      ['attention.output.LayerNorm.weight', 'layer_norm_0/gamma', false],
      ['attention.output.LayerNorm.bias', 'layer_norm_0/beta', false],
      ['intermediate.dense.weight', 'feedforward_intermediate_dense/kernel', true],
      ['intermediate.dense.bias', 'feedforward_intermediate_dense/bias', false],
      ['output.dense.weight', 'feedforward_output_dense/kernel', true],
      ['output.dense.bias', 'feedforward_output_dense/bias', false],
      ['output.LayerNorm.weight', 'layer_norm_1/gamma', false],
      ['output.LayerNorm.bias', 'layer_norm_1/beta', false],
    ] as const)
      names.set(`${p}.${hf}`, [get(`${o}/${ours}`), t]);
  });
  names.set('pooler.dense.weight', [get(`${model.pooler.name}/dense/kernel`), true]);
  names.set('pooler.dense.bias', [get(`${model.pooler.name}/dense/bias`), false]);
  return names;
}

/**
 * Assigns checkpoint tensors (by Hugging Face name; a leading "bert." as in
 * BertFor* files is accepted) to the model's weights. All must be present
 * with the right shapes or nothing is assigned; heads the model lacks
 * (cls.predictions, classifier) are ignored.
 */
export function loadBertWeights(model: BertModel, tensors: CheckpointTensors): void {
  const find = (name: string) => tensors.get(name) ?? tensors.get(`bert.${name}`);
  const plan: Array<[Variable, CheckpointTensor, boolean]> = [];
  const problems: string[] = [];
  for (const [name, [v, transposed]] of bertWeightNames(model)) {
    const t = find(name);
    if (t === undefined) {
      problems.push(`${name}: missing (expected [${transposed ? [...v.shape].reverse() : v.shape}])`);
      continue;
    }
    const shape = transposed ? [...t.shape].reverse() : t.shape;
    if (shape.join() !== v.shape.join()) {
      problems.push(`${name}: shape [${t.shape}], expected [${transposed ? [...v.shape].reverse() : v.shape}]`);
      continue;
    }
    plan.push([v, t, transposed]);
  }
  if (problems.length) throw new Error(`bert checkpoint does not fit the model:\n  ${problems.join('\n  ')}`);
  for (const [v, t, transposed] of plan) {
    ops.tidy(() => v.assign(transposed ? ops.transpose(ops.tensor(t.data, t.shape)) : ops.tensor(t.data, v.shape)));
  }
}
