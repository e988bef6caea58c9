// Our model from a Keras config and weights read from a Keras file, and the
// tensor shapes Keras 3 records: shared by the .keras and .h5 readers/writers.
import { io, type Layer, LayersModel, loadLayersModel } from '@wasmml/layers';
import { tensor, type Tensor } from '@wasmml/tensor';
import { type KerasDialect, kerasConfigToTopology } from './keras-config-in.js';
import type { TensorInfo } from './keras-config-out.js';
import { kerasWeightSlots } from './keras-weights.js';

/** Builds our model from a Keras 2 or 3 model config; throws one error listing every unsupported setting. */
export async function modelFromKerasConfig(config: Record<string, unknown>, what: string, dialect?: KerasDialect): Promise<LayersModel> {
  const { topology, issues } = kerasConfigToTopology(config, dialect);
  if (issues.length) throw new Error(`loadKerasModel: ${what} uses what wasmml cannot load:\n  - ${issues.join('\n  - ')}`);
  return loadLayersModel(io.fromMemory({ modelTopology: topology }), { strict: false });
}

/** Reads every weight (checking presence and size), then sets them layer by layer. */
export function setWeightsFrom(model: LayersModel, read: (path: string) => { shape: number[]; values: Float32Array }, what: string): void {
  const { slots } = kerasWeightSlots(model);
  const perLayer = new Map<(typeof slots)[number]['layer'], Array<Float32Array | undefined>>();
  for (const s of slots) {
    const want = s.layer.weights[s.index]!.shape;
    const got = read(s.path);
    const n = want.reduce((a, b) => a * b, 1);
    if (got.values.length !== n) {
      throw new Error(
        `loadKerasModel: ${what}: '${s.path}' (layer '${s.layer.name}') has shape [${got.shape.join(', ')}], the layer's weight has shape [${want.join(', ')}]`,
      );
    }
    if (!perLayer.has(s.layer)) perLayer.set(s.layer, new Array(s.layer.weights.length));
    perLayer.get(s.layer)![s.index] = got.values;
  }
  for (const [layer, values] of perLayer) {
    const ts: Tensor[] = layer.weights.map((w, i) => tensor(values[i] ?? w.dataSync(), w.shape, w.dtype));
    try {
      layer.setWeights(ts);
    } finally {
      for (const t of ts) t.dispose();
    }
  }
}

/** Shapes and dtypes of the model's symbolic tensors, for Keras 3's node records. */
export function tensorInfoOf(model: LayersModel): TensorInfo {
  // Nested models' node records name their own layers: look those up too.
  const byName = new Map<string, Layer>();
  const collect = (m: LayersModel) => {
    for (const l of m.layers) {
      if (!byName.has(l.name)) byName.set(l.name, l);
      if (l instanceof LayersModel) collect(l);
    }
  };
  collect(model);
  return (layer, node, index) => {
    const t = byName.get(layer)?.inboundNodes[node]?.outputs[index];
    return { shape: t ? [...t.shape] : [], dtype: t?.dtype ?? 'float32' };
  };
}
