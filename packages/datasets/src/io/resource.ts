// Where loader input comes from: a local path, a URL (downloaded to the cache),
// or bytes the caller already has. Everything is read as bytes or as a stream.
import { platform } from '@wasmml/platform';

/** Input for a loader: a path or URL string, a URL, bytes, or a Blob. */
export type DataLocation = string | URL | Uint8Array | ArrayBuffer | Blob;

/** A readable input with a name used in error messages. */
export interface Resource {
  /** The path or URL, for error messages. */
  readonly name: string;
  /** The whole content. */
  bytes(): Promise<Uint8Array>;
  /** The content as a stream of chunks. */
  stream(): Promise<ReadableStream<Uint8Array>>;
}

/** Whether a string is an http(s) URL rather than a path. */
export function isRemote(location: string | URL): boolean {
  const s = typeof location === 'string' ? location : location.href;
  return /^https?:\/\//i.test(s);
}

/** Joins a directory or base URL with a file name. */
export function joinLocation(base: string | URL, file: string): string {
  const s = typeof base === 'string' ? base : base.href;
  if (isRemote(s) || s.startsWith('file:')) return s.endsWith('/') ? s + file : `${s}/${file}`;
  return platform.join(s, file);
}

function filePath(location: string | URL): string {
  const s = typeof location === 'string' ? location : location.href;
  if (!s.startsWith('file:')) return s;
  const u = new URL(s);
  const p = decodeURIComponent(u.pathname);
  return /^\/[A-Za-z]:/.test(p) ? p.slice(1) : p;
}

/** A resource over bytes in memory. */
export function memoryResource(name: string, data: Uint8Array): Resource {
  return {
    name,
    bytes: async () => data,
    stream: async () => new Blob([data as Uint8Array<ArrayBuffer>]).stream(),
  };
}

/** A resource over a local file (Node, Deno). */
export function fileResource(location: string | URL): Resource {
  const path = filePath(location);
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new Error(
        `cannot read ${path}: ${code === 'ENOENT' || (e as Error).name === 'NotFound' ? 'no such file' : (e as Error).message}`,
        { cause: e },
      );
    }
  };
  return {
    name: path,
    bytes: () => wrap(() => platform.readFile(path)),
    stream: () => wrap(() => platform.openRead(path)),
  };
}

/** A resource over a local path, file: URL, bytes or Blob (remote URLs go through `download`). */
export function localResource(location: DataLocation, name = 'data'): Resource {
  if (typeof location === 'string' || location instanceof URL) return fileResource(location);
  if (location instanceof Uint8Array) return memoryResource(name, location);
  if (location instanceof ArrayBuffer) return memoryResource(name, new Uint8Array(location));
  if (typeof Blob !== 'undefined' && location instanceof Blob) {
    return { name, bytes: async () => new Uint8Array(await location.arrayBuffer()), stream: async () => location.stream() };
  }
  throw new Error(`${name}: expected a path, a URL, bytes or a Blob`);
}

/** Whether bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Default ceiling on what one gzip input may expand to: far above any dataset file loaders read whole. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 1 << 30;

/** Limits of {@link gunzip}. */
export interface GunzipLimits {
  /** Largest decompressed size accepted (default {@link DEFAULT_MAX_DECOMPRESSED_BYTES}). */
  maxBytes?: number;
  /**
   * Given the first decompressed bytes, the exact size the format's header
   * promises (an IDX file's header), or undefined while more bytes are needed;
   * decompression stops one byte past it, so a lying file costs no more memory
   * than an honest one.
   */
  expectedBytes?: (head: Uint8Array) => number | undefined;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

/**
 * Decompresses gzip bytes with the standard DecompressionStream; `name` labels
 * errors. Stops with an error once the output passes the limit (a corrupt file
 * or a decompression bomb), so memory stays bounded whatever the input says.
 */
export async function gunzip(bytes: Uint8Array, name: string, limits: GunzipLimits = {}): Promise<Uint8Array> {
  let cap = limits.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  let promised: number | undefined;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new Error(`${name}: corrupt or truncated gzip data after ${total} decompressed bytes (${(e as Error).message})`, {
          cause: e,
        });
      }
      if (r.done) break;
      parts.push(r.value);
      total += r.value.byteLength;
      if (promised === undefined && limits.expectedBytes) {
        const head = parts.length === 1 ? parts[0]! : concat(parts, total);
        promised = limits.expectedBytes(head);
        if (promised !== undefined) cap = Math.min(cap, promised);
      }
      if (total > cap) {
        throw new Error(
          promised !== undefined && cap === promised
            ? `${name}: the gzip data expands past the ${promised} bytes its header describes (stopped at ${total}); a corrupt file?`
            : `${name}: the gzip data expands past ${cap} bytes (stopped there: a corrupt file or a decompression bomb; ` +
                'pass a larger maxDecompressedBytes if the file is genuine)',
        );
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return concat(parts, total);
}

/** The bytes, decompressed when they are gzip. */
export async function maybeGunzip(bytes: Uint8Array, name: string, limits?: GunzipLimits): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzip(bytes, name, limits) : bytes;
}

/** The stream, decompressed on the fly when it starts with the gzip magic number. */
export async function maybeGunzipStream(stream: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  const first = await reader.read();
  let pending: Uint8Array | undefined = first.done ? undefined : first.value;
  const rest = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending) {
        controller.enqueue(pending);
        pending = undefined;
        return;
      }
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const gz = first.value !== undefined && isGzip(first.value);
  return gz ? rest.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) : rest;
}
