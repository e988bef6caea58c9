// Deno entry of "#workers". Deno's Web Workers cannot be unref'd, so a pool of
// them would keep the process alive after the user's work is done; Deno's
// node:worker_threads can, so the pool uses those (same worker script as Node).
import { platform } from '@wasmml/platform';
import { Worker } from 'node:worker_threads';
import type { PoolWorker, WorkerHost, WorkerInit } from './types.js';

export const workers: WorkerHost = {
  createWorker(onError): PoolWorker {
    const w = new Worker(new URL('../worker-node.js', import.meta.url));
    w.unref();
    w.on('error', onError);
    return {
      start: (init: WorkerInit) => w.postMessage(init),
      terminate: () => void w.terminate(),
    };
  },
  postsModules: false,
  canBlock: platform.canBlock,
};
