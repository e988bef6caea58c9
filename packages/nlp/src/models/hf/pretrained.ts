// Hugging Face checkpoints as `save_pretrained` writes them: config.json,
// model.safetensors and (optionally) tokenizer.json, for the GPT-2 and BERT
// architectures — from a directory, a URL (downloaded once into the cache, as
// the dataset loaders do) or bytes, and back to the same files.
import { openLocation, type DataLocation, type DownloadOptions } from '@wasmml/datasets';
import { readSafetensors, safetensorsToFloat32, writeSafetensors, type SafetensorsFile, type SafetensorsInput } from '@wasmml/layers';
import type { Variable } from '@wasmml/tensor';
import { PretrainedTokenizer } from '../../text/hf/tokenizer.js';
import { bertArgsFromConfig, bertConfigOf, bertWeightNames, loadBertWeights, type BertConfig } from '../bert/hf-bert.js';
import { BertModel } from '../bert/model.js';
import {
  gpt2ConfigOf,
  gpt2WeightNames,
  gptArgsFromGpt2Config,
  loadGpt2Weights,
  type CheckpointTensor,
  type CheckpointTensors,
  type Gpt2Config,
} from '../gpt/hf-gpt2.js';
import { GptModel } from '../gpt/model.js';
import * as ops from '@wasmml/tensor';

/** The architectures {@link loadPretrained} builds. */
export type PretrainedArchitecture = 'gpt2' | 'bert';
const KNOWN: Record<string, PretrainedArchitecture> = {
  gpt2: 'gpt2',
  GPT2LMHeadModel: 'gpt2',
  GPT2Model: 'gpt2',
  bert: 'bert',
  BertModel: 'bert',
  BertForMaskedLM: 'bert',
  BertForSequenceClassification: 'bert',
  BertForPreTraining: 'bert',
};

/** A loaded checkpoint. */
export interface Pretrained {
  /** Which model class was built. */
  architecture: PretrainedArchitecture;
  /** The parsed config.json. */
  config: Record<string, unknown>;
  /** The model, with the checkpoint weights. */
  model: GptModel | BertModel;
  /** From tokenizer.json, when the checkpoint has one. */
  tokenizer?: PretrainedTokenizer;
}

/** The files of a checkpoint, as bytes (or text for the JSON files). */
export interface PretrainedFiles {
  /** The model configuration. */
  'config.json': Uint8Array | string;
  /** The weights. */
  'model.safetensors': Uint8Array;
  /** The tokenizer, when there is one. */
  'tokenizer.json'?: Uint8Array | string;
}

const text = (b: Uint8Array | string) => (typeof b === 'string' ? b : new TextDecoder().decode(b));
const FLOAT = new Set(['F32', 'F16', 'BF16', 'F64']);

function architectureOf(config: Record<string, unknown>): PretrainedArchitecture {
  const names = [config.model_type, ...((config.architectures as unknown[] | undefined) ?? [])].filter(
    (n): n is string => typeof n === 'string',
  );
  for (const n of names) {
    const a = KNOWN[n];
    if (a) return a;
  }
  throw new Error(
    `loadPretrained: unsupported architecture ${JSON.stringify(names)} in config.json; supported: model_type 'gpt2' or 'bert'`,
  );
}

// Converted to float32 on first use, so tensors the model does not read cost nothing.
function lazyTensors(file: SafetensorsFile): CheckpointTensors {
  const done = new Map<string, CheckpointTensor>();
  return {
    get(name) {
      const hit = done.get(name);
      if (hit) return hit;
      const t = file.tensors.get(name);
      if (!t) return undefined;
      if (!FLOAT.has(t.dtype))
        throw new Error(`loadPretrained: tensor ${name} has dtype ${t.dtype}; expected a float type (F32, F16, BF16, F64)`);
      const c = { shape: t.shape, data: safetensorsToFloat32(t) };
      done.set(name, c);
      return c;
    },
  };
}

