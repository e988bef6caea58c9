// The compressed model file: "WMLC", a little-endian u32 header length, the
// JSON header (Keras topology + one entry per weight: shape, encoding, byte
// range), zero padding to 16 bytes, then the weight bytes. A pruned model
// stores its kernels sparse, a float16 one as halves, an int8 one as int8
// values with per-channel scales plus each int8 layer's input quantisation.
import { io, loadLayersModel, modelArtifacts, type LayersModel } from '@wasmml/layers';
import { QuantizedModel, type QuantizedStep } from '../quantize/quantized-model.js';
import { int8Step, sequentialLayers, stepKind } from '../quantize/ptq.js';
import { KERNEL_NAMES } from '../common.js';
import { decodeFloat16, decodeSparse, encodeFloat16, encodeSparse } from './codecs.js';

const MAGIC = [0x57, 0x4d, 0x4c, 0x43]; // "WMLC"

/** How {@link encodeModel} stores a float model's weights. */
export type WeightEncoding = 'float32' | 'float16' | 'sparse';

type Encoding = WeightEncoding | 'int8';

interface WeightEntry {
  name: string;
  shape: number[];
  encoding: Encoding;
  offset: number;
  length: number;
  /** int8: where the float32 per-column scales are. */
  scalesOffset?: number;
}

interface Header {
  format: 'wasmml-compressed';
  version: 1;
  kind: 'layers' | 'int8';
  modelTopology: object;
  weights: WeightEntry[];
  int8?: Array<{ layer: string; kind: 'dense' | 'conv2d'; inputScale: number; inputZeroPoint: number }>;
}

class Writer {
  private parts: Uint8Array[] = [];
  private size = 0;
  add(bytes: Uint8Array): { offset: number; length: number } {
    const offset = this.size;
    this.parts.push(bytes);
    this.size += bytes.length;
    const pad = (4 - (bytes.length % 4)) % 4;
    if (pad) {
      this.parts.push(new Uint8Array(pad));
      this.size += pad;
    }
    return { offset, length: bytes.length };
  }
  finish(header: Header): Uint8Array {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const start = Math.ceil((8 + json.length) / 16) * 16;
    const out = new Uint8Array(start + this.size);
    out.set(MAGIC, 0);
    new DataView(out.buffer).setUint32(4, json.length, true);
    out.set(json, 8);
    let o = start;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const isKernel = (name: string) => KERNEL_NAMES.includes(name.slice(name.lastIndexOf('/') + 1));
const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function encodeFloat(w: Float32Array, name: string, encoding: WeightEncoding): { bytes: Uint8Array; encoding: Encoding } {
  if (encoding === 'float16') return { bytes: encodeFloat16(w), encoding };
  if (encoding === 'sparse' && isKernel(name)) {
    const s = encodeSparse(w);
    if (s.length < w.byteLength) return { bytes: s, encoding };
  }
  return { bytes: bytesOf(w), encoding: 'float32' };
}

/**
 * The bytes of a float model in the compressed format: 'float32' (default),
 * 'float16' (half the size, ~3 significant digits) or 'sparse' (pruned kernels
 * as a bitmap plus their non-zero values: a 90 %-sparse kernel takes ~13 % of
 * its float32 size). Optimizer state is not saved.
 */
export async function encodeModel(model: LayersModel, opts: { weights?: WeightEncoding } = {}): Promise<Uint8Array> {
  const encoding = opts.weights ?? 'float32';
  if (!['float32', 'float16', 'sparse'].includes(encoding)) {
    throw new Error(`encodeModel: weights must be 'float32', 'float16' or 'sparse', got '${String(encoding)}'`);
  }
  const a = await modelArtifacts(model, { includeOptimizer: false });
  const data = new Uint8Array(
    Array.isArray(a.weightData) ? await new Blob(a.weightData).arrayBuffer() : (a.weightData ?? new ArrayBuffer(0)),
  );
  const w = new Writer();
  const weights: WeightEntry[] = [];
  let o = 0;
  for (const spec of a.weightSpecs ?? []) {
    const n = spec.shape.reduce((s, d) => s * d, 1);
    if (spec.dtype !== 'float32') throw new Error(`encodeModel: weight ${spec.name} is ${spec.dtype}; only float32 weights are supported`);
    const values = new Float32Array(data.slice(o, o + 4 * n).buffer);
    o += 4 * n;
    const e = encodeFloat(values, spec.name, encoding);
    weights.push({ name: spec.name, shape: spec.shape, encoding: e.encoding, ...w.add(e.bytes) });
  }
  return w.finish({ format: 'wasmml-compressed', version: 1, kind: 'layers', modelTopology: a.modelTopology as object, weights });
}

/** The bytes of an int8 model: int8 kernels with their scales, float32 biases, the calibrated input ranges. */
export function encodeQuantized(model: QuantizedModel): Uint8Array {
  const w = new Writer();
  const weights: WeightEntry[] = [];
  const int8: NonNullable<Header['int8']> = [];
  for (const step of model.steps) {
    for (const nw of step.layer.namedWeights) {
      const shape = nw.variable.shape;
      if (step.kind !== 'float' && isKernel(nw.originalName)) {
        const v = w.add(new Uint8Array(step.values.buffer, step.values.byteOffset, step.values.length));
        const s = w.add(bytesOf(step.scales));
        weights.push({ name: nw.originalName, shape, encoding: 'int8', ...v, scalesOffset: s.offset });
      } else {
        weights.push({ name: nw.originalName, shape, encoding: 'float32', ...w.add(bytesOf(nw.variable.dataSync() as Float32Array)) });
      }
    }
    if (step.kind !== 'float') {
      int8.push({ layer: step.layer.name, kind: step.kind, inputScale: step.input.scale, inputZeroPoint: step.input.zeroPoint });
    }
  }
  return w.finish({ format: 'wasmml-compressed', version: 1, kind: 'int8', modelTopology: model.topology, weights, int8 });
}

function parse(bytes: Uint8Array, where: string): { header: Header; body: Uint8Array } {
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m))
    throw new Error(`${where}: not a wasmml compressed model (no WMLC signature)`);
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + len > bytes.length) throw new Error(`${where}: truncated header (${len} bytes announced, ${bytes.length - 8} present)`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.slice(8, 8 + len))) as Header;
  } catch (e) {
    throw new Error(`${where}: corrupted header (${(e as Error).message})`);
  }
  if (header.format !== 'wasmml-compressed' || header.version !== 1 || !Array.isArray(header.weights)) {
    throw new Error(`${where}: unsupported header (format ${String(header.format)}, version ${String(header.version)})`);
  }
  const body = bytes.subarray(Math.ceil((8 + len) / 16) * 16);
  for (const e of header.weights) {
    const n = e.shape.reduce((s, d) => s * d, 1);
    const scalesEnd = e.encoding === 'int8' ? (e.scalesOffset ?? -1) + 4 * (e.shape[e.shape.length - 1] ?? 0) : 0;
    if (
      e.offset < 0 ||
      e.offset + e.length > body.length ||
      scalesEnd > body.length ||
      (e.encoding === 'int8' && !(e.scalesOffset! >= 0)) ||
      (e.encoding === 'float32' && e.length !== 4 * n) ||
      (e.encoding === 'float16' && e.length !== 2 * n) ||
      (e.encoding === 'int8' && e.length !== n)
    ) {
      throw new Error(
        `${where}: weight ${e.name} [${e.shape}] (${e.encoding}) does not fit the file (bytes ${e.offset}+${e.length} of ${body.length})`,
      );
    }
  }
  return { header, body };
}

