// Keras JSON (tfjs modelTopology) -> a model of our layers: layers by saved
// class name from `layerClasses`, configs converted to camelCase constructor
// arguments, functional graphs replayed node by node.
import { zeros } from '@wasmml/tensor';
import type { Initializer } from '../initializers.js';
import type { Layer } from '../layer.js';
import { layerClasses } from '../layers/index.js';
import { InputLayer } from '../layers/input.js';
import { Bidirectional, type RNNBase } from '../layers/recurrent.js';
import { LayersModel } from '../model.js';
import { Sequential } from '../sequential.js';
import type { SymbolicTensor } from '../symbolic.js';
import { fromKeras } from './keras-names.js';

type Config = Record<string, unknown>;
interface LayerSpec {
  className: string;
  config: Config;
  name?: string;
  inboundNodes?: unknown[];
}
/** [layer name, node index, tensor index, kwargs?] */
type TensorRef = [string, number, number, Config?];

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

/** State of one rebuild: the layers made so far (freed if it fails) and whether weights will be loaded. */
interface Ctx {
  created: Layer[];
  fastInit: boolean;
}

/** Records a new layer so a failed rebuild can free what it made. */
function keep<T extends Layer>(ctx: Ctx, layer: T): T {
  ctx.created.push(layer);
  return layer;
}

function fail(msg: string): never {
  throw new Error(`loadLayersModel: ${msg}`);
}

/**
 * An initializer that reports the saved one (so the model saves back the same)
 * but makes zeros: the loaded values replace them at once, and drawing random
 * numbers for every weight would cost more than reading the file (tfjs's
 * fastWeightInit does the same).
 */
function placeholderInit(saved: { className: string; config?: Config }): Initializer {
  return { className: saved.className, getConfig: () => ({ ...(saved.config ?? {}) }), apply: (shape, dtype) => zeros(shape, dtype) };
}

/** Constructor arguments from a saved config: nulls mean "default" and are dropped. */
function layerArgs(className: string, config: Config, fastInit: boolean): Config {
  const args: Config = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === null || v === undefined) continue;
    const isInit =
      fastInit && k.endsWith('Initializer') && typeof v === 'object' && typeof (v as { className?: unknown }).className === 'string';
    args[k] = isInit ? placeholderInit(v as { className: string; config?: Config }) : v;
  }
  // Keras 3 spellings of the same settings.
  if (args.batchShape && !args.batchInputShape) args.batchInputShape = args.batchShape;
  if (args.dtype && typeof args.dtype === 'object') args.dtype = (args.dtype as { config?: { name?: string } }).config?.name ?? 'float32';
  if (args.stateful === true) fail(`layer '${String(args.name)}' (${className}) is stateful, which wasmml does not support`);
  return args;
}

function createLayer(spec: LayerSpec, ctx: Ctx): Layer {
  if (!spec || typeof spec.className !== 'string') fail(`a layer entry has no class_name: ${JSON.stringify(spec).slice(0, 200)}`);
  const cfg = (spec.config ?? {}) as Config;
  if (MODEL_CLASSES.has(spec.className)) return buildModel(spec.className, cfg, ctx);
  const args = layerArgs(spec.className, cfg, ctx.fastInit);
  const name = String(args.name ?? spec.name ?? '?');
  try {
    if (spec.className === 'Bidirectional') {
      const inner = createLayer(args.layer as LayerSpec, ctx) as RNNBase;
      return keep(ctx, new Bidirectional({ ...args, layer: inner } as ConstructorParameters<typeof Bidirectional>[0]));
    }
    const Ctor = layerClasses[spec.className];
    if (!Ctor)
      fail(`layer '${name}' has class '${spec.className}', which wasmml does not have (known: ${Object.keys(layerClasses).join(', ')})`);
    return keep(ctx, new Ctor(args as never));
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith('loadLayersModel:') ? msg : `loadLayersModel: layer '${name}' (${spec.className}): ${msg}`);
  }
}

function buildSequential(config: Config | LayerSpec[], ctx: Ctx): Sequential {
  // Old files store the layer list directly as the config.
  const list = Array.isArray(config) ? config : (config.layers as LayerSpec[] | undefined);
  if (!Array.isArray(list)) fail('a Sequential model config has no layers list');
  const name = Array.isArray(config) ? undefined : (config.name as string | undefined);
  const model = keep(ctx, new Sequential(name ? { name } : {}));
  for (const spec of list) model.add(createLayer(spec, ctx));
  return model;
}

