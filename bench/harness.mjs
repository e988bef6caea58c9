// Shared benchmark plumbing: timing, tfjs set-up, and the one-JSON-line-per-case
// output every bench file prints.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The union package registers every gradient (tfjs-core's own bundle has none).
import '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Median wall time in ms of fn over `reps` runs after `warmup` runs. */
export function time(fn, { reps = 10, warmup = 2, minMs = 300 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  const t0 = performance.now();
  while (samples.length < reps || (performance.now() - t0 < minMs && samples.length < 1000)) {
    const s = performance.now();
    fn();
    samples.push(performance.now() - s);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

let tfReady;
/** tfjs-core with the given backend ('wasm' or 'cpu'), initialised once. */
export async function tfjs(backend = 'wasm') {
  if (!tfReady) {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(pathToFileURL(join(dir, '/')).href.replace(/\/?$/, '/'));
    tfReady = true;
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}

/** Prints one result line: {"case", "ours_ms", "tfjs_ms", "ratio", ...extra}. */
export function report(name, oursMs, tfjsMs, extra = {}) {
  const line = { case: name, ours_ms: round(oursMs), tfjs_ms: tfjsMs === undefined ? null : round(tfjsMs) };
  line.ratio = tfjsMs === undefined ? null : round(tfjsMs / oursMs);
  console.log(JSON.stringify({ ...line, ...extra }));
}

export function round(x, d = 3) {
  if (x === undefined || x === null || !Number.isFinite(x)) return x;
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
