// Models in a directory: model.json plus a weights file with a fresh name per
// save. Each file goes to a temporary name and is renamed into place, the JSON
// last: the JSON names its weights file, so a reader sees either the old model
// or the new one, never a mix. Older weights files are removed afterwards.
import { platform } from '@wasmml/platform';
import type { ArtifactMeta, ModelArtifacts } from './artifacts.js';

const META = 'model.json';

// The platform's atomic write: a temporary file in the same directory, flushed, then renamed.
const writeAtomic = (path: string, bytes: Uint8Array) => platform.writeFileAtomic(path, bytes);

async function readMeta(dir: string): Promise<ArtifactMeta | undefined> {
  try {
    return JSON.parse(new TextDecoder().decode(await platform.readFile(platform.join(dir, META)))) as ArtifactMeta;
  } catch {
    return undefined;
  }
}

/** Saves artifacts into `dir` (created if missing). */
export async function saveArtifacts(dir: string, a: ModelArtifacts): Promise<void> {
  if (!platform.hasFileSystem) {
    throw new Error('save: this runtime has no file system; use toArtifacts() and store meta + weights yourself');
  }
  await platform.mkdirp(dir);
  const previous = await readMeta(dir);
  const weightsFile = `weights-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.bin`;
  await writeAtomic(platform.join(dir, weightsFile), a.weights);
  const meta: ArtifactMeta = { ...a.meta, weightsFile };
  await writeAtomic(platform.join(dir, META), new TextEncoder().encode(JSON.stringify(meta)));
  if (previous?.weightsFile && previous.weightsFile !== weightsFile && !/[\\/]/.test(previous.weightsFile)) {
    await platform.remove(platform.join(dir, previous.weightsFile));
  }
}

/** Reads the artifacts saved in `dir`. */
export async function readArtifacts(dir: string): Promise<ModelArtifacts> {
  if (!platform.hasFileSystem) throw new Error('loadRecommender: this runtime has no file system; pass the artifacts instead');
  let text: string;
  try {
    text = new TextDecoder().decode(await platform.readFile(platform.join(dir, META)));
  } catch (e) {
    throw new Error(`loadRecommender: cannot read ${platform.join(dir, META)}: ${(e as Error).message}`, { cause: e });
  }
  const meta = JSON.parse(text) as ArtifactMeta;
  if (!meta.weightsFile || /[\\/]/.test(meta.weightsFile)) throw new Error(`loadRecommender: ${META} in ${dir} names no valid weights file`);
  return { meta, weights: await platform.readFile(platform.join(dir, meta.weightsFile)) };
}
