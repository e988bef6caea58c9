// URL -> IOHandler: 'file://', 'http(s)://', 'indexeddb://', 'downloads://',
// or an IOHandler object used as it is.
import { browserDownloads } from './handlers/downloads.js';
import { fileSystem } from './handlers/file.js';
import { http } from './handlers/http.js';
import { browserIndexedDB } from './handlers/indexeddb.js';
import type { IOHandler, LoadOptions } from './types.js';

const SCHEMES = "'file://<dir>', 'http(s)://.../model.json', 'indexeddb://<name>', 'downloads://<name>'";

/** The handler for a URL or handler object, checked to support the operation. */
export function handlerFor(target: string | IOHandler, op: 'save' | 'load', options: LoadOptions = {}): IOHandler {
  const fn = op === 'save' ? 'model.save' : 'loadLayersModel';
  if (typeof target === 'string') {
    const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(target);
    const scheme = m?.[1]?.toLowerCase();
    const rest = m?.[2] ?? '';
    let h: IOHandler | undefined;
    if (scheme === 'file') h = fileSystem(rest);
    else if (scheme === 'http' || scheme === 'https') h = http(target, options);
    else if (scheme === 'indexeddb') h = browserIndexedDB(rest);
    else if (scheme === 'downloads') h = browserDownloads(rest);
    if (!h) {
      const hint = m ? '' : ` (a file path? write 'file://${target}')`;
      throw new Error(`${fn}: unsupported URL '${target}'${hint}; use ${SCHEMES} or an IOHandler`);
    }
    if (!h[op]) throw new Error(`${fn}: '${scheme}://' URLs cannot be used to ${op} models`);
    return h;
  }
  if (!target || typeof target !== 'object' || typeof target[op] !== 'function') {
    throw new Error(`${fn}: expected a URL (${SCHEMES}) or an IOHandler with a ${op}() method`);
  }
  return target;
}
