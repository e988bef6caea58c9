// Browser entry of the platform layer (pages and Web Workers; also any other
// runtime without a more specific entry): Web Workers and fetch, no Node
// built-ins, so bundlers need no configuration.
import type { Platform, PoolWorker, WorkerInit } from './types.js';

interface DenoLike {
  readFileSync(path: URL): Uint8Array;
  env: { get(name: string): string | undefined };
}
const g = globalThis as unknown as {
  Deno?: DenoLike;
  WorkerGlobalScope?: unknown;
  navigator?: { hardwareConcurrency?: number };
};
const deno = g.Deno;
const inWorker = typeof g.WorkerGlobalScope !== 'undefined';

function detectCanBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export const platform: Platform = {
  runtime: deno ? 'deno' : inWorker ? 'worker' : 'browser',
  async loadBytes(url) {
    if (deno && url.protocol === 'file:') return deno.readFileSync(url);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`wasmml: cannot load ${url.href}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  loadBytesSync(url) {
    if (deno && url.protocol === 'file:') return deno.readFileSync(url);
    return undefined;
  },
  createWorker(onError): PoolWorker | undefined {
    if (typeof Worker === 'undefined') return undefined;
    // The literal `new URL(..., import.meta.url)` inside `new Worker` is the
    // pattern bundlers (Vite, webpack, esbuild) recognise and bundle.
    const w = new Worker(new URL('../worker-web.js', import.meta.url), { type: 'module' });
    w.addEventListener('error', (e) => onError((e as ErrorEvent).error ?? e));
    // Deno keeps the process alive for live workers unless told otherwise.
    (w as unknown as { unref?: () => void }).unref?.();
    return {
      start: (init: WorkerInit) => w.postMessage(init),
      terminate: () => w.terminate(),
    };
  },
  cores: () => g.navigator?.hardwareConcurrency ?? 1,
  canBlock: detectCanBlock(),
  postsModules: !deno,
  enableRelaxedSimdFlag: () => false,
  env: (name) => {
    try {
      return deno?.env.get(name);
    } catch {
      return undefined;
    }
  },
};
