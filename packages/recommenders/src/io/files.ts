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
  const weightsFile = `weights-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.bin`;
  let previous: ArtifactMeta | undefined;
  try {
    await platform.mkdirp(dir);
    previous = await readMeta(dir);
    await writeAtomic(platform.join(dir, weightsFile), a.weights);
    const meta: ArtifactMeta = { ...a.meta, weightsFile };
    try {
      await writeAtomic(platform.join(dir, META), new TextEncoder().encode(JSON.stringify(meta)));
    } catch (e) {
      // model.json was not switched: the new weights file is an orphan; a failed save leaves nothing new.
      await platform.remove(platform.join(dir, weightsFile)).catch(() => {});
      throw e;
    }
  } catch (e) {
    throw new Error(
      `save: cannot save to ${dir}: ${(e as Error).message}; the model that was there (if any) is unchanged ` +
        'and no new file was left behind',
      { cause: e },
    );
  }
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
  let meta: ArtifactMeta;
  try {
    meta = JSON.parse(text) as ArtifactMeta;
  } catch (e) {
    throw new Error(
      `loadRecommender: ${platform.join(dir, META)} is not valid JSON (${(e as Error).message}); a truncated or partly written file?`,
      { cause: e },
    );
  }
  if (typeof meta?.weightsFile !== 'string' || !meta.weightsFile || meta.weightsFile === '..' || /[\\/]/.test(meta.weightsFile))
    throw new Error(`loadRecommender: ${META} in ${dir} names no valid weights file`);
  return { meta, weights: await platform.readFile(platform.join(dir, meta.weightsFile)) };
}
