// loadLayersModel: artifacts from a URL or IOHandler -> a model with its
// weights, compiled again from its training config when it has one (with the
// optimizer state when saved with includeOptimizer). Integrity and every
// weight's name and shape are checked before any value is set; a failed load
// frees what it built.
import { checkOptions, tensor, type Variable } from '@wasmml/tensor';
import type { LayersModel } from '../model.js';
import { asWasmmlRecord, checkBytes } from './integrity.js';
import { weightsVerified } from './model-json.js';
import { modelFromTopology } from './rebuild.js';
import { handlerFor } from './router.js';
import { restoreTraining } from './training-state.js';
import type { IOHandler, LoadOptions, ModelArtifacts } from './types.js';
import { savedWeights } from './weight-names.js';
import { concatBuffers, decodeWeights, type NamedValues } from './weights.js';

function fmtShape(s: readonly number[]): string {
  return `[${s.join(',')}]`;
}

async function checkIntegrity(a: ModelArtifacts, data: ArrayBuffer, where: string): Promise<void> {
  const rec = asWasmmlRecord(a.wasmml);
  if (!rec || weightsVerified(a)) return;
  await checkBytes(new Uint8Array(data), rec, `the weight data of ${where}`);
}

/** Sets the model's weights from saved values: all names and shapes are checked first. */
function assignWeights(model: LayersModel, saved: Map<string, NamedValues>, strict: boolean): Map<string, Variable> {
  const plan: Array<{ v: Variable; values: NamedValues }> = [];
  const used = new Set<string>();
  const variableOf = new Map<string, Variable>();
  const missing: string[] = [];
  for (const { weight, names } of savedWeights(model)) {
    const name = names.find((n) => saved.has(n));
    for (const n of names) variableOf.set(n, weight.variable);
    if (!name) {
      missing.push(names[0]!);
      continue;
    }
    const values = saved.get(name)!;
    used.add(name);
    if (values.shape.join() !== weight.variable.shape.join()) {
      throw new Error(
        `loadLayersModel: weight '${name}' is saved with shape ${fmtShape(values.shape)} but the model's weight has shape ${fmtShape(weight.variable.shape)}`,
      );
    }
    plan.push({ v: weight.variable, values });
  }
  const unused = [...saved.keys()].filter((n) => !used.has(n));
  if (strict && missing.length) {
    throw new Error(
      `loadLayersModel: the file has no values for weight(s) ${missing.join(', ')} (saved: ${[...saved.keys()].join(', ') || 'none'})`,
    );
  }
  if (strict && unused.length) throw new Error(`loadLayersModel: saved weight(s) ${unused.join(', ')} match no weight of the model`);
  for (const { v, values } of plan) {
    const t = tensor(values.values, values.shape, v.dtype);
    try {
      v.assign(t);
    } finally {
      t.dispose();
    }
  }
  return variableOf;
}

/**
 * Loads a model saved by `model.save` or by TensorFlow.js (tfjs `tf.loadLayersModel`).
 * Accepts 'file://path' (a directory or its model.json; Node and Deno),
 * 'http(s)://.../model.json', 'indexeddb://name' (browsers) or an IOHandler.
 */
export async function loadLayersModel(urlOrHandler: string | IOHandler, options: LoadOptions = {}): Promise<LayersModel> {
  checkOptions('loadLayersModel', options, {
    strict: true,
    compile: true,
    requestInit: true,
    fetchFunc: true,
    weightPathPrefix: true,
    onProgress: true,
  });
  const handler = handlerFor(urlOrHandler, 'load', options);
  const where = typeof urlOrHandler === 'string' ? urlOrHandler : 'the IOHandler';
  const a = await handler.load!();
  if (a.format && a.format !== 'layers-model') {
    throw new Error(
      `loadLayersModel: ${where} holds a '${a.format}', not a layers model${a.format === 'graph-model' ? ' (graph models are not supported)' : ''}`,
    );
  }
  if (!a.modelTopology || a.modelTopology instanceof ArrayBuffer) throw new Error(`loadLayersModel: ${where} has no JSON modelTopology`);
  const data = concatBuffers(a.weightData ?? new ArrayBuffer(0));
  await checkIntegrity(a, data, where);
  const weights = decodeWeights(data, a.weightSpecs ?? [], where);
  const strict = options.strict ?? true;
  // Every weight is about to be set (strict checks that), so skip the random initialisation.
  const model = modelFromTopology(a.modelTopology, { fastInit: strict && weights.model.size > 0 });
  try {
    const variableOf = assignWeights(model, weights.model, strict);
    if (a.trainingConfig && (options.compile ?? true))
      await restoreTraining(model, a.trainingConfig, asWasmmlRecord(a.wasmml)?.training, weights.optimizer, variableOf);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}