function asRef(v: unknown, where: string): TensorRef {
  if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'number') {
    fail(
      `${where}: expected [layer name, node index, tensor index, kwargs], got ${JSON.stringify(v)} (Keras 3 node format is not supported)`,
    );
  }
  return [v[0], v[1], typeof v[2] === 'number' ? v[2] : 0, (v[3] ?? {}) as Config];
}

function buildFunctional(config: Config, ctx: Ctx): LayersModel {
  const specs = config.layers as LayerSpec[] | undefined;
  if (!Array.isArray(specs)) fail('a functional model config has no layers list');
  const byName = new Map<string, Layer>();
  const queue: Array<{ layer: Layer; nodes: TensorRef[][] }> = [];
  for (const spec of specs) {
    const layer = createLayer(spec, ctx);
    const name = spec.name ?? layer.name;
    if (byName.has(name)) fail(`two layers are named '${name}'`);
    byName.set(name, layer);
    const nodes = (spec.inboundNodes ?? []).map((n, i) => {
      if (!Array.isArray(n)) fail(`layer '${name}': inbound node ${i} is not a list`);
      return n.map((r) => asRef(r, `layer '${name}' inbound node ${i}`));
    });
    if (!(layer instanceof InputLayer)) queue.push({ layer, nodes });
  }
  const tensor = ([name, node, index]: TensorRef): SymbolicTensor | undefined => byName.get(name)?.inboundNodes[node]?.outputs[index];
  // Replay applications in passes: a node waits until its inputs' nodes exist
  // (shared layers and any saved order work this way, as in Keras).
  for (let progress = true; progress; ) {
    progress = false;
    for (const q of queue) {
      while (q.nodes.length) {
        const refs = q.nodes[0]!;
        const ins = refs.map(tensor);
        if (ins.some((t) => !t)) break;
        const kwargs = refs[0]?.[3] ?? {};
        q.layer.apply(ins.length === 1 ? ins[0]! : (ins as SymbolicTensor[]), kwargs);
        q.nodes.shift();
        progress = true;
      }
    }
  }
  const stuck = queue.find((q) => q.nodes.length);
  if (stuck) {
    const missing = stuck.nodes[0]!.find((r) => !tensor(r))!;
    fail(
      `layer '${stuck.layer.name}' takes output ${missing[2]} of node ${missing[1]} of layer '${missing[0]}', which the config never creates`,
    );
  }
  const ends = (key: 'inputLayers' | 'outputLayers') => {
    const list = config[key];
    if (!Array.isArray(list) || list.length === 0)
      fail(`the model config has no ${key === 'inputLayers' ? 'input_layers' : 'output_layers'}`);
    return list.map((r) => {
      const ref = asRef(r, key);
      return tensor(ref) ?? fail(`${key}: layer '${ref[0]}' has no node ${ref[1]} output ${ref[2]}`);
    });
  };
  const name = config.name as string | undefined;
  return keep(ctx, new LayersModel({ inputs: ends('inputLayers'), outputs: ends('outputLayers'), ...(name ? { name } : {}) }));
}

function buildModel(className: string, config: Config, ctx: Ctx): LayersModel {
  return className === 'Sequential' ? buildSequential(config, ctx) : buildFunctional(config, ctx);
}

/**
 * The model described by a modelTopology (tfjs layers format, also Keras's
 * `model_config` wrapper). With fastInit the weights start as zeros, for a
 * caller that sets them all next.
 */
export function modelFromTopology(topology: Record<string, unknown>, opts: { fastInit?: boolean } = {}): LayersModel {
  const top = (topology.model_config ?? topology) as Record<string, unknown>;
  const ts = fromKeras(top) as { className?: unknown; config?: Config };
  if (typeof ts.className !== 'string') fail('modelTopology has no class_name');
  if (!MODEL_CLASSES.has(ts.className)) fail(`modelTopology describes a '${ts.className}', not a Sequential or functional Model`);
  const ctx: Ctx = { created: [], fastInit: opts.fastInit ?? false };
  try {
    return buildModel(ts.className, ts.config ?? {}, ctx);
  } catch (e) {
    // Layers built before the failure hold variables: free them.
    for (const l of ctx.created) l.dispose();
    throw e;
  }
}