/** A model (and tokenizer) from checkpoint files in memory. */
export function pretrainedFromFiles(files: PretrainedFiles): Pretrained {
  if (files['config.json'] === undefined) throw new Error('loadPretrained: the checkpoint has no config.json');
  if (files['model.safetensors'] === undefined) throw new Error('loadPretrained: the checkpoint has no model.safetensors');
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(text(files['config.json'])) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`loadPretrained: config.json is not valid JSON (${(e as Error).message})`);
  }
  const architecture = architectureOf(config);
  const tensors = lazyTensors(readSafetensors(files['model.safetensors']));
  let model: GptModel | BertModel;
  if (architecture === 'gpt2') {
    model = new GptModel(gptArgsFromGpt2Config(config as Gpt2Config));
    model.predict(ops.zeros([1, 1], 'int32'));
    loadGpt2Weights(model, tensors);
  } else {
    model = new BertModel(bertArgsFromConfig(config as BertConfig));
    model.predict(ops.zeros([1, 1], 'int32'));
    loadBertWeights(model, tensors);
  }
  const tok = files['tokenizer.json'];
  return { architecture, config, model, ...(tok !== undefined ? { tokenizer: PretrainedTokenizer.fromJSON(text(tok)) } : {}) };
}

/**
 * A checkpoint from a directory or URL holding config.json, model.safetensors
 * and optionally tokenizer.json (a URL is downloaded once into the cache), or
 * from the files' bytes.
 */
export async function loadPretrained(source: DataLocation | PretrainedFiles, options: DownloadOptions = {}): Promise<Pretrained> {
  if (
    typeof source === 'object' &&
    !(source instanceof URL) &&
    !(source instanceof Uint8Array) &&
    !(source instanceof ArrayBuffer) &&
    !(typeof Blob !== 'undefined' && source instanceof Blob)
  ) {
    return pretrainedFromFiles(source as PretrainedFiles);
  }
  const base = String(source instanceof URL ? source.href : source).replace(/\/+$/, '');
  const read = (name: string) =>
    openLocation(`${base}/${name}`, { ...options, subdir: options.subdir ?? cacheName(base) }).then((r) => r.bytes());
  // config.json first: a missing checkpoint is reported by its first file, not by
  // whichever read loses the race, and a wrong address fails before the weights download.
  const config = await read('config.json');
  const weights = await read('model.safetensors');
  const tokenizer = await read('tokenizer.json').catch(() => undefined);
  return pretrainedFromFiles({
    'config.json': config,
    'model.safetensors': weights,
    ...(tokenizer ? { 'tokenizer.json': tokenizer } : {}),
  });
}

// One cache folder per checkpoint address.
function cacheName(base: string): string {
  return `hf-${base
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(-100)}`;
}

/** The files `save_pretrained` would write for `model` (GPT-2 or BERT shaped), and tokenizer.json when given. */
export function pretrainedToFiles(model: GptModel | BertModel, tokenizer?: PretrainedTokenizer): Record<string, Uint8Array> {
  const enc = new TextEncoder();
  const tensors: Record<string, SafetensorsInput> = {};
  const put = (name: string, v: Variable, transposed: boolean) => {
    const t = transposed ? ops.tidy(() => ops.transpose(v)) : v;
    tensors[name] = { shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) };
    if (t !== v) t.dispose();
  };
  let config: object;
  if (model instanceof GptModel) {
    config = gpt2ConfigOf(model);
    for (const [name, v] of gpt2WeightNames(model)) put(name, v, name === 'lm_head.weight');
  } else {
    config = bertConfigOf(model);
    for (const [name, [v, transposed]] of bertWeightNames(model)) put(name, v, transposed);
  }
  const files: Record<string, Uint8Array> = {
    'config.json': enc.encode(JSON.stringify(config, null, 2)),
    'model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
  };
  if (tokenizer) files['tokenizer.json'] = enc.encode(JSON.stringify(tokenizer.toJSON()));
  return files;
}
