// The safetensors format (Hugging Face): an 8-byte little-endian header length,
// a JSON header {name: {dtype, shape, data_offsets}}, then the raw bytes. Shared
// here (layer 4) because model conversion and language-model checkpoints both
// read it, and those packages are siblings that may not import each other.

/** Element types of the safetensors format. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<SafetensorsDType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** One tensor of a safetensors file: a view on the file's bytes (no copy). */
export interface SafetensorsTensor {
  /** Stored element type. */
  dtype: SafetensorsDType;
  /** Dimensions. */
  shape: number[];
  /** The raw little-endian bytes, a view into the file. */
  bytes: Uint8Array;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** Tensors by name, in file order. */
  tensors: Map<string, SafetensorsTensor>;
  /** The `__metadata__` strings, if any. */
  metadata: Record<string, string>;
}

/** A tensor to write: float32 and int32 values (or raw bytes with their dtype). */
export interface SafetensorsInput {
  /** Dimensions. */
  shape: number[];
  /** Values; the dtype follows the array (Float32Array: F32, Int32Array: I32, Uint8Array: U8). */
  data: Float32Array | Int32Array | Uint8Array;
}

function fail(msg: string): never {
  throw new Error(`safetensors: ${msg}`);
}

/** Parses a safetensors file; every tensor is checked against the buffer before any is returned. */
export function readSafetensors(file: Uint8Array): SafetensorsFile {
  if (file.byteLength < 8) fail(`the file is ${file.byteLength} bytes, shorter than the 8-byte header length`);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (8 + n > file.byteLength) fail(`the header claims ${n} bytes but the file has ${file.byteLength - 8} after the length (truncated?)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    fail(`the header is not JSON (${(e as Error).message})`);
  }
  const data = file.subarray(8 + n);
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (v ?? {}) as Record<string, string>;
      continue;
    }
    const e = v as { dtype?: string; shape?: unknown; data_offsets?: unknown };
    const dtype = e.dtype as SafetensorsDType;
    if (!(dtype in BYTES)) fail(`tensor '${name}' has dtype ${String(e.dtype)}; expected one of ${Object.keys(BYTES).join(', ')}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      fail(`tensor '${name}' has shape ${JSON.stringify(shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2) fail(`tensor '${name}' has no [begin, end] data_offsets`);
    const [begin, end] = off as [number, number];
    const want = (shape as number[]).reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (end - begin !== want)
      fail(`tensor '${name}' (${dtype} [${shape.join(', ')}]) needs ${want} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    if (begin < 0 || end > data.byteLength)
      fail(`tensor '${name}' lies at [${begin}, ${end}] past the ${data.byteLength} data bytes (truncated?)`);
    tensors.set(name, { dtype, shape: shape as number[], bytes: data.subarray(begin, end) });
  }
  return { tensors, metadata };
}

function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** A tensor's values as float32 (F32, F16, BF16, F64 and the integer types widen or narrow to it). */
export function safetensorsToFloat32(t: SafetensorsTensor): Float32Array {
  const n = t.bytes.byteLength / BYTES[t.dtype];
  const dv = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Float32Array(n);
  const bf = new DataView(new ArrayBuffer(4));
  const read: Record<SafetensorsDType, (i: number) => number> = {
    F32: (i) => dv.getFloat32(i * 4, true),
    F64: (i) => dv.getFloat64(i * 8, true),
    F16: (i) => f16(dv.getUint16(i * 2, true)),
    BF16: (i) => {
      bf.setUint32(0, dv.getUint16(i * 2, true) << 16, true);
      return bf.getFloat32(0, true);
    },
    I64: (i) => Number(dv.getBigInt64(i * 8, true)),
    I32: (i) => dv.getInt32(i * 4, true),
    I16: (i) => dv.getInt16(i * 2, true),
    I8: (i) => dv.getInt8(i),
    U8: (i) => dv.getUint8(i),
    BOOL: (i) => dv.getUint8(i),
  };
  const r = read[t.dtype];
  for (let i = 0; i < n; i++) out[i] = r(i);
  return out;
}

/** Writes tensors (in the given order) as a safetensors file; the header is padded to 8 bytes as the reference writer does. */
export function writeSafetensors(tensors: Record<string, SafetensorsInput>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const dtype: SafetensorsDType = t.data instanceof Float32Array ? 'F32' : t.data instanceof Int32Array ? 'I32' : 'U8';
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) fail(`tensor '${name}' has shape [${t.shape.join(', ')}] (${size} values) but ${t.data.length} values`);
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    parts.push(bytes);
    offset += bytes.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.byteLength % 8)) % 8;
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let at = 8 + json.byteLength;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
