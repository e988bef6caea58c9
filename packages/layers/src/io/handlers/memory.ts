// In-memory handlers (tfjs io.fromMemory / io.withSaveHandler): artifacts
// passed straight through, for custom storage and tests.
import type { IOHandler, ModelArtifacts, SaveResult } from '../types.js';
import { concatBuffers } from '../weights.js';

/** Size summary of artifacts (tfjs `getModelArtifactsInfoForJSON`). */
export function artifactsInfo(a: ModelArtifacts): SaveResult['modelArtifactsInfo'] {
  const utf8 = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).byteLength;
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: a.modelTopology ? utf8(a.modelTopology) : 0,
    weightSpecsBytes: a.weightSpecs ? utf8(a.weightSpecs) : 0,
    weightDataBytes: a.weightData ? concatBuffers(a.weightData).byteLength : 0,
  };
}

/** A handler that loads the given artifacts. */
export function fromMemory(artifacts: ModelArtifacts): IOHandler {
  return { load: async () => artifacts };
}

/** A handler whose save calls `saveHandler` with the artifacts. */
export function withSaveHandler(saveHandler: (artifacts: ModelArtifacts) => Promise<SaveResult>): IOHandler {
  return { save: (artifacts) => saveHandler(artifacts) };
}
