// Deno entry of the platform layer. Deno's Web Workers cannot be unref'd, so a
// pool of them would keep the process alive after the user's work is done;
// Deno's node:worker_threads can, so the pool uses those (same worker script
// as Node).
import { Worker } from 'node:worker_threads';
import type { Platform, PoolWorker, WorkerInit } from './types.js';

interface DenoLike {
  readFile(path: URL): Promise<Uint8Array>;
  readFileSync(path: URL): Uint8Array;
  env: { get(name: string): string | undefined };
}
const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;

export const platform: Platform = {
  runtime: 'deno',
  async loadBytes(url) {
    if (url.protocol === 'file:') return deno.readFile(url);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`wasmml: cannot load ${url.href}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  loadBytesSync: (url) => (url.protocol === 'file:' ? deno.readFileSync(url) : undefined),
  createWorker(onError): PoolWorker {
    const w = new Worker(new URL('../worker-node.js', import.meta.url));
    w.unref();
    w.on('error', onError);
    return {
      start: (init: WorkerInit) => w.postMessage(init),
      terminate: () => void w.terminate(),
    };
  },
  cores: () => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1,
  canBlock: true,
  postsModules: false,
  enableRelaxedSimdFlag: () => false,
  env: (name) => {
    try {
      return deno.env.get(name);
    } catch {
      return undefined;
    }
  },
};
