// A model as Keras JSON (tfjs's modelTopology): Sequential as a list of layer
// configs, functional models as layers with inbound_nodes plus input_layers and
// output_layers. Configs are camelCase in memory and snake_case on disk.
import type { Layer } from '../layer.js';
import { InputLayer } from '../layers/input.js';
import type { LayersModel } from '../model.js';
import type { Node } from '../symbolic.js';
import { toKeras } from './keras-names.js';

/** The Keras format version we write: the one tfjs-layers 4.x writes and reads. */
export const KERAS_VERSION = 'tfjs-layers 4.22.0';

/** A model used as a layer (nested Sequential or functional model). */
export function isModel(l: Layer): l is LayersModel {
  const m = l as unknown as Partial<LayersModel>;
  return Array.isArray(m.layers) && Array.isArray(m.outputs) && typeof m.execute === 'function';
}

/** Nodes that compute the model's outputs (its own graph, not other models sharing its layers). */
function graphNodes(model: LayersModel): Set<Node> {
  const seen = new Set<Node>();
  const stack = model.outputs.map((o) => o.node).filter((n): n is Node => !!n);
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const i of n.inputs) if (i.node) stack.push(i.node);
  }
  return seen;
}

function checkUniqueNames(model: LayersModel, layers: Layer[]): void {
  const seen = new Set<string>();
  for (const l of layers) {
    if (seen.has(l.name))
      throw new Error(`model.save: ${model.name} has two layers named '${l.name}'; layer names must be unique to save a model`);
    seen.add(l.name);
  }
}

/** Node kwargs that can go to JSON (tensors such as masks cannot, and are rebuilt on load). */
function jsonKwargs(kwargs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    if (k === 'mask' || v === undefined) continue;
    if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) out[k] = v;
  }
  return out;
}

/** `{className, config}` of a layer; models recurse. */
function layerEntry(l: Layer): { className: string; config: Record<string, unknown> } {
  return isModel(l) ? modelConfig(l) : { className: l.getClassName(), config: l.getConfig() };
}

function sequentialConfig(model: LayersModel): Record<string, unknown> {
  const layers = model.layers.filter((l) => !(l instanceof InputLayer));
  checkUniqueNames(model, layers);
  const entries = layers.map(layerEntry);
  const first = entries[0];
  const input = model.inputs[0];
  // The input shape lives on the first layer; a model built from data or from an
  // explicit InputLayer has it only on the graph, so copy it there.
  if (first && input && !first.config.batchInputShape) {
    first.config = { ...first.config, batchInputShape: [...input.shape], dtype: input.dtype };
  }
  return { name: model.name, layers: entries };
}

function functionalConfig(model: LayersModel): Record<string, unknown> {
  const nodes = graphNodes(model);
  checkUniqueNames(model, model.layers);
  // A layer's node index counts only its applications inside this model.
  const nodeIndex = new Map<Node, number>();
  for (const l of model.layers) l.inboundNodes.filter((n) => nodes.has(n)).forEach((n, i) => nodeIndex.set(n, i));
  const ref = (n: Node | undefined, what: string) => {
    const i = n ? nodeIndex.get(n) : undefined;
    if (!n || i === undefined) throw new Error(`model.save: ${model.name}: ${what} is not produced inside the model`);
    return [n.layer.name, i] as const;
  };
  const layers = model.layers.map((l) => {
    const inbound =
      l instanceof InputLayer
        ? []
        : l.inboundNodes
            .filter((n) => nodes.has(n))
            .map((n) => {
              const kw = jsonKwargs(n.kwargs);
              return n.inputs.map((s) => [...ref(s.node, `input ${s.name} of ${l.name}`), s.outputIndex, kw]);
            });
    return { name: l.name, ...layerEntry(l), inboundNodes: inbound };
  });
  const ends = (list: typeof model.inputs) => list.map((s) => [...ref(s.node, s.name), s.outputIndex]);
  return { name: model.name, layers, inputLayers: ends(model.inputs), outputLayers: ends(model.outputs) };
}

/** `{className, config}` of a model, camelCase. */
export function modelConfig(model: LayersModel): { className: string; config: Record<string, unknown> } {
  if (model.outputs.length === 0) {
    throw new Error(`model.save: ${model.name} has no graph yet; give the first layer an inputShape or run it on data before saving`);
  }
  const sequential = model.getClassName() === 'Sequential';
  return { className: sequential ? 'Sequential' : 'Model', config: sequential ? sequentialConfig(model) : functionalConfig(model) };
}

/** The model's modelTopology as tfjs writes it (snake_case Keras JSON). */
export function modelToTopology(model: LayersModel): Record<string, unknown> {
  const { className, config } = modelConfig(model);
  return { class_name: className, config: toKeras(config), keras_version: KERAS_VERSION, backend: 'tensor_flow.js' };
}
