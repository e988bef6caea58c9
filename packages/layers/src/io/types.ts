// The saved-model types, in TensorFlow.js's shapes (tf.io.ModelArtifacts,
// IOHandler, model.json), so handlers written for tfjs work here unchanged.

/** Element types a weight can be stored as. */
export type WeightDType = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

/** How a quantized weight was stored (tensorflowjs_converter's quantization). */
export interface WeightQuantization {
  /** The stored element type. */
  dtype: 'uint8' | 'uint16' | 'float16';
  /** uint8/uint16: value = stored * scale + min. */
  scale?: number;
  /** uint8/uint16: value = stored * scale + min. */
  min?: number;
  /** The element type before quantization. */
  original_dtype?: WeightDType;
}

/** One weight in a manifest: its name, shape and dtype; its bytes follow the previous weight's. */
export interface WeightsManifestEntry {
  /** `<layer>/<weight>` (optimizer state: `<layer>/<weight>/<slot>` and `iter`). */
  name: string;
  /** Dimensions. */
  shape: number[];
  /** Element type of the values (before quantization). */
  dtype: WeightDType;
  /** 'model' (default) or 'optimizer'. */
  group?: 'model' | 'optimizer';
  /** Present when the values are stored quantized. */
  quantization?: WeightQuantization;
}

/** A group of weights stored across one or more shard files, concatenated in order. */
export interface WeightsManifestGroupConfig {
  /** Shard file paths, relative to model.json. */
  paths: string[];
  /** The weights, in byte order across the concatenated shards. */
  weights: WeightsManifestEntry[];
}

/** What wasmml adds under the `wasmml` key of model.json (tfjs ignores it): integrity data and extra training settings. */
export interface WasmmlRecord {
  /** Record version. */
  version: 1;
  /** Length in bytes of all weight data. */
  byteLength: number;
  /** Lower-case hex SHA-256 of all weight data. */
  sha256: string;
  /** Per shard file, in manifest order: its path, length and SHA-256. */
  shards?: Array<{
    /** Path relative to model.json. */
    path: string;
    /** File length in bytes. */
    byteLength: number;
    /** Lower-case hex SHA-256 of the file. */
    sha256: string;
  }>;
  /** Training settings tfjs's trainingConfig has no place for. */
  training?: {
    /** Per output: whether the loss takes logits. */
    fromLogits?: boolean[];
    /** Per output: weight of its loss in the total. */
    lossWeights?: number[];
  };
}

/** Everything a saved layers model consists of (tfjs `ModelArtifacts`). */
export interface ModelArtifacts {
  /** The Keras JSON of the model (`{class_name, config, ...}`). */
  modelTopology?: Record<string, unknown> | ArrayBuffer;
  /** Loss, metrics and optimizer, when saved with includeOptimizer. */
  trainingConfig?: TrainingConfig;
  /** Weight names, shapes and dtypes, in weightData order. */
  weightSpecs?: WeightsManifestEntry[];
  /** All weight values, concatenated (little-endian); tfjs 4 also allows a list of buffers. */
  weightData?: ArrayBuffer | ArrayBuffer[];
  /** 'layers-model' for models of this package. */
  format?: string;
  /** The library that wrote the model. */
  generatedBy?: string;
  /** The converter, if any (null for models saved by a library). */
  convertedBy?: string | null;
  /** Arbitrary JSON the user attached. */
  userDefinedMetadata?: Record<string, unknown>;
  /** The wasmml integrity record (checked on load when present). */
  wasmml?: WasmmlRecord;
}

/** tfjs's saved training configuration (Keras `training_config`). */
export interface TrainingConfig {
  /** Loss name(s), snake_case: one, one per output, or by output name. */
  loss: string | string[] | Record<string, string>;
  /** Metric names per output. */
  metrics?: string[] | Record<string, string[]>;
  /** `{class_name, config}` of the optimizer. */
  optimizer_config: {
    /** Optimizer class ('Adam', 'SGD', ...). */
    class_name: string;
    /** Its getConfig(). */
    config: Record<string, unknown>;
  };
  /** Keras fields tfjs does not read (weighted_metrics, loss_weights...). */
  [key: string]: unknown;
}

