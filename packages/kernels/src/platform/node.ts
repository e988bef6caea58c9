// Node entry of the platform layer: the only file of @wasmml/kernels that
// imports node: modules.
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism, cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Platform, PoolWorker, WorkerInit } from './types.js';

function toBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export const platform: Platform = {
  runtime: 'node',
  async loadBytes(url) {
    if (url.protocol === 'file:') return toBytes(await readFile(fileURLToPath(url)));
    const res = await fetch(url);
    if (!res.ok) throw new Error(`wasmml: cannot load ${url.href}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  loadBytesSync(url) {
    return url.protocol === 'file:' ? toBytes(readFileSync(fileURLToPath(url))) : undefined;
  },
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
  cores: () => (typeof availableParallelism === 'function' ? availableParallelism() : cpus().length),
  canBlock: true,
  postsModules: true,
  enableRelaxedSimdFlag() {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    return true;
  },
  env: (name) => process.env[name],
};
