// The saved form of a model: JSON metadata (kind, config, id maps, and where
// each array sits) plus one binary buffer holding the arrays back to back,
// little-endian float32 / int32 (the byte order of every supported runtime).

/** One array of a model and its shape. */
export interface ShapedArray {
  /** The elements, row-major. */
  data: Float32Array | Int32Array;
  /** Dimensions. */
  shape: number[];
}

/** Named arrays of a model. */
export type ArtifactArrays = Record<string, ShapedArray>;

/** What a model saves of itself: its config and its arrays. */
export interface SavedState {
  /** Hyper-parameters and anything else needed to rebuild the model. */
  config: Record<string, unknown>;
  /** The model's arrays by name. */
  arrays: ArtifactArrays;
}

/** Where one array sits in the weights buffer. */
export interface ArrayEntry {
  /** Array name. */
  name: string;
  /** Element type. */
  dtype: 'float32' | 'int32';
  /** Dimensions. */
  shape: number[];
  /** Start in the weights buffer. */
  byteOffset: number;
  /** Length in bytes. */
  byteLength: number;
}

/** The JSON half of a saved model. */
export interface ArtifactMeta {
  /** Always 'wasmml-recommender'. */
  format: 'wasmml-recommender';
  /** Format version (1). */
  version: 1;
  /** Model family. */
  kind: string;
  /** Everything needed to rebuild the model (sizes, hyper-parameters, id maps). */
  config: Record<string, unknown>;
  /** The arrays in the weights buffer. */
  arrays: ArrayEntry[];
  /** Total bytes of the weights buffer. */
  weightsBytes: number;
  /** File name of the weights beside model.json (set when saved to a directory). */
  weightsFile?: string;
}

/** A model in memory: metadata and weights, ready to store anywhere (files, IndexedDB, a request body). */
export interface ModelArtifacts {
  /** The JSON-serialisable metadata. */
  meta: ArtifactMeta;
  /** The arrays. */
  weights: Uint8Array;
}

/** @internal Packs config and arrays into artifacts. */
export function packArtifacts(kind: string, config: Record<string, unknown>, arrays: ArtifactArrays): ModelArtifacts {
  const entries: ArrayEntry[] = [];
  let bytes = 0;
  for (const [name, { data, shape }] of Object.entries(arrays)) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`saving ${kind}: array ${name} has ${data.length} elements for shape [${shape}]`);
    entries.push({ name, dtype: data instanceof Int32Array ? 'int32' : 'float32', shape, byteOffset: bytes, byteLength: data.byteLength });
    bytes += data.byteLength;
  }
  const weights = new Uint8Array(bytes);
  entries.forEach((e, k) => {
    const src = Object.values(arrays)[k]!.data;
    weights.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), e.byteOffset);
  });
  return { meta: { format: 'wasmml-recommender', version: 1, kind, config, arrays: entries, weightsBytes: bytes }, weights };
}

/** @internal Checks artifacts and copies their arrays out. */
export function unpackArtifacts(a: ModelArtifacts): {
  kind: string;
  config: Record<string, unknown>;
  arrays: Record<string, Float32Array | Int32Array>;
} {
  const m = a?.meta;
  if (m?.format !== 'wasmml-recommender')
    throw new Error(`loadRecommender: not a wasmml recommender (format ${JSON.stringify(m?.format)})`);
  if (m.version !== 1) throw new Error(`loadRecommender: format version ${m.version} is not supported (this build reads 1)`);
  if (a.weights.byteLength !== m.weightsBytes) {
    throw new Error(`loadRecommender: the weights hold ${a.weights.byteLength} bytes, the metadata expects ${m.weightsBytes}`);
  }
  const arrays: Record<string, Float32Array | Int32Array> = {};
  for (const e of m.arrays) {
    if (e.byteOffset < 0 || e.byteOffset + e.byteLength > a.weights.byteLength || e.byteLength % 4 !== 0) {
      throw new Error(
        `loadRecommender: array ${e.name} lies outside the weights (${e.byteOffset} + ${e.byteLength} > ${a.weights.byteLength})`,
      );
    }
    const bytes = a.weights.slice(e.byteOffset, e.byteOffset + e.byteLength);
    arrays[e.name] = e.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  }
  return { kind: m.kind, config: m.config, arrays };
}
