// The safetensors format against bytes built by hand from the specification
// (8-byte little-endian header length, JSON header, data), so the reader is not
// only checked against our own writer.
import { readSafetensors, safetensorsToFloat32, writeSafetensors } from '@wasmml/layers';
import { describe, expect, it } from 'vitest';

function handMade(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('reads F32, F16 and BF16 tensors and metadata laid out by the specification', () => {
    const f32 = new Float32Array([1.5, -2, 3.25]);
    // F16 1.0 = 0x3c00, -2.5 = 0xc100; BF16 1.0 = 0x3f80, 0.5 = 0x3f00.
    const f16 = new Uint16Array([0x3c00, 0xc100]),
      bf16 = new Uint16Array([0x3f80, 0x3f00]);
    const data = new Uint8Array(12 + 4 + 4);
    data.set(new Uint8Array(f32.buffer), 0);
    data.set(new Uint8Array(f16.buffer), 12);
    data.set(new Uint8Array(bf16.buffer), 16);
    const file = handMade(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] },
        h: { dtype: 'F16', shape: [2, 1], data_offsets: [12, 16] },
        b: { dtype: 'BF16', shape: [2], data_offsets: [16, 20] },
      },
      data,
    );
    const st = readSafetensors(file);
    expect(st.metadata).toEqual({ format: 'pt' });
    expect([...st.tensors.keys()]).toEqual(['a', 'h', 'b']);
    expect(Array.from(safetensorsToFloat32(st.tensors.get('a')!))).toEqual([1.5, -2, 3.25]);
    expect(st.tensors.get('h')!.shape).toEqual([2, 1]);
    expect(Array.from(safetensorsToFloat32(st.tensors.get('h')!))).toEqual([1, -2.5]);
    expect(Array.from(safetensorsToFloat32(st.tensors.get('b')!))).toEqual([1, 0.5]);
  });

  it('writes a header padded to 8 bytes with offsets in order, and reads back the same values', () => {
    const bytes = writeSafetensors({
      'dense/kernel': { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      ids: { shape: [3], data: new Int32Array([7, -1, 2]) },
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['dense/kernel']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    expect(header.ids).toEqual({ dtype: 'I32', shape: [3], data_offsets: [16, 28] });
    const st = readSafetensors(bytes);
    expect(Array.from(safetensorsToFloat32(st.tensors.get('ids')!))).toEqual([7, -1, 2]);
  });

  it('rejects truncated files and inconsistent headers with the tensor named', () => {
    const good = writeSafetensors({ w: { shape: [4], data: new Float32Array(4) } });
    expect(() => readSafetensors(good.subarray(0, good.length - 4))).toThrow(/tensor 'w' lies at \[0, 16\] past the 12 data bytes/);
    expect(() => readSafetensors(good.subarray(0, 20))).toThrow(/header claims .* bytes.*truncated/);
    const bad = handMade({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(() => readSafetensors(bad)).toThrow(/'w' \(F32 \[3\]\) needs 12 bytes/);
    expect(() => writeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(
      /'w' has shape \[2, 2\] \(4 values\) but 3 values/,
    );
  });
});
