// @ts-check
// Pool worker entry for Node (worker_threads).
import { parentPort } from 'node:worker_threads';
import { workerLoop } from './worker-loop.js';

parentPort?.once('message', (init) => workerLoop(init));
