// Saving and loading compressed models as files (Node, Deno): written to a
// temporary file then renamed, so a crash never leaves half a model behind.
import type { LayersModel } from '@wasmml/layers';
import { platform } from '@wasmml/platform';
import { QuantizedModel } from '../quantize/quantized-model.js';
import { decodeModel, encodeModel, encodeQuantized, type WeightEncoding } from './format.js';

/**
 * Saves a float model (weights 'float32', 'float16' or 'sparse') or an int8
 * {@link QuantizedModel} to one file; returns its size in bytes.
 */
export async function saveCompressed(
  model: LayersModel | QuantizedModel,
  path: string,
  opts: { weights?: WeightEncoding } = {},
): Promise<number> {
  if (!platform.hasFileSystem) throw new Error('saveCompressed: this runtime has no file system; use encodeModel() / encodeQuantized()');
  const bytes = model instanceof QuantizedModel ? encodeQuantized(model) : await encodeModel(model, opts);
  await platform.writeFileAtomic(path, bytes);
  return bytes.length;
}

/** Loads a file written by {@link saveCompressed}: a LayersModel, or a QuantizedModel for an int8 file. */
export async function loadCompressed(path: string): Promise<LayersModel | QuantizedModel> {
  if (!platform.hasFileSystem) throw new Error('loadCompressed: this runtime has no file system; use decodeModel(bytes)');
  return decodeModel(await platform.readFile(path), `loadCompressed ${path}`);
}
