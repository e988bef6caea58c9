// Weight values <-> one little-endian byte buffer plus a manifest of names,
// shapes and dtypes (tfjs's encodeWeights/decodeWeights layout), including
// the converter's uint8/uint16/float16 quantization on the way in.
import { quantize, type QuantizationDtype } from './quantize.js';
import type { WeightsManifestEntry } from './types.js';

/** Decoded values of one weight. */
export type WeightValues = Float32Array | Int32Array | Uint8Array;

/** A weight on its way to or from bytes. */
export interface NamedValues {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  values: WeightValues;
  group?: 'optimizer';
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function storedBytes(spec: WeightsManifestEntry): number {
  const n = size(spec.shape);
  const q = spec.quantization?.dtype;
  if (q) return n * (q === 'uint8' ? 1 : 2);
  if (spec.dtype === 'bool') return n;
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return n * 4;
  throw new Error(
    `loadLayersModel: weight '${spec.name}' has dtype '${spec.dtype}', which layers models cannot hold (float32, int32 or bool)`,
  );
}

/** Concatenates buffers (tfjs 4 allows weightData to be a list of them). */
export function concatBuffers(parts: ArrayBuffer | ArrayBuffer[] | Uint8Array[]): ArrayBuffer {
  if (parts instanceof ArrayBuffer) return parts;
  if (parts.length === 1 && parts[0] instanceof ArrayBuffer) return parts[0];
  const views = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(views.reduce((n, v) => n + v.byteLength, 0));
  let off = 0;
  for (const v of views) {
    out.set(v, off);
    off += v.byteLength;
  }
  return out.buffer;
}

/**
 * Weights -> {data, specs}; optimizer weights carry group 'optimizer' as tfjs writes them. With `quantization`,
 * float32 model weights are stored as that dtype (see quantize.ts).
 */
export function encodeWeights(list: NamedValues[], quantization?: QuantizationDtype): { data: ArrayBuffer; specs: WeightsManifestEntry[] } {
  const specs: WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const w of list) {
    if (w.values.length !== size(w.shape)) {
      throw new Error(`model.save: weight '${w.name}' has ${w.values.length} values for shape [${w.shape}]`);
    }
    const spec: WeightsManifestEntry = { name: w.name, shape: [...w.shape], dtype: w.dtype, ...(w.group ? { group: w.group } : {}) };
    if (quantization && w.dtype === 'float32' && !w.group && w.values instanceof Float32Array) {
      const q = quantize(w.values, quantization);
      specs.push({ ...spec, quantization: q.quantization });
      parts.push(q.bytes);
      continue;
    }
    specs.push(spec);
    parts.push(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength));
  }
  return { data: concatBuffers(parts), specs };
}

/** IEEE half -> float. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1,
    e = (h >> 10) & 0x1f,
    f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decodeOne(spec: WeightsManifestEntry, bytes: Uint8Array): WeightValues {
  const n = size(spec.shape);
  // Copy first: the slice may not be 4-byte aligned inside the shard buffer.
  const own = bytes.slice();
  const q = spec.quantization;
  if (!q) {
    if (spec.dtype === 'float32') return new Float32Array(own.buffer, 0, n);
    if (spec.dtype === 'int32') return new Int32Array(own.buffer, 0, n);
    return own;
  }
  const stored = q.dtype === 'uint8' ? own : new Uint16Array(own.buffer, 0, n);
  const out = spec.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  if (q.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(stored[i]!);
  } else {
    const scale = q.scale ?? 1,
      min = q.min ?? 0;
    for (let i = 0; i < n; i++) out[i] = stored[i]! * scale + min;
  }
  return out;
}

/**
 * Bytes + specs -> values by name, with model and optimizer weights apart.
 * The byte count must match the manifest exactly.
 */
export function decodeWeights(
  data: ArrayBuffer,
  specs: WeightsManifestEntry[],
  where: string,
): { model: Map<string, NamedValues>; optimizer: Map<string, NamedValues> } {
  const total = specs.reduce((n, s) => n + storedBytes(s), 0);
  if (total !== data.byteLength) {
    throw new Error(`loadLayersModel: ${where}: the weights manifest describes ${total} bytes but the weight data has ${data.byteLength}`);
  }
  const model = new Map<string, NamedValues>(),
    optimizer = new Map<string, NamedValues>();
  const all = new Uint8Array(data);
  let off = 0;
  for (const spec of specs) {
    const len = storedBytes(spec);
    const values = decodeOne(spec, all.subarray(off, off + len));
    off += len;
    const dtype = spec.dtype as NamedValues['dtype'];
    const target = spec.group === 'optimizer' ? optimizer : model;
    if (target.has(spec.name)) throw new Error(`loadLayersModel: ${where}: the manifest lists weight '${spec.name}' twice`);
    target.set(spec.name, { name: spec.name, shape: spec.shape, dtype, values });
  }
  return { model, optimizer };
}
