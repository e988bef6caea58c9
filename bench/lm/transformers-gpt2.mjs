// transformers.js (@huggingface/transformers) on a randomly initialised GPT-2
// of the bench model's size, exported to ONNX by make-onnx-gpt2.py with the
// project's Python environment (scripts/python-env.mjs) into a cache folder
// the first time. Two runtimes under it:
//   wasm    onnxruntime-web's wasm build, handed to transformers.js through
//           its globalThis[Symbol.for('onnxruntime')] hook (in Node it would
//           otherwise take onnxruntime-node): the like-for-like peer. It runs
//           one thread in Node (numThreads > 1 starts no workers there).
//   native  onnxruntime-node (C++ CPU kernels), transformers.js's Node default.
// Each loads its own instance of the module (a query string on its URL), since
// transformers.js picks its runtime once, on import. Nothing is fetched: remote
// models are off and the wasm files come from the installed package.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'make-onnx-gpt2.py');
const ORT = Symbol.for('onnxruntime');

/** Where the ONNX model lives (keyed by the exporting script's hash), or why it cannot be made: { dir } or { skip }. */
export function onnxGpt2() {
  const hash = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 12);
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'wasmml');
  const dir = process.env.LM_BENCH_ONNX_DIR ?? join(cache, `bench-gpt2-onnx-${hash}`);
  if (existsSync(join(dir, 'onnx', 'model.onnx'))) return { dir };
  let python;
  try {
    python = execFileSync(process.execPath, [join(here, '..', '..', 'scripts', 'python-env.mjs'), '--check'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return { skip: 'no Python environment (make it with `node scripts/python-env.mjs`)' };
  }
  // Made in a temporary folder and renamed, so a killed export never leaves a model that looks finished.
  const tmp = `${dir}.tmp-${process.pid}`;
  try {
    execFileSync(python, [script, tmp], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const lines = String(e.stderr || e.message)
      .trim()
      .split('\n');
    return { skip: `make-onnx-gpt2.py failed: ${lines[lines.length - 1].slice(0, 200)}` };
  }
  return { dir };
}

/** A fresh instance of transformers.js over `runtime` ('wasm' or 'native'). */
async function transformersWith(runtime) {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@huggingface/transformers');
  const url = `${pathToFileURL(join(dirname(main), 'transformers.node.mjs')).href}?${runtime}`;
  if (runtime !== 'wasm') {
    delete globalThis[ORT];
    return import(url);
  }
  // onnxruntime-web as transformers.js depends on it (the bench does not list it itself).
  const ortEntry = createRequire(main).resolve('onnxruntime-web');
  const ort = await import(pathToFileURL(ortEntry).href);
  ort.env.wasm.wasmPaths = pathToFileURL(join(dirname(ortEntry), '/')).href;
  ort.env.wasm.numThreads = 1;
  globalThis[ORT] = ort;
  try {
    return await import(url);
  } finally {
    delete globalThis[ORT];
  }
}

/**
 * The model at `dir` through transformers.js on `runtime`: `generate(prompt, n)` (its generate, greedy, n new tokens;
 * it always keeps a key/value cache) and `generateNoCache(prompt, n)` (a greedy loop of full forwards over the
 * growing sequence, since generate has no switch to drop its cache). Both return the new ids. `dispose()` frees the
 * session.
 */
export async function transformersGpt2(dir, runtime) {
  const hf = await transformersWith(runtime);
  hf.env.allowRemoteModels = false;
  hf.env.useFSCache = false;
  hf.env.useBrowserCache = false;
  hf.env.localModelPath = join(dirname(dir), '/');
  // With onnxruntime-web handed in, transformers.js knows no device names; 'auto' passes no provider, so ORT takes wasm.
  const model = await hf.AutoModelForCausalLM.from_pretrained(basename(dir), {
    dtype: 'fp32',
    device: runtime === 'wasm' ? 'auto' : 'cpu',
  });
  const ids = (prompt) => new hf.Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]);
  return {
    async generate(prompt, n) {
      const out = await model.generate({ input_ids: ids(prompt), max_new_tokens: n, min_new_tokens: n, do_sample: false });
      return Array.from(out.data.slice(prompt.length), Number);
    },
    async generateNoCache(prompt, n) {
      const seq = [...prompt];
      for (let i = 0; i < n; i++) {
        const input_ids = ids(seq);
        const { logits } = await model({ input_ids, attention_mask: hf.ones(input_ids.dims) });
        const [, t, v] = logits.dims;
        const last = logits.data.subarray((t - 1) * v, t * v);
        let best = 0;
        for (let j = 1; j < v; j++) if (last[j] > last[best]) best = j;
        seq.push(best);
      }
      return seq.slice(prompt.length);
    },
    dispose: () => model.dispose(),
  };
}
