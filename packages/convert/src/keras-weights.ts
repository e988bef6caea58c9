// Where Keras 3 keeps each weight in model.weights.h5. Keras walks the model's
// layer list (in its own order: kerasLayerOrder, which for a functional model
// built here may differ from ours) and names each layer's group after its class in snake_case,
// numbering repeats (`layers/dense`, `layers/dense_1`); a layer's own variables
// are `vars/0..n` in creation order, and sublayers sit under the attribute
// that holds them (`cell` for recurrent layers, `forward_layer` and
// `backward_layer` for Bidirectional, `layers/...` for nested models).
import { Bidirectional, InputLayer, type Layer, LayersModel, RNNBase } from '@wasmml/layers';
import { kerasLayerOrder } from './keras-layer-order.js';

/** One weight of our model and its dataset path in Keras's file. */
export interface KerasWeightSlot {
  layer: Layer;
  /** Index into layer.weights. */
  index: number;
  path: string;
  /** The shape Keras stores it in, when it differs from ours (same values, row-major). */
  kerasShape?: number[];
}

/** A group Keras writes for a layer, with the layer name it records. */
export interface KerasGroup {
  path: string;
  name: string;
}

/** Keras's `naming.to_snake_case`. */
export function kerasSnake(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The Keras class name of one of our layers. */
export function kerasClassName(l: Layer): string {
  const c = l.getClassName();
  return c === 'Model' ? 'Functional' : c;
}

function vars(layer: Layer, base: string, from: number, count: number, out: KerasWeightSlot[], groups: KerasGroup[], name: string): void {
  groups.push({ path: `${base}/vars`, name });
  for (let i = 0; i < count; i++) out.push({ layer, index: from + i, path: `${base}/vars/${i}` });
}

/** MultiHeadAttention: ours keeps [in, heads*dim] matrices; Keras [in, heads, dim] (same values). */
function attention(layer: Layer, base: string, out: KerasWeightSlot[], groups: KerasGroup[]): void {
  const l = layer as unknown as { numHeads: number; keyDim: number; valueDim: number; useBias: boolean };
  const w = layer.weights;
  const names = ['query_dense', 'key_dense', 'value_dense', 'output_dense'];
  const dims = [l.keyDim, l.keyDim, l.valueDim];
  names.forEach((n, i) => {
    groups.push({ path: `${base}/${n}/vars`, name: n.replace('_dense', '') });
    const k = w[i]!.shape;
    const kernelShape = i < 3 ? [k[0]!, l.numHeads, dims[i]!] : [l.numHeads, l.valueDim, k[1]!];
    out.push({ layer, index: i, path: `${base}/${n}/vars/0`, kerasShape: kernelShape });
    if (l.useBias) out.push({ layer, index: 4 + i, path: `${base}/${n}/vars/1`, ...(i < 3 ? { kerasShape: [l.numHeads, dims[i]!] } : {}) });
  });
}

function walk(model: LayersModel, prefix: string, out: KerasWeightSlot[], groups: KerasGroup[]): void {
  const used = new Map<string, number>();
  const sequential = model.getClassName() === 'Sequential';
  for (const l of kerasLayerOrder(model)) {
    // Keras's Sequential lists no InputLayer; a functional model lists them.
    if (sequential && l instanceof InputLayer) continue;
    const snake = kerasSnake(kerasClassName(l));
    const n = used.has(snake) ? used.get(snake)! + 1 : 0;
    used.set(snake, n);
    const base = `${prefix}/${n ? `${snake}_${n}` : snake}`;
    if (l instanceof LayersModel) {
      groups.push({ path: `${base}/vars`, name: l.name });
      walk(l, `${base}/layers`, out, groups);
    } else if (l instanceof Bidirectional) {
      groups.push({ path: `${base}/vars`, name: l.name });
      const f = l.forward.weights.length;
      vars(l, `${base}/forward_layer/cell`, 0, f, out, groups, l.forward.name);
      vars(l, `${base}/backward_layer/cell`, f, l.backward.weights.length, out, groups, l.backward.name);
    } else if (l instanceof RNNBase) {
      groups.push({ path: `${base}/vars`, name: l.name });
      vars(l, `${base}/cell`, 0, l.weights.length, out, groups, `${snake}_cell`);
    } else if (l.getClassName() === 'MultiHeadAttention') {
      groups.push({ path: `${base}/vars`, name: l.name });
      attention(l, base, out, groups);
    } else {
      vars(l, base, 0, l.weights.length, out, groups, l.name);
    }
  }
}

/** Every weight of the model with its Keras 3 dataset path, in Keras's order. */
export function kerasWeightSlots(model: LayersModel): { slots: KerasWeightSlot[]; groups: KerasGroup[] } {
  const slots: KerasWeightSlot[] = [];
  const groups: KerasGroup[] = [];
  walk(model, 'layers', slots, groups);
  return { slots, groups };
}
