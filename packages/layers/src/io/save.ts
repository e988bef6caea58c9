// model.save: the model as tfjs ModelArtifacts (topology, weights, optionally
// training config and optimizer state), handed to a handler or URL.
import { checkOptions } from '@wasmml/tensor';
import type { LayersModel } from '../model.js';
import { integrityRecord } from './integrity.js';
import { quantizationOf } from './quantize.js';
import { handlerFor } from './router.js';
import { modelToTopology } from './topology.js';
import { optimizerValues, trainingConfigOf } from './training-state.js';
import type { IOHandler, ModelArtifacts, SaveConfig, SaveResult } from './types.js';
import { savedWeights } from './weight-names.js';
import { encodeWeights, type NamedValues } from './weights.js';

/** The `generatedBy` of models we write. */
export const GENERATED_BY = 'wasmml @wasmml/layers';

/** Everything `save` writes, as tfjs ModelArtifacts (plus the wasmml integrity record). */
export async function modelArtifacts(model: LayersModel, config: SaveConfig = {}): Promise<ModelArtifacts> {
  checkOptions('model.save', config, { includeOptimizer: true, trainableOnly: true, quantizationBytes: true, quantizationDtype: true });
  const quantization = quantizationOf(config);
  const modelTopology = modelToTopology(model);
  const saved = savedWeights(model);
  const seen = new Set<string>();
  const values: NamedValues[] = saved.map(({ weight, names: [name] }) => {
    if (seen.has(name!)) throw new Error(`model.save: two weights of ${model.name} are named '${name}'; layer names must be unique`);
    seen.add(name!);
    const v = weight.variable;
    return { name: name!, shape: [...v.shape], dtype: v.dtype, values: v.dataSync() };
  });
  // Keras saves the compile configuration of every compiled model (and the loader compiles it again); the
  // optimizer's state only with includeOptimizer.
  let training: ReturnType<typeof trainingConfigOf> | undefined;
  if (model.compiled || config.includeOptimizer) {
    try {
      training = trainingConfigOf(model);
    } catch (e) {
      if (config.includeOptimizer) throw e;
      console.warn(`${(e as Error).message}; ${model.name} is saved without its compile configuration and loads uncompiled`);
    }
  }
  if (config.includeOptimizer) {
    values.push(...(await optimizerValues(model, new Map(saved.map((s) => [s.weight.variable.name, s.names[0]!])))));
  }
  const { data, specs } = encodeWeights(values, quantization);
  const rec = await integrityRecord(data);
  return {
    modelTopology,
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
    ...(training ? { trainingConfig: training.trainingConfig } : {}),
    wasmml: training ? { ...rec, training: training.training } : rec,
  };
}

/** Saves a model to a URL or IOHandler (what `model.save` runs). */
export async function saveModel(model: LayersModel, urlOrHandler: string | IOHandler, config: SaveConfig = {}): Promise<SaveResult> {
  const handler = handlerFor(urlOrHandler, 'save');
  const artifacts = await modelArtifacts(model, config);
  return handler.save!(artifacts);
}
