// @ts-check
// Pool worker entry for Node (worker_threads).
import { parentPort } from 'node:worker_threads';
import { markDead, workerLoop } from './worker-loop.js';

parentPort?.once('message', (init) => {
  // Runs when the thread ends for any reason it can see (process.exit, an
  // uncaught error): the pool learns of it through shared memory, since the
  // caller may be blocked in Atomics.wait and deaf to 'exit' events.
  process.once('exit', (code) => markDead(init.ctl, init.tid, `exited with code ${code}`));
  workerLoop(init);
});
