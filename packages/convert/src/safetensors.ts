// A model's weights as safetensors, under the names model.save gives them
// (`dense/kernel`, `bidirectional/forward_lstm/kernel`...). The format code
// lives in @wasmml/layers, shared with the language-model checkpoints.
import {
  type Layer,
  LayersModel,
  modelArtifacts,
  readSafetensors,
  safetensorsToFloat32,
  type SafetensorsInput,
  writeSafetensors,
} from '@wasmml/layers';
import { tensor } from '@wasmml/tensor';
import { type FileSource, sourceBytes, sourceName, writeAtomic } from './source.js';

/** Leaf layers in saved-weight order (nested models flattened). */
function leafLayers(l: Layer, out: Layer[] = []): Layer[] {
  if (l instanceof LayersModel) for (const inner of l.layers) leafLayers(inner, out);
  else out.push(l);
  return out;
}

/** The model's weights as safetensors bytes (F32; int32 weights as I32). */
export async function safetensorsBytes(model: LayersModel, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  const a = await modelArtifacts(model);
  const data = new Uint8Array(a.weightData as ArrayBuffer);
  const tensors: Record<string, SafetensorsInput> = {};
  let at = 0;
  for (const s of a.weightSpecs ?? []) {
    if (s.group === 'optimizer') continue;
    const n = s.shape.reduce((x, y) => x * y, 1);
    const bytes = data.slice(at, at + n * 4);
    at += n * 4;
    tensors[s.name] = { shape: s.shape, data: s.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer) };
  }
  return writeSafetensors(tensors, { generated_by: 'wasmml @wasmml/convert', ...metadata });
}

/** Saves the model's weights as a .safetensors file (temporary file + rename). */
export async function saveSafetensors(model: LayersModel, path: string, metadata?: Record<string, string>): Promise<void> {
  await writeAtomic(path, await safetensorsBytes(model, metadata));
}

/**
 * Sets the model's weights from a safetensors file holding them under their
 * saved names (F32, F16, BF16 or F64). Every name and shape is checked first;
 * on any mismatch nothing is changed.
 */
export async function loadSafetensorsWeights(model: LayersModel, source: FileSource): Promise<void> {
  const what = sourceName(source);
  const file = readSafetensors(await sourceBytes(source));
  const specs = ((await modelArtifacts(model)).weightSpecs ?? []).filter((s) => s.group !== 'optimizer');
  const missing = specs.filter((s) => !file.tensors.has(s.name)).map((s) => s.name);
  if (missing.length)
    throw new Error(
      `loadSafetensorsWeights: ${what} has no tensor(s) ${missing.join(', ')} (it holds ${[...file.tensors.keys()].join(', ') || 'nothing'})`,
    );
  for (const s of specs) {
    const t = file.tensors.get(s.name)!;
    if (t.shape.join() !== s.shape.join())
      throw new Error(
        `loadSafetensorsWeights: ${what}: '${s.name}' is [${t.shape.join(', ')}], the model's weight is [${s.shape.join(', ')}]`,
      );
  }
  let k = 0;
  const plan: Array<{ layer: Layer; values: Float32Array[] }> = [];
  for (const layer of leafLayers(model)) {
    const vals = layer.weights.map(() => safetensorsToFloat32(file.tensors.get(specs[k++]!.name)!));
    if (vals.length) plan.push({ layer, values: vals });
  }
  for (const { layer, values } of plan) {
    const ts = values.map((v, i) => tensor(v, layer.weights[i]!.shape, layer.weights[i]!.dtype));
    try {
      layer.setWeights(ts);
    } finally {
      for (const t of ts) t.dispose();
    }
  }
}
