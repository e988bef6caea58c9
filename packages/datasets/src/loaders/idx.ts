// The IDX format of the MNIST files: a 4-byte magic number (two zero bytes, a
// type code, the number of dimensions), one big-endian u32 per dimension, then
// the values in row-major order, big-endian.
import type { TypedArray } from '../types.js';

/** A parsed IDX file. */
export interface IdxArray {
  /** The element type from the magic number. */
  dtype: 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
  /** The dimensions from the header. */
  shape: number[];
  /** The values, row-major, converted from big-endian. */
  data: TypedArray;
}

const TYPES: Record<number, [IdxArray['dtype'], number]> = {
  0x08: ['uint8', 1],
  0x09: ['int8', 1],
  0x0b: ['int16', 2],
  0x0c: ['int32', 4],
  0x0d: ['float32', 4],
  0x0e: ['float64', 8],
};

const hex = (v: number, digits = 8) => `0x${v.toString(16).padStart(digits, '0')}`;

/**
 * The total size an IDX file's header promises (header + values), once `head`
 * holds the header; undefined before. Bad magic gives 4 bytes, so reading stops
 * at once and parseIdx reports the magic.
 */
export function idxExpectedBytes(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  const type = TYPES[head[2]!];
  if (head[0] !== 0 || head[1] !== 0 || !type || head[3] === 0) return 4;
  const headerBytes = 4 + 4 * head[3]!;
  if (head.length < headerBytes) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let d = 0; d < head[3]!; d++) count *= view.getUint32(4 + 4 * d);
  return headerBytes + count * type[1];
}

/** Parses IDX bytes (already decompressed); `name` labels errors, which give the byte position. */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) throw new Error(`${name}: truncated IDX file: ${bytes.length} bytes, the header alone needs 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = TYPES[bytes[2]!];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || bytes[3] === 0) {
    throw new Error(
      `${name}: not an IDX file: magic number ${hex(magic)} at byte 0 (expected 0x0000TTDD: type 08/09/0b/0c/0d/0e, DD dimensions)`,
    );
  }
  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes)
    throw new Error(`${name}: truncated IDX header: ${bytes.length} bytes, ${ndim} dimensions need ${headerBytes}`);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d));
  const [dtype, width] = type;
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * width;
  if (bytes.length < expected) {
    throw new Error(
      `${name}: truncated IDX file: shape [${shape.join(', ')}] needs ${expected} bytes, found ${bytes.length} (data ends at byte ${bytes.length}, value ${Math.floor((bytes.length - headerBytes) / width)} of ${count})`,
    );
  }
  if (bytes.length > expected) throw new Error(`${name}: ${bytes.length - expected} unexpected bytes after the data, at byte ${expected}`);
  let data: TypedArray;
  if (dtype === 'uint8') data = bytes.slice(headerBytes, expected);
  else if (dtype === 'int8') data = new Int8Array(bytes.slice(headerBytes, expected).buffer);
  else {
    const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[dtype];
    const out = new Ctor(count);
    const get = {
      int16: (o: number) => view.getInt16(o),
      int32: (o: number) => view.getInt32(o),
      float32: (o: number) => view.getFloat32(o),
      float64: (o: number) => view.getFloat64(o),
    }[dtype];
    for (let i = 0; i < count; i++) out[i] = get(headerBytes + i * width);
    data = out;
  }
  return { dtype, shape, data };
}
