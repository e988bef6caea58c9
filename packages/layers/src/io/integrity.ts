// SHA-256 and byte counts of saved weights, checked on load so that a
// truncated, mixed or altered model fails with an error naming the file
// instead of loading wrong numbers. The runtime's native hash (Node), else
// WebCrypto, else @noble/hashes (e.g. browser pages that are not secure contexts).
import { platform } from '@wasmml/platform';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import type { WasmmlRecord } from './types.js';

/** Lower-case hex SHA-256 of the bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  if (platform.sha256Hex) return platform.sha256Hex(bytes);
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (subtle) {
    try {
      return bytesToHex(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
    } catch {
      // Fall through: some runtimes expose subtle but refuse views on shared memory.
    }
  }
  return bytesToHex(sha256(bytes));
}

/** The record of all weight bytes. */
export async function integrityRecord(data: ArrayBuffer): Promise<WasmmlRecord> {
  return { version: 1, byteLength: data.byteLength, sha256: await sha256Hex(new Uint8Array(data)) };
}

/** Length and checksum of each weight file. */
export async function shardRecords(shards: Array<{ path: string; bytes: Uint8Array }>): Promise<NonNullable<WasmmlRecord['shards']>> {
  const out: NonNullable<WasmmlRecord['shards']> = [];
  for (const s of shards) out.push({ path: s.path, byteLength: s.bytes.byteLength, sha256: await sha256Hex(s.bytes) });
  return out;
}

/** Throws when `bytes` (from `what`) differ from the record's length or checksum. */
export async function checkBytes(bytes: Uint8Array, expected: { byteLength: number; sha256: string }, what: string): Promise<void> {
  if (bytes.byteLength !== expected.byteLength) {
    throw new Error(
      `loadLayersModel: ${what} is ${bytes.byteLength} bytes but model.json records ${expected.byteLength} ` +
        `(${bytes.byteLength < expected.byteLength ? 'truncated' : 'extra bytes'}; an interrupted copy or a file from another save?)`,
    );
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new Error(
      `loadLayersModel: ${what} has SHA-256 ${actual} but model.json records ${expected.sha256} ` +
        '(the file was altered or belongs to another save)',
    );
  }
}

/** Loose check that a value read from JSON is an integrity record we understand. */
export function asWasmmlRecord(v: unknown): WasmmlRecord | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as WasmmlRecord;
  return r.version === 1 && typeof r.byteLength === 'number' && typeof r.sha256 === 'string' ? r : undefined;
}
