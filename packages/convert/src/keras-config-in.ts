// Keras 3 configs (config.json of a .keras file, model_config of an .h5) ->
// the Keras 2 JSON that @wasmml/layers rebuilds models from (tfjs's
// modelTopology). Keras 3 wraps every object as {module, class_name, config,
// registered_name}, writes dtype policies as objects and inbound nodes as
// {args: [__keras_tensor__...], kwargs}; Keras 2 files pass through unchanged.
// Every setting wasmml cannot honour is collected, so one error lists them all.
import { layerClasses } from '@wasmml/layers';

type Json = Record<string, unknown>;

export const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Keras 3 settings that change nothing when they hold their default value, and are dropped. */
const NO_OP_DEFAULTS: Record<string, unknown> = {
  quantization_config: null,
  lora_rank: null,
  lora_alpha: null,
  sparse: false,
  ragged: false,
  optional: false,
  synchronized: false,
  rms_scaling: false,
  groups: 1,
  autocast: true,
  use_cudnn: 'auto',
  input_axes: null,
  output_axes: null,
  use_gate: false,
  sliding_window: null,
};
/** Keras 3 settings that only seed random draws or pick a device path: dropped whatever their value. */
// zero_output_for_mask only decides what masked steps output (Keras sets it inside Bidirectional).
const DROPPED = new Set(['zero_output_for_mask', 'shared_object_id', 'seed', 'use_cudnn', 'build_config', 'registered_name', 'module']);

/** Problems found while translating: each says which layer and what. */
export type Issues = string[];

function isWrapped(v: unknown): v is { class_name: string; config?: unknown; module?: string } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Json).class_name === 'string';
}

/** A setting value: Keras objects unwrapped to {class_name, config}, dtype policies to their name. */
function cleanValue(v: unknown, where: string, issues: Issues): unknown {
  if (Array.isArray(v)) return v.map((x) => cleanValue(x, where, issues));
  if (!v || typeof v !== 'object') return v;
  if (isWrapped(v)) {
    if (v.class_name === 'DTypePolicy' || v.class_name === 'FloatDTypePolicy') return ((v.config ?? {}) as Json).name ?? 'float32';
    if (v.class_name === '__tuple__') return cleanValue((v.config as Json).value, where, issues);
    return { class_name: v.class_name, config: cleanConfig((v.config ?? {}) as Json, where, issues) };
  }
  return cleanConfig(v as Json, where, issues);
}

function cleanConfig(cfg: Json, where: string, issues: Issues): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(cfg)) {
    if (DROPPED.has(k)) continue;
    if (k in NO_OP_DEFAULTS) {
      if (v === NO_OP_DEFAULTS[k] || v === undefined) continue;
      issues.push(`${where}: ${k}=${JSON.stringify(v)} (wasmml supports only ${JSON.stringify(NO_OP_DEFAULTS[k])})`);
      continue;
    }
    out[k] = cleanValue(v, where, issues);
  }
  return out;
}

/** How the file's Keras reads names whose meaning changed between Keras 2 and 3. */
export interface KerasDialect {
  /** Written by Keras 2 (tf.keras): `hard_sigmoid` is clip(0.2 x + 0.5, 0, 1), as wasmml's `hardSigmoid`. */
  keras2: boolean;
}

/** Checks and maps settings wasmml's layers compute differently from Keras, or spell differently. */
function checkSemantics(className: string, cfg: Json, where: string, issues: Issues, dialect: KerasDialect): void {
  if (cfg.data_format === 'channels_first') issues.push(`${where}: data_format='channels_first' (wasmml layers are channels_last)`);
  if (cfg.stateful === true) issues.push(`${where}: stateful=true (wasmml's recurrent layers are not stateful)`);
  for (const k of ['activation', 'recurrent_activation']) {
    // Keras 3 redefined it as relu6(x + 3) / 6, which is our hardSigmoidRelu6; Keras 2's is tfjs's and our hardSigmoid.
    if (cfg[k] === 'hard_sigmoid' && !dialect.keras2) cfg[k] = 'hard_sigmoid_relu6';
  }
  if (className === 'MultiHeadAttention') {
    // [1]: attention over the steps of [batch, steps, features], the only form wasmml has.
    const axes = cfg.attention_axes;
    if (axes !== null && axes !== undefined && JSON.stringify(axes) !== '[1]' && JSON.stringify(axes) !== '1')
      issues.push(`${where}: attention_axes=${JSON.stringify(axes)} (wasmml attends over axis 1 of [batch, steps, features])`);
    delete cfg.attention_axes;
    const out = cfg.output_shape;
    if (Array.isArray(out)) {
      if (out.length === 1 && typeof out[0] === 'number') cfg.output_shape = out[0];
      else issues.push(`${where}: output_shape=${JSON.stringify(out)} (wasmml's output is [batch, steps, n])`);
    }
  }
}

