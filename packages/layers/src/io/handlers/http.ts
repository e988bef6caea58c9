// http(s):// (tfjs `tf.io.http`): load fetches model.json, then each shard
// relative to it (keeping model.json's query string, as tfjs does for signed
// URLs); save POSTs model.json and the weights as multipart form data.
import { artifactsFromModelJSON, parseModelJSON, toModelJSON } from '../model-json.js';
import type { IOHandler, LoadOptions } from '../types.js';
import { concatBuffers } from '../weights.js';
import { artifactsInfo } from './memory.js';

/** Options of the http handler. */
export type HttpOptions = Pick<LoadOptions, 'requestInit' | 'fetchFunc' | 'weightPathPrefix' | 'onProgress'>;

function getFetch(opts: HttpOptions): typeof fetch {
  const f = opts.fetchFunc ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (!f) throw new Error('http handler: this runtime has no fetch; pass fetchFunc');
  return f;
}

/** [directory of the URL with a trailing '/', its query string or ''] */
function splitUrl(url: string): [string, string] {
  const slash = url.lastIndexOf('/');
  const query = url.lastIndexOf('?');
  return [url.slice(0, slash + 1), query > slash ? url.slice(query) : ''];
}

async function get(f: typeof fetch, url: string, init: RequestInit | undefined, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await f(url, init);
  } catch (e) {
    throw new Error(`loadLayersModel: fetching ${what} ${url} failed: ${(e as Error).message}`);
  }
  if (!res.ok)
    throw new Error(`loadLayersModel: fetching ${what} ${url} failed with HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  return res;
}

/** A handler that loads from (and saves by POST to) a URL. */
export function http(url: string, opts: HttpOptions = {}): IOHandler {
  return {
    async load() {
      const f = getFetch(opts);
      const res = await get(f, url, opts.requestInit, 'model.json');
      const json = parseModelJSON(await res.text(), url);
      const [dir, query] = splitUrl(url);
      const prefix = opts.weightPathPrefix ?? dir;
      const total = 1 + (json.weightsManifest ?? []).reduce((n, g) => n + g.paths.length, 0);
      opts.onProgress?.(1 / total);
      return artifactsFromModelJSON(
        json,
        async (p) => {
          const r = await get(f, prefix + p + query, opts.requestInit, 'weight file');
          return new Uint8Array(await r.arrayBuffer());
        },
        url,
        (done) => opts.onProgress?.((1 + done) / total),
      );
    },
    async save(artifacts) {
      const f = getFetch(opts);
      const bytes = new Uint8Array(concatBuffers(artifacts.weightData ?? new ArrayBuffer(0)));
      const json = await toModelJSON(artifacts, [{ path: './model.weights.bin', bytes }]);
      const form = new FormData();
      form.append('model.json', new Blob([JSON.stringify(json)], { type: 'application/json' }), 'model.json');
      form.append(
        'model.weights.bin',
        new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
        'model.weights.bin',
      );
      const res = await f(url, { method: 'POST', ...opts.requestInit, body: form });
      if (!res.ok)
        throw new Error(`model.save: POST to ${url} failed with HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
      return { modelArtifactsInfo: artifactsInfo(artifacts), responses: [res] };
    },
  };
}
