// Structured (channel / unit) pruning that really shrinks the model (Li et al.
// 2017, "Pruning Filters for Efficient ConvNets"): the units of a Dense layer
// or the filters of a Conv2D layer with the smallest kernel norms are removed,
// and with them the matching inputs of the layer that reads them — the rows of
// the next Dense kernel (through a Flatten, one row per kept channel and
// position), the input channels of the next Conv2D filter, and the per-channel
// weights of a BatchNormalization in between. The result is a new, smaller
// Sequential model with the surviving weights; fine-tune it to recover what
// the removed units contributed. Magnitude pruning (prune.ts) zeroes weights
// and needs a sparse file to shrink; this changes the shapes.
import {
  Activation,
  AveragePooling2D,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  io,
  loadLayersModel,
  MaxPooling2D,
  modelArtifacts,
  type Layer,
  type LayersModel,
  type Shape,
} from '@wasmml/layers';
import { describeLayer } from '../common.js';
import { sequentialLayers } from '../quantize/ptq.js';

/** Options of {@link pruneChannels}. */
export interface PruneChannelsOptions {
  /** Fraction of each pruned layer's units / filters to remove, in [0, 1): one for all, or per layer name. */
  sparsity: number | Record<string, number>;
  /**
   * Which layers to shrink (default: every Dense / Conv2D whose output reaches
   * another Dense / Conv2D through layers this can follow — all but the output layer).
   */
  layers?: string[];
  /** How a unit's importance is measured on its kernel column: 'l1' (default) or 'l2' norm. */
  criterion?: 'l1' | 'l2';
}

/** What {@link pruneChannels} returns. */
export interface PrunedChannels {
  /** The smaller model (not compiled: compile and fine-tune it). */
  model: LayersModel;
  /** The units / filters kept in each shrunk layer, as indices into the original layer's, in order. */
  kept: Record<string, number[]>;
  /** Weights of the original model. */
  paramsBefore: number;
  /** Weights of the new model. */
  paramsAfter: number;
}

// Layers between a shrunk layer and the one reading it that keep channels in
// the last axis (BatchNormalization's per-channel weights are cut too).
const FOLLOWED = [
  MaxPooling2D,
  AveragePooling2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  Dropout,
  Activation,
  BatchNormalization,
  Flatten,
];

const isPrunable = (l: Layer): l is Dense | Conv2D => l instanceof Dense || l instanceof Conv2D;
const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** `values` of `shape` restricted to positions `idx` of `axis`. */
function take(values: Float32Array, shape: readonly number[], axis: number, idx: readonly number[]): Float32Array {
  const outer = sizeOf(shape.slice(0, axis)),
    n = shape[axis]!,
    inner = sizeOf(shape.slice(axis + 1));
  const out = new Float32Array(outer * idx.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (const i of idx) {
      out.set(values.subarray((a * n + i) * inner, (a * n + i + 1) * inner), o);
      o += inner;
    }
  }
  return out;
}

/** Indices of the `keep` columns (last axis) of a kernel with the largest norms, in order. */
function strongest(kernel: Float32Array, n: number, keep: number, criterion: 'l1' | 'l2'): number[] {
  const norms = new Float64Array(n);
  for (let i = 0; i < kernel.length; i++) {
    const v = kernel[i]!;
    norms[i % n] = norms[i % n]! + (criterion === 'l1' ? Math.abs(v) : v * v);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => norms[b]! - norms[a]! || a - b);
  return order.slice(0, keep).sort((a, b) => a - b);
}

// Where a layer's output channels go: the index of the Dense / Conv2D that
// reads them, or why they cannot be followed there.
function consumerOf(layers: Layer[], i: number): { at: number } | { blocked: string } {
  let flattened = false;
  for (let j = i + 1; j < layers.length; j++) {
    const l = layers[j]!;
    if (l instanceof Dense) return { at: j };
    // After a Flatten, channels are no longer the last axis of what a convolution or a normalisation sees.
    if (flattened && (l instanceof Conv2D || l instanceof BatchNormalization)) return { blocked: `${describeLayer(l)} after a Flatten` };
    if (l instanceof Conv2D) return { at: j };
    if (!FOLLOWED.some((c) => l instanceof c)) return { blocked: describeLayer(l) };
    if (l instanceof Flatten) flattened = true;
  }
  return { blocked: 'the model output (removing units would change the output shape)' };
}

/**
 * Removes the weakest units of Dense layers and filters of Conv2D layers of a
 * Sequential model (smallest L1 norm of their kernel column by default) and
 * the inputs of the next layer that read them: a new, smaller model with the
 * surviving weights. The original model is left as it was. Throws, naming the
 * layer, for a named layer that is not a Dense / Conv2D or whose output cannot
 * be followed to the layer that reads it, and for a sparsity outside [0, 1).
 */
