// ModelArtifacts <-> model.json plus weight shard files: the layout shared by
// the file://, http(s)://, downloads:// and browser-file handlers.
import { asWasmmlRecord, checkBytes, integrityRecord, shardRecords } from './integrity.js';
import type { ModelArtifacts, ModelJSON, WeightsManifestGroupConfig } from './types.js';
import { concatBuffers } from './weights.js';

/** Shard size of file:// saves: tensorflowjs_converter's 4 MiB. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** A weight file to write: its path relative to model.json and its bytes. */
export interface Shard {
  path: string;
  bytes: Uint8Array;
}

/** Splits the weight bytes into files of at most maxBytes: 'weights.bin', or 'weights-shard1of3.bin', ... */
export function splitShards(data: ArrayBuffer, maxBytes = DEFAULT_SHARD_BYTES, stem = 'weights'): Shard[] {
  if (!(Number.isInteger(maxBytes) && maxBytes > 0))
    throw new Error(`model.save: shardSizeBytes must be a positive integer, got ${maxBytes}`);
  const all = new Uint8Array(data);
  const n = Math.max(1, Math.ceil(all.byteLength / maxBytes));
  return Array.from({ length: n }, (_, i) => ({
    path: n === 1 ? `${stem}.bin` : `${stem}-shard${i + 1}of${n}.bin`,
    bytes: all.subarray(i * maxBytes, Math.min((i + 1) * maxBytes, all.byteLength)),
  }));
}

/** model.json for artifacts whose weights are written as `shards`, with the integrity record. */
export async function toModelJSON(artifacts: ModelArtifacts, shards: Shard[]): Promise<ModelJSON> {
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('model.save: the artifacts have no JSON modelTopology (only layers models can be written as model.json)');
  }
  const data = concatBuffers(artifacts.weightData ?? new ArrayBuffer(0));
  const json: ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? '@wasmml/layers',
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: shards.map((s) => s.path), weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  // The whole-data checksum saveModel computed is reused; only the shards are hashed here.
  const given = artifacts.wasmml;
  const whole =
    given && given.byteLength === data.byteLength
      ? given
      : { ...(await integrityRecord(data)), ...(given?.training ? { training: given.training } : {}) };
  const rec = { ...whole, shards: await shardRecords(shards) };
  json.wasmml = rec;
  return json;
}

/** Parses model.json text, with errors that name where it came from. */
export function parseModelJSON(text: string, where: string): ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`loadLayersModel: ${where} is not valid JSON (${(e as Error).message}); a truncated or partly written file?`);
  }
  const j = json as ModelJSON;
  if (!j || typeof j !== 'object' || !j.modelTopology) {
    throw new Error(`loadLayersModel: ${where} has no modelTopology; it is not a TensorFlow.js model.json`);
  }
  if (j.weightsManifest !== undefined && !Array.isArray(j.weightsManifest)) {
    throw new Error(`loadLayersModel: ${where}: weightsManifest must be a list of {paths, weights}`);
  }
  for (const [i, g] of (j.weightsManifest ?? []).entries()) {
    // Checked before any file is opened: a hostile manifest must fail here, not as a TypeError deep in a handler.
    if (!g || !Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string') || !Array.isArray(g.weights)) {
      throw new Error(`loadLayersModel: ${where}: weightsManifest[${i}] must be {paths: string[], weights: [...]}`);
    }
  }
  return j;
}

const verified = new WeakSet<object>();

/** Whether the artifacts' weights were already checked shard by shard while reading. */
export function weightsVerified(a: ModelArtifacts): boolean {
  return verified.has(a);
}

/**
 * Artifacts from model.json, reading each shard through `read`. Shards with an
 * integrity entry are checked one by one, so an error names the bad file.
 */
export async function artifactsFromModelJSON(
  json: ModelJSON,
  read: (path: string) => Promise<Uint8Array>,
  where: string,
  onShard?: (done: number, total: number) => void,
): Promise<ModelArtifacts> {
  const rec = asWasmmlRecord(json.wasmml);
  const groups: WeightsManifestGroupConfig[] = json.weightsManifest ?? [];
  const parts: Uint8Array[] = [];
  const total = groups.reduce((n, g) => n + g.paths.length, 0);
  let checked = 0;
  for (const g of groups) {
    for (const path of g.paths) {
      let bytes: Uint8Array;
      try {
        bytes = await read(path);
      } catch (e) {
        throw new Error(`loadLayersModel: cannot read weight file '${path}' listed in ${where}: ${(e as Error).message}`);
      }
      const entry = rec?.shards?.find((s) => s.path === path);
      if (entry) {
        await checkBytes(bytes, entry, `weight file '${path}' (of ${where})`);
        checked++;
      }
      parts.push(bytes);
      onShard?.(parts.length, total);
    }
  }
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: concatBuffers(parts),
    ...(json.format !== undefined ? { format: json.format } : {}),
    ...(json.generatedBy !== undefined ? { generatedBy: json.generatedBy } : {}),
    ...(json.convertedBy !== undefined ? { convertedBy: json.convertedBy } : {}),
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
    ...(rec ? { wasmml: rec } : {}),
  };
  if (rec && total > 0 && checked === total) verified.add(artifacts);
  return artifacts;
}
