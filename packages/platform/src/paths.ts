// One implementation of join/dirname for every runtime entry, so that paths
// are normalised the same way in Node, Deno and browsers (they drifted when
// each package had its own). Matches node:path's posix/win32 join and dirname
// for drive-letter and rooted paths; UNC prefixes are kept as plain roots.
import { noFileSystem } from './types.js';

function splitRoot(sep: '/' | '\\', path: string): [root: string, rest: string] {
  if (sep === '\\') {
    const m = /^([A-Za-z]:)?([\\/]*)/.exec(path)!;
    return [(m[1] ?? '') + (m[2] ? '\\' : ''), path.slice(m[0].length)];
  }
  const m = /^\/*/.exec(path)!;
  return [m[0] ? '/' : '', path.slice(m[0].length)];
}

/** Normalises `path`: one separator between segments, `.` dropped, `..` resolved where it can be. */
export function normalizePath(sep: '/' | '\\', path: string): string {
  if (path === '') return '.';
  const [root, rest] = splitRoot(sep, path);
  const separators = sep === '\\' ? /[\\/]+/ : /\/+/;
  const out: string[] = [];
  for (const seg of rest.split(separators)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg !== '..' || !root) out.push(seg);
  }
  const trailing = rest !== '' && separators.test(rest.slice(-1)) ? sep : '';
  if (out.length === 0) return root || (trailing ? `.${sep}` : '.');
  return root + out.join(sep) + trailing;
}

/** Joins non-empty `parts` with `sep` and normalises the result (node:path's join). */
export function joinPath(sep: '/' | '\\', parts: readonly string[]): string {
  const joined = parts.filter((p) => p !== '').join(sep);
  return joined === '' ? '.' : normalizePath(sep, joined);
}

/** The directory part of `path` (node:path's dirname): '.' when there is none, the root for a rooted one. */
export function dirnamePath(sep: '/' | '\\', path: string): string {
  const [normalRoot, rest] = splitRoot(sep, path);
  // The root as written ('/' stays '/' on Windows too), as node:path keeps it.
  const root = normalRoot && path.slice(0, path.length - rest.length);
  const separators = sep === '\\' ? /[\\/]/ : /\//;
  let end = rest.length;
  while (end > 0 && separators.test(rest[end - 1]!)) end--;
  let i = end - 1;
  while (i >= 0 && !separators.test(rest[i]!)) i--;
  if (i < 0) return root || '.';
  return root + rest.slice(0, i) || root || '.';
}

/** A temporary name beside `path`: same directory, so the final rename stays on one file system. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The default cache directory from the environment (see {@link Platform.cacheDir}). */
export function cacheDirFrom(
  env: (name: string) => string | undefined,
  join: (...p: string[]) => string,
  home?: string,
): string | undefined {
  const explicit = env('WASMML_CACHE_DIR');
  if (explicit) return explicit;
  const xdg = env('XDG_CACHE_HOME');
  if (xdg) return join(xdg, 'wasmml');
  const h = home ?? env('HOME') ?? env('USERPROFILE');
  return h ? join(h, '.cache', 'wasmml') : undefined;
}

/** Fetches `url` as bytes; a failed response names the URL and status. */
export async function fetchBytes(url: URL): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`wasmml: cannot load ${url.href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** An async file operation that rejects with the no-file-system error, naming `what`. */
export function noFileSystemAsync(what: string): () => Promise<never> {
  return async () => noFileSystem(what);
}
