// Node entry of "#workers": pool workers on node:worker_threads.
import { platform } from '@wasmml/platform';
import { Worker } from 'node:worker_threads';
import type { PoolWorker, WorkerHost, WorkerInit } from './types.js';

export const workers: WorkerHost = {
  createWorker(onError): PoolWorker {
    // Workers inherit the process's flags; --input-type (valid only with -e)
    // would stop a worker from starting.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    const w = new Worker(new URL('../worker-node.js', import.meta.url), { execArgv });
    // A pool worker must never keep the process alive once user code is done.
    w.unref();
    w.on('error', onError);
    // Seen only when the event loop runs (between kernels); a death during a kernel reaches the pool through shared memory.
    w.on('exit', (code) => onError(new Error(`pool worker exited with code ${code}`)));
    return {
      start: (init: WorkerInit) => w.postMessage(init),
      terminate: () => void w.terminate(),
    };
  },
  postsModules: true,
  canBlock: platform.canBlock,
};