/** The content of model.json (tfjs `ModelJSON`). */
export interface ModelJSON {
  /** The Keras JSON of the model. */
  modelTopology: Record<string, unknown>;
  /** Weight files and the weights they hold. */
  weightsManifest: WeightsManifestGroupConfig[];
  /** 'layers-model'. */
  format?: string;
  /** The library that wrote the file. */
  generatedBy?: string;
  /** The converter, if any. */
  convertedBy?: string | null;
  /** Loss, metrics and optimizer (includeOptimizer). */
  trainingConfig?: TrainingConfig;
  /** Arbitrary JSON the user attached. */
  userDefinedMetadata?: Record<string, unknown>;
  /** wasmml's integrity record. */
  wasmml?: WasmmlRecord;
  /** Other keys (tfjs signatures, initializers...) are kept and ignored. */
  [key: string]: unknown;
}

/** Sizes of what was saved (tfjs `ModelArtifactsInfo`). */
export interface ModelArtifactsInfo {
  /** When the model was saved. */
  dateSaved: Date;
  /** 'JSON' for layers models. */
  modelTopologyType: 'JSON' | 'GraphDef';
  /** Size of the topology as JSON text. */
  modelTopologyBytes?: number;
  /** Size of the weight specs as JSON text. */
  weightSpecsBytes?: number;
  /** Size of the weight data. */
  weightDataBytes?: number;
}

/** What a save handler reports (tfjs `SaveResult`). */
export interface SaveResult {
  /** Sizes of what was saved. */
  modelArtifactsInfo: ModelArtifactsInfo;
  /** Responses of HTTP saves. */
  responses?: Response[];
  /** Problems a handler reports without failing. */
  errors?: Array<Record<string, unknown> | string>;
}

/** A place models are saved to and/or loaded from (tfjs `IOHandler`). */
export interface IOHandler {
  /** Stores the artifacts (for model.save). */
  save?: (modelArtifacts: ModelArtifacts) => Promise<SaveResult>;
  /** Returns stored artifacts (for loadLayersModel). */
  load?: () => Promise<ModelArtifacts>;
}

/** Options of `model.save` (tfjs `SaveConfig`). */
export interface SaveConfig {
  /**
   * Also save the optimizer's state (its slots and step count), so that training resumes exactly (default false).
   * The loss, metrics and optimizer settings of a compiled model are always saved, as Keras does.
   */
  includeOptimizer?: boolean;
  /** Accepted for tfjs compatibility; all weights are always saved. */
  trainableOnly?: boolean;
  /**
   * Store float32 weights in 1 byte (uint8) or 2 (uint16), affine-quantised as tensorflowjs_converter's
   * `--quantization_bytes` does; tfjs and our loader dequantise them on load.
   */
  quantizationBytes?: 1 | 2;
  /** Store float32 weights as 'uint8', 'uint16' (affine) or 'float16' (tfjs converter's `--quantize_*` options). */
  quantizationDtype?: 'uint8' | 'uint16' | 'float16';
}

/** Options of `loadLayersModel` (tfjs `LoadOptions`, the parts that apply). */
export interface LoadOptions {
  /** Every model weight must be in the file and every saved weight used (default true). */
  strict?: boolean;
  /**
   * Compile the model from its saved training config (loss, metrics, optimizer settings, and optimizer state when
   * saved with includeOptimizer), as Keras's `load_model(compile=True)` does (default true).
   */
  compile?: boolean;
  /** http(s): options for every fetch (headers, credentials...). */
  requestInit?: RequestInit;
  /** http(s): the fetch to use (default globalThis.fetch). */
  fetchFunc?: typeof fetch;
  /** http(s): where the shards are, instead of beside model.json. */
  weightPathPrefix?: string;
  /** http(s): called with the fraction of files fetched, from 0 to 1. */
  onProgress?: (fraction: number) => void;
}
