// Our model's Keras JSON (tfjs modelTopology, Keras 2 shape) -> a Keras 3
// config.json: objects wrapped with their module, inbound nodes as
// __keras_tensor__ args, the input shape on an explicit InputLayer. What Keras
// 3 would compute differently is collected, and one error lists it all.
type Json = Record<string, unknown>;
type Issues = string[];

/** Keras 2 / tfjs settings Keras 3 constructors reject (unknown keyword arguments). */
const NOT_IN_KERAS3 = new Set(['implementation', 'batch_input_shape', 'input_dtype', 'time_major', 'recurrent_activation_initializer']);

function moduleFor(key: string): string | undefined {
  if (key.endsWith('initializer')) return 'keras.initializers';
  if (key.endsWith('regularizer')) return 'keras.regularizers';
  if (key.endsWith('constraint')) return 'keras.constraints';
  return undefined;
}

/** Keras 3 fixes these initializers' scale, mode and distribution; tfjs writes them out and Keras rejects them. */
const FIXED_VARIANCE_SCALING = new Set(['GlorotUniform', 'GlorotNormal', 'HeUniform', 'HeNormal', 'LecunUniform', 'LecunNormal']);

function wrap(module: string, v: { class_name: string; config?: unknown }): Json {
  let config = (v.config ?? {}) as Json;
  if (FIXED_VARIANCE_SCALING.has(v.class_name)) config = { seed: config.seed ?? null };
  return { module, class_name: v.class_name, config, registered_name: null };
}

/** Our activation names (as saved) whose Keras 3 name differs. */
const ACTIVATIONS_OUT: Record<string, string> = { hard_sigmoid_relu6: 'hard_sigmoid' };

function layerConfig(className: string, cfg: Json, issues: Issues): Json {
  const where = `layer '${String(cfg.name)}' (${className})`;
  const out: Json = {};
  for (const [k, v] of Object.entries(cfg)) {
    if (NOT_IN_KERAS3.has(k)) continue;
    const m = moduleFor(k);
    if (m && v && typeof v === 'object' && typeof (v as Json).class_name === 'string') out[k] = wrap(m, v as { class_name: string });
    else if (k === 'layer' && className === 'Bidirectional') {
      const inner = v as { class_name: string; config: Json };
      out[k] = wrap('keras.layers', { class_name: inner.class_name, config: layerConfig(inner.class_name, inner.config, issues) });
    } else if ((k === 'activation' || k === 'recurrent_activation') && typeof v === 'string') {
      // Keras 3's hard_sigmoid is relu6(x + 3) / 6: tfjs's clip(0.2 x + 0.5, 0, 1) has no Keras 3 name.
      if (v === 'hard_sigmoid')
        issues.push(
          `${where}: ${k}='hardSigmoid' is tfjs's clip(0.2 x + 0.5, 0, 1), which Keras 3 does not have (its hard_sigmoid is relu6(x + 3) / 6, our 'hardSigmoidRelu6'); build the layer with 'sigmoid' or 'hardSigmoidRelu6'`,
        );
      out[k] = ACTIVATIONS_OUT[v] ?? v;
    } else out[k] = v;
  }
  // Layers saved before GRU had the setting computed the reset-before form.
  if (className === 'GRU') out.reset_after ??= false;
  // A layer's dtype is its weights' dtype in Keras; ours may carry the int32 of the ids it takes (Embedding after an int input).
  if (out.dtype !== undefined && out.dtype !== 'float32') out.dtype = 'float32';
  return out;
}

function inputLayer(name: string, shape: unknown, dtype: unknown): Json {
  return {
    module: 'keras.layers',
    class_name: 'InputLayer',
    registered_name: null,
    name,
    inbound_nodes: [],
    config: { batch_shape: shape, dtype: dtype ?? 'float32', sparse: false, name },
  };
}

/** Shape and dtype of output `tensor` of application `node` of a layer (Keras 3 records them on every reference). */
export type TensorInfo = (layer: string, node: number, tensor: number) => { shape: Array<number | null>; dtype: string };

function tensorArg(ref: unknown[], info: TensorInfo): Json {
  const { shape, dtype } = info(String(ref[0]), Number(ref[1]), Number(ref[2]));
  return { class_name: '__keras_tensor__', config: { shape, dtype, keras_history: [ref[0], ref[1], ref[2]] } };
}

/** Layers called with a list of tensors as one argument (merge layers) vs. as separate arguments. */
const SPREAD_ARGS = new Set(['MultiHeadAttention']);

function layerEntry(l: Json, info: TensorInfo, issues: Issues): Json {
  const className = String(l.class_name);
  const cfg = (l.config ?? {}) as Json;
  if (className === 'Sequential' || className === 'Model')
    return { ...modelEntry(l, info, issues), name: cfg.name, inbound_nodes: nodes(l, className, info) };
  if (className === 'InputLayer') return inputLayer(String(cfg.name), cfg.batch_input_shape, cfg.dtype);
  return {
    module: 'keras.layers',
    class_name: className,
    config: layerConfig(className, cfg, issues),
    registered_name: null,
    name: cfg.name ?? l.name,
    inbound_nodes: nodes(l, className, info),
  };
}

function nodes(l: Json, className: string, info: TensorInfo): Json[] {
  const list = (l.inbound_nodes ?? []) as unknown[][][];
  return list.map((refs) => {
    const args = refs.map((r) => tensorArg(r, info));
    const kwargs = (refs[0]?.[3] ?? {}) as Json;
    // Keras's MultiHeadAttention takes query and value; ours, one tensor for self-attention.
    if (className === 'MultiHeadAttention' && args.length === 1) args.push(args[0]!);
    return { args: args.length === 1 || SPREAD_ARGS.has(className) ? args : [args], kwargs };
  });
}

function modelEntry(top: Json, info: TensorInfo, issues: Issues): Json {
  const className = String(top.class_name);
  const cfg = (top.config ?? {}) as Json;
  const layers = (cfg.layers ?? []) as Json[];
  if (className === 'Sequential') {
    const first = (layers[0]?.config ?? {}) as Json;
    const input = first.batch_input_shape;
    const entries = layers.map((l) => layerEntry(l, info, issues));
    if (input) entries.unshift(inputLayer(`${String(cfg.name)}_input`, input, first.dtype));
    return {
      module: 'keras',
      class_name: 'Sequential',
      registered_name: null,
      config: { name: cfg.name, trainable: true, layers: entries },
      ...(input ? { build_config: { input_shape: input } } : {}),
    };
  }
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    registered_name: 'Functional',
    config: {
      name: cfg.name,
      trainable: true,
      layers: layers.map((l) => layerEntry(l, info, issues)),
      input_layers: cfg.input_layers,
      output_layers: cfg.output_layers,
    },
  };
}

/** config.json content for a model topology as @wasmml/layers writes it; throws one error listing what Keras 3 would compute differently. */
export function topologyToKerasConfig(topology: Json, tensorInfo: TensorInfo, modelName: string): Json {
  const issues: Issues = [];
  const config = modelEntry(topology, tensorInfo, issues);
  if (issues.length) throw new Error(`saveKerasModel: ${modelName} cannot be saved for Keras 3:\n  - ${issues.join('\n  - ')}`);
  return config;
}
