// @ts-check
// Pool worker entry for Deno and browsers (module Web Worker).
import { workerLoop } from './worker-loop.js';

self.addEventListener('message', (e) => workerLoop(/** @type {MessageEvent} */ (e).data), { once: true });
