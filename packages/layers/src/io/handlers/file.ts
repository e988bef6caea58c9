// file:// (Node and Deno): <dir>/model.json plus weight shards beside it.
// A save replaces the model as a whole (see ../atomic.ts): shards are written
// under content-addressed names, model.json is renamed into place last, and
// only then are the old shards deleted; a kill at any instant leaves the old
// model or the new one loadable, and a failed save removes what it added.
// Loading reads only files inside the model's directory, and the integrity
// record (sizes and SHA-256 per shard) turns a truncated or altered file into
// an error naming it rather than wrong numbers.
import { files as fs } from '../files.js';
import { contentName, isPlainName, switchFiles } from '../atomic.js';
import { sha256Hex } from '../integrity.js';
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
    return (parsed.weightsManifest ?? []).flatMap((g) =>
      Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : [],
    );
  } catch {
    return [];
  }
}

const baseName = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/** The file:// handler (tfjs-node `tf.io.fileSystem`): a directory, or a path ending in .json. */
export function fileSystem(path: string, options: FileSystemOptions = {}): IOHandler {
  return {
    async save(artifacts) {
      const { dir, json } = locate(path);
      const shards = splitShards(concatBuffers(artifacts.weightData ?? new ArrayBuffer(0)), options.shardSizeBytes);
      for (const s of shards) s.path = contentName(s.path, await sha256Hex(s.bytes));
      const modelJSON = await toModelJSON(artifacts, shards);
      try {
        await fs.mkdirp(dir);
        const previous = (await previousShards(json)).filter(isPlainName);
        const manifest = { name: baseName(json), bytes: new TextEncoder().encode(JSON.stringify(modelJSON)) };
        await switchFiles(
          fs,
          dir,
          shards.map((s) => ({ name: s.path, bytes: s.bytes })),
          manifest,
          previous,
        );
      } catch (e) {
        throw new Error(
          `model.save: cannot save to ${json}: ${(e as Error).message}; ` +
            'the model that was there (if any) is unchanged and no new file was left behind',
          { cause: e },
        );
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
