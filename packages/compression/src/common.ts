// What the compression tools share: which weights of a layer they act on, and
// error labels that name the layer.
import type { Layer, LayerWeight, LayersModel } from '@wasmml/layers';

/** Weight names (the part after `<layer>/`) that pruning and quantisation treat as kernels. */
export const KERNEL_NAMES: readonly string[] = ['kernel', 'recurrent_kernel', 'embeddings', 'depthwise_kernel'];

/** The kernel weights of a layer (Dense, Conv, Embedding, recurrent), by saved name; empty for other layers. */
export function kernelWeights(layer: Layer): LayerWeight[] {
  return layer.namedWeights.filter((w) => KERNEL_NAMES.includes(w.originalName.slice(w.originalName.lastIndexOf('/') + 1)));
}

/** The model's layers (input layers excluded), checked against a name list when one is given. */
export function pickLayers(model: LayersModel, names: readonly string[] | undefined, op: string): Layer[] {
  const all = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  if (names === undefined) return all;
  return names.map((n) => {
    const l = all.find((x) => x.name === n);
    if (!l) throw new Error(`${op}: model ${model.name} has no layer '${n}' (layers: ${all.map((x) => x.name).join(', ')})`);
    return l;
  });
}

/** `layer 'dense_1' (Dense)`, for error messages. */
export function describeLayer(layer: Layer): string {
  return `layer '${layer.name}' (${layer.getClassName()})`;
}