function decodeWeight(e: WeightEntry, body: Uint8Array, where: string): Float32Array {
  const n = e.shape.reduce((s, d) => s * d, 1);
  const bytes = body.subarray(e.offset, e.offset + e.length);
  switch (e.encoding) {
    case 'float32':
      return new Float32Array(bytes.slice().buffer);
    case 'float16':
      return decodeFloat16(bytes, n);
    case 'sparse':
      return decodeSparse(bytes, n, `${where}: ${e.name}`);
    case 'int8': {
      const cols = e.shape[e.shape.length - 1]!;
      const q = new Int8Array(bytes.slice().buffer);
      const s = new Float32Array(body.slice(e.scalesOffset!, e.scalesOffset! + 4 * cols).buffer);
      return Float32Array.from(q, (v, i) => v * s[i % cols]!);
    }
    default:
      throw new Error(`${where}: weight ${e.name} has unknown encoding '${String(e.encoding)}'`);
  }
}

/**
 * Rebuilds a model from {@link encodeModel} / {@link encodeQuantized} bytes: a
 * LayersModel, or a QuantizedModel for an int8 file. Throws on a corrupted
 * file, allocating nothing.
 */
export async function decodeModel(bytes: Uint8Array, where = 'decodeModel'): Promise<LayersModel | QuantizedModel> {
  const { header, body } = parse(bytes, where);
  const values = header.weights.map((e) => decodeWeight(e, body, where));
  const total = values.reduce((s, v) => s + v.length, 0);
  const data = new Float32Array(total);
  let o = 0;
  for (const v of values) {
    data.set(v, o);
    o += v.length;
  }
  const model = await loadLayersModel(
    io.fromMemory({
      modelTopology: header.modelTopology as Record<string, unknown>,
      weightSpecs: header.weights.map((e) => ({ name: e.name, shape: e.shape, dtype: 'float32' as const })),
      weightData: data.buffer,
    }),
  );
  if (header.kind !== 'int8') return model;
  const steps: QuantizedStep[] = [];
  try {
    const { layers, inputShape } = sequentialLayers(model, where);
    for (const layer of layers) {
      const q = header.int8?.find((i) => i.layer === layer.name);
      const kind = stepKind(layer, where);
      if (!q || kind === 'float') {
        steps.push({ kind: 'float', layer });
        continue;
      }
      const e = header.weights.find((x) => x.name === `${layer.name}/kernel` && x.encoding === 'int8');
      if (!e) throw new Error(`${where}: int8 layer ${layer.name} has no int8 kernel in the file`);
      const cols = e.shape[e.shape.length - 1]!;
      const vals = new Int8Array(body.slice(e.offset, e.offset + e.length).buffer);
      const scales = new Float32Array(body.slice(e.scalesOffset!, e.scalesOffset! + 4 * cols).buffer);
      steps.push(int8Step(q.kind, layer, vals, scales, { scale: q.inputScale, zeroPoint: q.inputZeroPoint }));
    }
    return new QuantizedModel(inputShape, steps, header.modelTopology, true);
  } catch (e) {
    for (const s of steps) if (s.kind !== 'float') s.weights.dispose();
    model.dispose();
    throw e;
  }
}
