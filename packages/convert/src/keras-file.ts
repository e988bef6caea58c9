// Keras 3 `.keras` files: a zip of config.json, metadata.json and
// model.weights.h5. Loading translates the config to our layers' JSON,
// rebuilds the model through @wasmml/layers' own loader and sets every weight
// from its Keras dataset; all checks run before any value is set.
import { type LayersModel, modelArtifacts } from '@wasmml/layers';
import { strToU8, strFromU8, unzipSync, zipSync } from 'fflate';
import { H5Reader, H5Writer } from './hdf5.js';
import { topologyToKerasConfig } from './keras-config-out.js';
import { modelFromKerasConfig, setWeightsFrom, tensorInfoOf } from './keras-model.js';
import { kerasCompileState, restoreKerasCompile } from './keras-optimizer.js';
import { kerasWeightSlots } from './keras-weights.js';
import { type FileSource, isHdf5, isZip, sourceBytes, sourceName, writeAtomic } from './source.js';
import { legacyH5Bytes, loadLegacyH5 } from './legacy-h5.js';
import { pythonJson } from './python-json.js';
import { KERAS_VERSION } from './version.js';

function unzip(bytes: Uint8Array, what: string): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes);
  } catch (e) {
    throw new Error(`loadKerasModel: ${what} is not a complete .keras zip archive (${(e as Error).message}); was the file truncated?`);
  }
}

async function loadKerasZip(bytes: Uint8Array, what: string): Promise<LayersModel> {
  const files = unzip(bytes, what);
  for (const need of ['config.json', 'model.weights.h5']) {
    if (!files[need]) throw new Error(`loadKerasModel: ${what} has no ${need} (found: ${Object.keys(files).join(', ') || 'nothing'})`);
  }
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(strFromU8(files['config.json']!)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`loadKerasModel: ${what}: config.json is not JSON (${(e as Error).message})`);
  }
  const h5 = await H5Reader.open(files['model.weights.h5']!, `${what}: model.weights.h5`);
  try {
    const model = await modelFromKerasConfig(config, what);
    try {
      setWeightsFrom(model, (p) => h5.array(p), `${what}: model.weights.h5`);
      await restoreKerasCompile(model, config.compile_config, h5, what);
      return model;
    } catch (e) {
      model.dispose();
      throw e;
    }
  } finally {
    h5.close();
  }
}

/**
 * Loads a Keras model: a Keras 3 `.keras` file or a full-model `.h5` file
 * (Keras 2, or Keras 3's legacy `model.save('x.h5')`), from a path (Node,
 * Deno) or bytes (browsers: a File's or fetch's arrayBuffer()).
 */
export async function loadKerasModel(source: FileSource): Promise<LayersModel> {
  const bytes = await sourceBytes(source);
  const what = sourceName(source);
  if (isZip(bytes)) return loadKerasZip(bytes, what);
  if (isHdf5(bytes)) return loadLegacyH5(bytes, what);
  throw new Error(
    `loadKerasModel: ${what} is neither a .keras zip nor an HDF5 .h5 file (first bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16)).join(' ')})`,
  );
}

/** model.weights.h5 in Keras 3's layout. */
async function weightsH5(model: LayersModel, optimizer?: (h5: H5Writer) => void): Promise<Uint8Array> {
  const { slots, groups } = kerasWeightSlots(model);
  const h5 = await H5Writer.create();
  h5.group('layers');
  for (const g of groups) {
    h5.group(g.path);
    h5.attr(g.path, 'name', g.name);
  }
  for (const s of slots) {
    const w = s.layer.weights[s.index]!;
    h5.dataset(s.path, s.kerasShape ?? [...w.shape], w.dataSync() as Float32Array);
  }
  h5.group('vars');
  h5.attr('vars', 'name', model.name);
  optimizer?.(h5);
  return h5.bytes();
}

/** The model as `.keras` bytes (config.json, metadata.json, model.weights.h5). */
export async function kerasBytes(model: LayersModel): Promise<Uint8Array> {
  const artifacts = await modelArtifacts(model);
  const config = topologyToKerasConfig(artifacts.modelTopology as Record<string, unknown>, tensorInfoOf(model), model.name);
  // A compiled model carries its compile settings and optimizer state, so Keras continues where we stopped.
  const compiled = await kerasCompileState(model);
  config.compile_config = compiled?.compileConfig ?? null;
  const metadata = { keras_version: KERAS_VERSION, date_saved: new Date().toISOString(), generated_by: 'wasmml @wasmml/convert' };
  return zipSync({
    'metadata.json': strToU8(JSON.stringify(metadata)),
    'config.json': strToU8(pythonJson(config)),
    'model.weights.h5': await weightsH5(model, compiled?.write),
  });
}

/**
 * Saves the model as a Keras 3 `.keras` file (or a legacy full-model `.h5`
 * when the path ends in `.h5`) through a temporary file and a rename: a
 * failed save leaves no partial file.
 */
export async function saveKerasModel(model: LayersModel, path: string): Promise<void> {
  const bytes = path.endsWith('.h5') ? await legacyH5Bytes(model) : await kerasBytes(model);
  await writeAtomic(path, bytes);
}
