// Checksums for downloads and cached files: sha256 and md5 (the one most
// dataset pages publish), streamed so large files are never held twice.
import { md5 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

/** A sha256 digest in hex. */
export interface Sha256Checksum {
  /** 64 hex digits. */
  sha256: string;
}

/** An md5 digest in hex. */
export interface Md5Checksum {
  /** 32 hex digits. */
  md5: string;
}

/** A checksum: `"sha256:<hex>"`, `"md5:<hex>"`, bare hex (64 digits sha256, 32 md5), or `{sha256}` / `{md5}`. */
export type Checksum = string | Sha256Checksum | Md5Checksum;

/** The algorithms accepted in a {@link Checksum}. */
export type ChecksumAlgorithm = 'sha256' | 'md5';

/** A normalised checksum. */
export interface ParsedChecksum {
  /** The hash function. */
  algorithm: ChecksumAlgorithm;
  /** The expected digest, lower-case hex. */
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
    throw new Error(
      `checksum "${JSON.stringify(spec)}": expected sha256 (64 hex digits) or md5 (32 hex digits), optionally prefixed "sha256:" / "md5:"`,
    );
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
  /**
   * @param what Names the file or URL checked.
   * @param algorithm The hash function.
   * @param expected The digest that was expected.
   * @param actual The digest of the data.
   * @param note What was done about it (e.g. "nothing was cached").
   */
  constructor(
    readonly what: string,
    readonly algorithm: ChecksumAlgorithm,
    readonly expected: string,
    readonly actual: string,
    note = '',
  ) {
    super(`${what}: ${algorithm} mismatch: expected ${expected}, got ${actual}${note ? `; ${note}` : ''}`);
    this.name = 'ChecksumError';
  }
}