export async function pruneChannels(model: LayersModel, opts: PruneChannelsOptions): Promise<PrunedChannels> {
  const op = 'pruneChannels';
  const { layers } = sequentialLayers(model, op);
  const criterion = opts?.criterion ?? 'l1';
  if (criterion !== 'l1' && criterion !== 'l2') throw new Error(`${op}: criterion must be 'l1' or 'l2', got '${String(criterion)}'`);
  const perLayer = typeof opts?.sparsity === 'object' && opts.sparsity !== null ? opts.sparsity : undefined;
  if (perLayer === undefined && typeof opts?.sparsity !== 'number') {
    throw new Error(`${op}: options.sparsity must be a number in [0, 1) or a { layerName: sparsity } object`);
  }
  const sparsityOf = (name: string): number => {
    const s = perLayer ? perLayer[name] : opts.sparsity;
    if (typeof s !== 'number' || !(s >= 0 && s < 1)) {
      throw new Error(`${op}: the sparsity of layer '${name}' must be a number in [0, 1), got ${String(s)}`);
    }
    return s;
  };
  // Named layers (the list, or the keys of a per-layer sparsity) must all be shrinkable; by default, every one that is.
  const names = opts.layers ?? (perLayer ? Object.keys(perLayer) : undefined);
  const chosen: number[] = [];
  if (names !== undefined) {
    for (const name of names) {
      const i = layers.findIndex((l) => l.name === name);
      if (i < 0) throw new Error(`${op}: model ${model.name} has no layer '${name}' (layers: ${layers.map((l) => l.name).join(', ')})`);
      const l = layers[i]!;
      if (!isPrunable(l)) throw new Error(`${op}: ${describeLayer(l)} has no units or filters to remove (expected Dense or Conv2D)`);
      const c = consumerOf(layers, i);
      if ('blocked' in c)
        throw new Error(`${op}: cannot shrink ${describeLayer(l)}: its output reaches ${c.blocked}, which ${op} cannot follow`);
      chosen.push(i);
    }
  } else {
    layers.forEach((l, i) => {
      if (isPrunable(l) && 'at' in consumerOf(layers, i)) chosen.push(i);
    });
  }
  const kept: Record<string, number[]> = {};
  for (const i of chosen) {
    const l = layers[i] as Dense | Conv2D;
    const n = l.kernel!.shape[l.kernel!.shape.length - 1]!;
    const s = sparsityOf(l.name);
    kept[l.name] = strongest(l.kernel!.dataSync() as Float32Array, n, Math.max(1, Math.round(n * (1 - s))), criterion);
  }

  // The original output shape of every layer (the input shape of the next).
  const shapes: Shape[] = [];
  let shape = model.inputShape as Shape;
  for (const l of layers) {
    shapes.push(shape);
    shape = l.computeOutputShape(shape) as Shape;
  }

  // New weights, layer by layer: columns of a shrunk layer, rows (or input
  // channels) of its consumer, per-channel weights in between.
  const artifacts = await modelArtifacts(model, { includeOptimizer: false });
  const topology = structuredClone(artifacts.modelTopology) as { config: { layers: Array<{ config: Record<string, unknown> }> } };
  const configs = topology.config.layers.filter((c) => (c as { class_name?: string }).class_name !== 'InputLayer');
  const specs: Array<{ name: string; shape: number[]; dtype: 'float32' }> = [];
  const parts: Float32Array[] = [];
  let channels: { keep: number[]; total: number } | undefined;
  let spatial = 1;
  layers.forEach((l, i) => {
    const own = kept[l.name];
    const input = channels;
    for (const w of l.namedWeights) {
      let values = w.variable.dataSync() as Float32Array;
      let s = [...w.variable.shape];
      const kind = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
      if (isPrunable(l) && input) {
        if (kind === 'kernel' && l instanceof Dense) {
          const rows: number[] = [];
          for (let p = 0; p < spatial; p++) for (const c of input.keep) rows.push(p * input.total + c);
          values = take(values, s, 0, rows);
          s[0] = rows.length;
        } else if (kind === 'kernel') {
          values = take(values, s, 2, input.keep);
          s[2] = input.keep.length;
        }
      } else if (l instanceof BatchNormalization && input) {
        values = take(values, s, 0, input.keep);
        s = [input.keep.length];
      }
      if (own && (kind === 'kernel' || kind === 'bias')) {
        values = take(values, s, s.length - 1, own);
        s[s.length - 1] = own.length;
      }
      specs.push({ name: w.originalName, shape: s, dtype: 'float32' });
      parts.push(values);
    }
    if (own) {
      const cfg = configs[i]!.config;
      if (l instanceof Dense) cfg.units = own.length;
      else cfg.filters = own.length;
    }
    if (isPrunable(l)) {
      channels = own ? { keep: own, total: l.kernel!.shape[l.kernel!.shape.length - 1]! } : undefined;
      spatial = 1;
    } else if (l instanceof Flatten && channels) {
      spatial = sizeOf((shapes[i]!.slice(1, -1) as number[]) ?? []);
    }
  });
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  const smaller = await loadLayersModel(
    io.fromMemory({ modelTopology: topology as unknown as Record<string, unknown>, weightSpecs: specs, weightData: data.buffer }),
  );
  return { model: smaller, kept, paramsBefore: model.countParams(), paramsAfter: smaller.countParams() };
}
