// Checksums for downloads and cached files: sha256 and md5 (the one most
// dataset pages publish), streamed so large files are never held twice.
import { md5 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

/** A checksum: `"sha256:<hex>"`, `"md5:<hex>"`, bare hex (64 digits sha256, 32 md5), or `{sha256}` / `{md5}`. */
export type Checksum = string | { sha256: string } | { md5: string };

/** The algorithms accepted in a {@link Checksum}. */
export type ChecksumAlgorithm = 'sha256' | 'md5';

/** A normalised checksum. */
export interface ParsedChecksum {
  algorithm: ChecksumAlgorithm;
  hex: string;
}

/** Normalises any accepted checksum form; throws on anything else. */
export function parseChecksum(spec: Checksum): ParsedChecksum {
  let algorithm: string | undefined;
  let hex: string;
  if (typeof spec === 'string') {
    const m = /^(sha256|md5)[:-](.*)$/i.exec(spec.trim());
    if (m) {
      algorithm = m[1]!.toLowerCase();
      hex = m[2]!;
    } else {
      hex = spec.trim();
      algorithm = hex.length === 64 ? 'sha256' : hex.length === 32 ? 'md5' : undefined;
    }
  } else if ('sha256' in spec) {
    algorithm = 'sha256';
    hex = spec.sha256;
  } else {
    algorithm = 'md5';
    hex = spec.md5;
  }
  hex = hex.toLowerCase();
  const want = algorithm === 'sha256' ? 64 : 32;
  if (!algorithm || hex.length !== want || !/^[0-9a-f]+$/.test(hex)) {
    throw new Error(`checksum "${JSON.stringify(spec)}": expected sha256 (64 hex digits) or md5 (32 hex digits), optionally prefixed "sha256:" / "md5:"`);
  }
  return { algorithm: algorithm as ChecksumAlgorithm, hex };
}

/** An incremental hash. */
export interface Hasher {
  update(chunk: Uint8Array): void;
  /** The digest in lower-case hex; call once. */
  hex(): string;
}

/** A fresh incremental hasher for `algorithm`. */
export function createHasher(algorithm: ChecksumAlgorithm): Hasher {
  const h = algorithm === 'sha256' ? sha256.create() : md5.create();
  return {
    update: (chunk) => void h.update(chunk),
    hex: () => bytesToHex(h.digest()),
  };
}

/** The hex digest of `bytes`. */
export function digest(algorithm: ChecksumAlgorithm, bytes: Uint8Array): string {
  const h = createHasher(algorithm);
  h.update(bytes);
  return h.hex();
}

/** Thrown when data does not match its expected checksum. */
export class ChecksumError extends Error {
  /** `what` names the file or URL. */
  constructor(readonly what: string, readonly algorithm: ChecksumAlgorithm, readonly expected: string, readonly actual: string, note = '') {
    super(`${what}: ${algorithm} mismatch: expected ${expected}, got ${actual}${note ? `; ${note}` : ''}`);
    this.name = 'ChecksumError';
  }
}
