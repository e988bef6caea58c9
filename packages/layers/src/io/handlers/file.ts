// file:// (Node and Deno): <dir>/model.json plus weight shards beside it.
// Every file is written to a temporary name in the same directory, flushed and
// renamed into place; shards first, model.json last. A crash before the last
// rename leaves the previous model.json in charge: if it is a fresh directory
// there is no model.json and nothing loads; if an older model is being
// replaced, its model.json may now sit beside new shards, and the integrity
// record (sizes and SHA-256 per shard) makes that load fail with an error
// naming the file rather than give wrong numbers.
import { files as fs } from '../files.js';
import { artifactsFromModelJSON, parseModelJSON, splitShards, toModelJSON } from '../model-json.js';
import type { IOHandler } from '../types.js';
import { concatBuffers } from '../weights.js';
import { artifactsInfo } from './memory.js';

/** Options of the file:// handler. */
export interface FileSystemOptions {
  /** Largest weight file in bytes (default 4 MiB); bigger models are split into shards. */
  shardSizeBytes?: number;
}

function locate(path: string): { dir: string; json: string } {
  if (!path) throw new Error("file://: give a directory ('file://./my-model') or a model.json path");
  return path.endsWith('.json') ? { dir: fs.dirname(path), json: path } : { dir: path, json: fs.join(path, 'model.json') };
}

/** Shard paths must stay inside the model's directory. */
function safeShardPath(p: string, json: string): string {
  if (/^([a-z]:)?[\\/]/i.test(p) || p.split(/[\\/]/).includes('..')) {
    throw new Error(`loadLayersModel: ${json} lists weight file '${p}' outside its directory`);
  }
  return p;
}

/** Shards named by the model.json currently at `json` (to delete the ones a new save no longer uses). */
async function previousShards(json: string): Promise<string[]> {
  try {
    const text = await fs.readTextIfExists(json);
    if (text === undefined) return [];
    const parsed = JSON.parse(text) as { weightsManifest?: Array<{ paths?: unknown }> };
    return (parsed.weightsManifest ?? []).flatMap((g) => (Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : []));
  } catch {
    return [];
  }
}

/** The file:// handler (tfjs-node `tf.io.fileSystem`): a directory, or a path ending in .json. */
export function fileSystem(path: string, options: FileSystemOptions = {}): IOHandler {
  return {
    async save(artifacts) {
      const { dir, json } = locate(path);
      await fs.mkdirp(dir);
      const shards = splitShards(concatBuffers(artifacts.weightData ?? new ArrayBuffer(0)), options.shardSizeBytes);
      const modelJSON = await toModelJSON(artifacts, shards);
      const previous = await previousShards(json);
      for (const s of shards) await fs.writeFileAtomic(fs.join(dir, s.path), s.bytes);
      await fs.writeFileAtomic(json, new TextEncoder().encode(JSON.stringify(modelJSON)));
      for (const p of previous) {
        if (!shards.some((s) => s.path === p) && !p.split(/[\\/]/).includes('..')) await fs.remove(fs.join(dir, p));
      }
      return { modelArtifactsInfo: artifactsInfo(artifacts) };
    },
    async load() {
      const { dir, json } = locate(path);
      let bytes: Uint8Array;
      try {
        bytes = await fs.readFile(json);
      } catch (e) {
        throw new Error(`loadLayersModel: cannot read ${json}: ${(e as Error).message}`);
      }
      const modelJSON = parseModelJSON(new TextDecoder().decode(bytes), json);
      return artifactsFromModelJSON(modelJSON, (p) => fs.readFile(fs.join(dir, safeShardPath(p, json))), json);
    },
  };
}