/** [layer, node, tensor] references out of a Keras 3 node's args. */
function tensorRefs(v: unknown, out: unknown[][]): void {
  if (Array.isArray(v)) {
    for (const x of v) tensorRefs(x, out);
    return;
  }
  if (isWrapped(v) && v.class_name === '__keras_tensor__') {
    const h = (v.config as Json).keras_history as [string, number, number];
    out.push([h[0], h[1], h[2]]);
  }
}

/** Tensors a layer may take by keyword, in the order they follow the positional ones (MultiHeadAttention(query, value, key)). */
const TENSOR_KWARGS: Record<string, string[]> = { MultiHeadAttention: ['value', 'key'] };

function inboundNodes(nodes: unknown, kwargsIssues: (k: string) => void, className = ''): unknown[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.map((n) => {
    if (Array.isArray(n)) return n; // Keras 2: already [[name, node, tensor, kwargs], ...]
    const node = n as { args?: unknown; kwargs?: Json };
    const refs: unknown[][] = [];
    tensorRefs(node.args, refs);
    for (const k of TENSOR_KWARGS[className] ?? []) if (node.kwargs?.[k]) tensorRefs(node.kwargs[k], refs);
    const kwargs: Json = {};
    for (const [k, v] of Object.entries(node.kwargs ?? {})) {
      if (k === 'mask' || k === 'training' || v === null || TENSOR_KWARGS[className]?.includes(k)) continue;
      if (['number', 'string', 'boolean'].includes(typeof v)) kwargs[k] = v;
      else kwargsIssues(k);
    }
    return refs.map((r) => [...r, kwargs]);
  });
}

/** A [name, node, tensor] or a list of them -> a list of them. */
function refList(v: unknown): unknown[] {
  if (!Array.isArray(v)) return [];
  return typeof v[0] === 'string' ? [v] : v;
}

function translateLayer(entry: Json, issues: Issues, dialect: KerasDialect): Json {
  const className = String(entry.class_name);
  const cfg = (entry.config ?? {}) as Json;
  const name = String(entry.name ?? cfg.name ?? '?');
  const where = `layer '${name}' (${className})`;
  if (MODEL_CLASSES.has(className)) {
    return {
      class_name: className === 'Sequential' ? 'Sequential' : 'Model',
      name,
      config: translateModelConfig(className, cfg, issues, dialect),
      inbound_nodes: inboundNodes(entry.inbound_nodes, () => {}),
    };
  }
  let config: Json;
  if (className === 'Bidirectional') {
    const { layer, backward_layer: _backward, ...rest } = cfg;
    config = cleanConfig(rest, where, issues);
    const inner = translateLayer(layer as Json, issues, dialect);
    config.layer = { class_name: inner.class_name, config: inner.config };
  } else {
    if (!(className in layerClasses)) issues.push(`${where}: wasmml has no layer class '${className}'`);
    config = cleanConfig(cfg, where, issues);
    checkSemantics(className, config, where, issues, dialect);
  }
  return {
    class_name: className,
    name,
    config,
    inbound_nodes: inboundNodes(entry.inbound_nodes, (k) => issues.push(`${where}: call argument '${k}' is not a plain value`), className),
  };
}

function translateModelConfig(className: string, cfg: Json, issues: Issues, dialect: KerasDialect): Json {
  const layers = Array.isArray(cfg.layers) ? cfg.layers : Array.isArray(cfg) ? cfg : null;
  if (!layers) {
    issues.push(`model '${String(cfg.name)}' (${className}): its config has no layers list`);
    return { name: cfg.name, layers: [] };
  }
  const out: Json = { name: cfg.name, layers: layers.map((l) => translateLayer(l as Json, issues, dialect)) };
  if (className !== 'Sequential') {
    out.input_layers = refList(cfg.input_layers);
    out.output_layers = refList(cfg.output_layers);
  }
  return out;
}

/** A Keras 2 or 3 model config -> {modelTopology for @wasmml/layers, issues}. */
export function kerasConfigToTopology(config: Json, dialect: KerasDialect = { keras2: false }): { topology: Json; issues: Issues } {
  const issues: Issues = [];
  const className = String(config.class_name);
  if (!MODEL_CLASSES.has(className)) {
    issues.push(`the file holds a '${className}', not a Sequential or functional model`);
    return { topology: {}, issues };
  }
  const inner = translateModelConfig(className, (config.config ?? {}) as Json, issues, dialect);
  return { topology: { class_name: className === 'Sequential' ? 'Sequential' : 'Model', config: inner }, issues };
}
