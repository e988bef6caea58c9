// Full-model HDF5 files (`model.save('x.h5')`, Keras 2's format, still written
// by Keras 3): the model config as a JSON attribute and, under model_weights,
// one group per layer whose weight_names attribute lists its datasets in the
// layer's weight order.
import type { Layer, LayersModel } from '@wasmml/layers';
import { modelArtifacts } from '@wasmml/layers';
import { tensor } from '@wasmml/tensor';
import { H5Reader, H5Writer } from './hdf5.js';
import { topologyToKerasConfig } from './keras-config-out.js';
import { kerasLayerOrder } from './keras-layer-order.js';
import { modelFromKerasConfig, tensorInfoOf } from './keras-model.js';
import { KERAS_VERSION } from './version.js';

function stringList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export async function loadLegacyH5(bytes: Uint8Array, what: string): Promise<LayersModel> {
  const h5 = await H5Reader.open(bytes, what);
  try {
    const raw = h5.attr('/', 'model_config');
    if (typeof raw !== 'string') {
      throw new Error(
        `loadKerasModel: ${what} has no model_config attribute: it holds weights only (load them into a model built in code with loadKerasWeights)`,
      );
    }
    const config = JSON.parse(raw) as Record<string, unknown>;
    const root = h5.has('model_weights') ? 'model_weights' : '';
    // tf.keras 2 wrote its version here; Keras 3's legacy saver writes 3.x.
    const version = String(h5.attr('/', 'keras_version') ?? h5.attr(root || '/', 'keras_version') ?? '');
    const model = await modelFromKerasConfig(config, what, { keras2: version.startsWith('2.') });
    try {
      // Check every layer's datasets before setting any.
      const plan: Array<{ layer: Layer; values: Float32Array[] }> = [];
      for (const layer of model.layers) {
        const n = layer.weights.length;
        if (!n) continue;
        const g = `${root}/${layer.name}`;
        const names = stringList(h5.attr(g, 'weight_names'));
        if (names.length !== n) {
          throw new Error(
            `loadKerasModel: ${what}: layer '${layer.name}' has ${n} weights but the file lists ${names.length} under '${g}' (${names.join(', ') || 'none'})`,
          );
        }
        const values = names.map((wn, i) => {
          const a = h5.array(`${g}/${wn}`);
          const want = layer.weights[i]!.shape;
          if (a.values.length !== want.reduce((x, y) => x * y, 1)) {
            throw new Error(
              `loadKerasModel: ${what}: '${g}/${wn}' has shape [${a.shape.join(', ')}], layer '${layer.name}' expects [${want.join(', ')}]`,
            );
          }
          return a.values;
        });
        plan.push({ layer, values });
      }
      for (const { layer, values } of plan) {
        const ts = values.map((v, i) => tensor(v, layer.weights[i]!.shape));
        try {
          layer.setWeights(ts);
        } finally {
          for (const t of ts) t.dispose();
        }
      }
      return model;
    } catch (e) {
      model.dispose();
      throw e;
    }
  } finally {
    h5.close();
  }
}

/** The model as a full-model `.h5` (Keras 3 config, Keras's legacy weight layout). */
export async function legacyH5Bytes(model: LayersModel): Promise<Uint8Array> {
  const artifacts = await modelArtifacts(model);
  const config = topologyToKerasConfig(artifacts.modelTopology as Record<string, unknown>, tensorInfoOf(model), model.name);
  const h5 = await H5Writer.create();
  h5.attr('/', 'model_config', JSON.stringify(config));
  h5.attr('/', 'keras_version', KERAS_VERSION);
  h5.attr('/', 'backend', 'tensorflow');
  h5.group('model_weights');
  // Keras pairs saved layers with its own by position, in its layer order.
  const ordered = kerasLayerOrder(model);
  h5.attr(
    'model_weights',
    'layer_names',
    ordered.map((l) => l.name),
  );
  h5.attr('model_weights', 'keras_version', KERAS_VERSION);
  h5.attr('model_weights', 'backend', 'tensorflow');
  for (const layer of ordered) {
    const g = `model_weights/${layer.name}`;
    h5.group(g);
    const named = layer.namedWeights;
    if (!named.length) continue;
    const names = named.map((w) => w.originalName);
    h5.attr(g, 'weight_names', names);
    named.forEach((w, i) => h5.dataset(`${g}/${names[i]}`, [...w.variable.shape], w.variable.dataSync() as Float32Array));
  }
  return h5.bytes();
}
