// Browser entry of "#workers" (pages and Web Workers; also any other runtime
// without a more specific entry): Web Workers, no Node built-ins, so bundlers
// need no configuration.
import { platform } from '@wasmml/platform';
import type { PoolWorker, WorkerHost, WorkerInit } from './types.js';

export const workers: WorkerHost = {
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
  // Deno (reaching this entry through a bundle) cannot post a compiled module.
  postsModules: platform.runtime !== 'deno',
  canBlock: platform.canBlock,
};
