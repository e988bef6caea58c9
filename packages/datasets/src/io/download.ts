// Downloads into a cache directory, verified and resume-safe: bytes go to a
// unique temporary file beside the target, are checked (length, size, checksum)
// and only then renamed into place, so a file under its final name has always
// passed verification; anything else is deleted. Browsers keep verified bytes
// in Cache Storage instead.
import { platform } from '@wasmml/platform';
import { ChecksumError, createHasher, parseChecksum, type Checksum, type ParsedChecksum } from './checksum.js';
import { fileResource, memoryResource, type Resource } from './resource.js';

/** Options of {@link download}. */
export interface DownloadOptions {
  /** Cache directory (Node, Deno). Default: $WASMML_CACHE_DIR, else $XDG_CACHE_HOME/wasmml, else ~/.cache/wasmml. */
  cacheDir?: string;
  /** Sub-directory of the cache, e.g. the dataset name. */
  subdir?: string;
  /** File name in the cache. Default: the last segment of the URL path. */
  fileName?: string;
  /** Expected checksum; verified after download and on every later use of the cached file. */
  checksum?: Checksum;
  /** Expected size in bytes. */
  size?: number;
  /** Download again even when a verified copy is cached. */
  force?: boolean;
  /** Browsers: Cache Storage name to keep downloads in, or false to skip it. Default 'wasmml-datasets'. */
  cacheStorage?: string | false;
  /** fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Progress callback: bytes received so far and the total when known. */
  onProgress?: (received: number, total: number | undefined) => void;
}

/** Thrown when a download fails; the message names the URL and what went wrong. */
export class DownloadError extends Error {
  /**
   * @param url The address that failed.
   * @param message What went wrong.
   */
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`download ${url}: ${message}`, options);
    this.name = 'DownloadError';
  }
}

function defaultFileName(url: string): string {
  const path = new URL(url).pathname;
  const last = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  if (!last || /[\\/]|^\.\.?$/.test(last)) throw new DownloadError(url, 'cannot derive a file name from the URL; pass fileName');
  return last;
}

async function hashFile(path: string, algorithm: ParsedChecksum['algorithm']): Promise<string> {
  const h = createHasher(algorithm);
  const reader = (await platform.openRead(path)).getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    h.update(r.value);
  }
  return h.hex();
}

/** Streams a response body to `sink`, hashing and counting as it goes; checks the announced length. */
async function receive(
  url: string,
  res: Response,
  expected: ParsedChecksum | undefined,
  size: number | undefined,
  sink: (chunk: Uint8Array) => Promise<void> | void,
  onProgress: DownloadOptions['onProgress'],
): Promise<void> {
  if (!res.ok) throw new DownloadError(url, `HTTP ${res.status} ${res.statusText}`.trim());
  if (!res.body) throw new DownloadError(url, 'the response has no body');
  // With a content-encoding the header counts compressed bytes, not what we read.
  const announced = res.headers.get('content-encoding') ? undefined : Number(res.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(announced) ? announced : size;
  const hasher = expected && createHasher(expected.algorithm);
  const reader = res.body.getReader();
  let received = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      received += r.value.length;
      hasher?.update(r.value);
      await sink(r.value);
      onProgress?.(received, total);
    }
  } catch (e) {
    throw new DownloadError(
      url,
      `connection failed after ${received} bytes${total !== undefined ? ` of ${total}` : ''} (${(e as Error).message}); nothing was cached`,
      { cause: e },
    );
  }
  if (announced !== undefined && Number.isFinite(announced) && received !== announced) {
    throw new DownloadError(url, `truncated: received ${received} bytes but the server announced ${announced}; nothing was cached`);
  }
  if (size !== undefined && received !== size) {
    throw new DownloadError(url, `size mismatch: expected ${size} bytes, received ${received}; nothing was cached`);
  }
  if (expected && hasher) {
    const actual = hasher.hex();
    if (actual !== expected.hex) throw new ChecksumError(`download ${url}`, expected.algorithm, expected.hex, actual, 'nothing was cached');
  }
}

/**
 * Downloads `url` once and returns the verified copy: a file in the cache
 * directory under Node and Deno, bytes (kept in Cache Storage) in browsers.
 * A cached file is re-verified against `checksum`/`size` before use and
 * downloaded again if it no longer matches.
 */
export async function download(url: string | URL, options: DownloadOptions = {}): Promise<Resource> {
  const href = typeof url === 'string' ? url : url.href;
  const expected = options.checksum === undefined ? undefined : parseChecksum(options.checksum);
  const doFetch = options.fetch ?? globalThis.fetch;
  const get = async (): Promise<Response> => {
    try {
      return await doFetch(href);
    } catch (e) {
      throw new DownloadError(href, `request failed (${(e as Error).message})`, { cause: e });
    }
  };
  if (!platform.hasFileSystem) return downloadToMemory(href, get, expected, options);

  const root = options.cacheDir ?? platform.cacheDir();
  if (!root) throw new DownloadError(href, 'no cache directory: pass cacheDir or set WASMML_CACHE_DIR');
  const dir = options.subdir ? platform.join(root, options.subdir) : root;
  const target = platform.join(dir, options.fileName ?? defaultFileName(href));

  if (!options.force && (await isValidCached(target, expected, options.size))) return fileResource(target);

  await platform.mkdirp(dir);
  const temp = `${target}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.part`;
  const writer = await platform.openWrite(temp);
  let closed = false;
  try {
    await receive(href, await get(), expected, options.size, (c) => writer.write(c), options.onProgress);
    await writer.close();
    closed = true;
    await platform.rename(temp, target);
  } catch (e) {
    if (!closed) await writer.close().catch(() => undefined);
    await platform.remove(temp);
    throw e;
  }
  return fileResource(target);
}

async function isValidCached(path: string, expected: ParsedChecksum | undefined, size: number | undefined): Promise<boolean> {
  const actualSize = await platform.fileSize(path);
  if (actualSize === undefined) return false;
  if (size !== undefined && actualSize !== size) return false;
  if (expected && (await hashFile(path, expected.algorithm)) !== expected.hex) return false;
  return true;
}

async function downloadToMemory(
  url: string,
  get: () => Promise<Response>,
  expected: ParsedChecksum | undefined,
  options: DownloadOptions,
): Promise<Resource> {
  const storeName = options.cacheStorage ?? 'wasmml-datasets';
  const caches = (globalThis as { caches?: CacheStorage }).caches;
  const store = storeName !== false && caches ? await caches.open(storeName).catch(() => undefined) : undefined;
  if (store && !options.force) {
    const hit = await store.match(url);
    if (hit) {
      const chunks: Uint8Array[] = [];
      try {
        await receive(url, hit, expected, options.size, (c) => void chunks.push(c), undefined);
        return memoryResource(url, concat(chunks));
      } catch {
        await store.delete(url); // stale or altered: fetch again
      }
    }
  }
  const chunks: Uint8Array[] = [];
  await receive(url, await get(), expected, options.size, (c) => void chunks.push(c), options.onProgress);
  const bytes = concat(chunks);
  await store?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>)).catch(() => undefined);
  return memoryResource(url, bytes);
}

/** Concatenates chunks into one array. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
