// Sampling from a GPT: temperature, top-k and nucleus (top-p) filtering, stop
// ids, a seeded generator, and a key/value cache so each new token costs one
// single-position step instead of a re-run of the whole prefix.
import * as ops from '@wasmml/tensor';
import { checkOptions, type OptionKeys } from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';
import { seededRandom } from '../../training/random.js';
import { disposeCache, type GptCache, type GptModel } from './model.js';

/** Options of {@link generate} and {@link streamTokens}. */
export interface GenerateOptions {
  /** Tokens to add after the prompt (default 32). */
  maxNewTokens?: number;
  /** Softmax temperature; 0 picks the most likely token (default 1). */
  temperature?: number;
  /** Sample among the k most likely tokens only. */
  topK?: number;
  /** Sample among the most likely tokens whose probabilities add up to p (nucleus sampling). */
  topP?: number;
  /** Seed of the sampling (default 0): the same seed gives the same text. */
  seed?: number;
  /** Token ids that end the generation (the stop token is returned). */
  stop?: number[];
  /** Called with each new token as it comes. */
  onToken?: (id: number, index: number) => void;
  /** Reuse keys and values of earlier positions (default true); false re-runs the window each step. */
  useCache?: boolean;
}

const GENERATE_KEYS: OptionKeys<GenerateOptions> = {
  maxNewTokens: true,
  temperature: true,
  topK: true,
  topP: true,
  seed: true,
  stop: true,
  onToken: true,
  useCache: true,
};

function checkGenerate(model: GptModel, prompt: ArrayLike<number>, o: GenerateOptions): void {
  checkOptions('generate', o, GENERATE_KEYS);
  if (prompt.length < 1) throw new Error('generate: the prompt needs at least one token');
  for (const id of Array.from(prompt)) {
    if (!Number.isInteger(id) || id < 0 || id >= model.spec.vocabSize) {
      throw new Error(`generate: prompt token ${id} is not an id in [0, ${model.spec.vocabSize})`);
    }
  }
  const n = o.maxNewTokens ?? 32;
  if (!Number.isInteger(n) || n < 0) throw new Error(`generate: maxNewTokens must be a non-negative integer, got ${n}`);
  if (o.temperature !== undefined && !(o.temperature >= 0)) throw new Error(`generate: temperature must be >= 0, got ${o.temperature}`);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 1))
    throw new Error(`generate: topK must be a positive integer, got ${o.topK}`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) throw new Error(`generate: topP must be in (0, 1], got ${o.topP}`);
}

/** Picks the next id from one row of logits. */
export function sampleLogits(logits: Float32Array, o: GenerateOptions, random: () => number): number {
  const temperature = o.temperature ?? 1;
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
  if (temperature === 0) return best;
  let order = Array.from(logits.keys()).sort((a, b) => (logits[b] as number) - (logits[a] as number));
  if (o.topK !== undefined) order = order.slice(0, o.topK);
  const max = logits[best] as number;
  let probs = order.map((i) => Math.exp(((logits[i] as number) - max) / temperature));
  let total = probs.reduce((a, b) => a + b, 0);
  if (o.topP !== undefined) {
    let acc = 0,
      keep = 0;
    while (keep < probs.length && acc < o.topP * total) acc += probs[keep++] as number;
    order = order.slice(0, Math.max(1, keep));
    probs = probs.slice(0, order.length);
    total = probs.reduce((a, b) => a + b, 0);
  }
  let r = random() * total;
  for (let i = 0; i < order.length; i++) {
    r -= probs[i] as number;
    if (r <= 0) return order[i] as number;
  }
  return order[order.length - 1] as number;
}

function lastRow(logits: Tensor): Float32Array {
  const [, T, V] = logits.shape as [number, number, number];
  const row = ops.slice(logits, [0, T - 1, 0], [1, 1, V]);
  const out = row.dataSync() as Float32Array;
  row.dispose();
  return out;
}

/**
 * New tokens after `prompt`, one at a time as they are sampled (an async
 * iterator, so a page can show text as it comes). With the cache, the
 * context is capped at the model's context length: past it, the oldest
 * positions are dropped and the window re-encoded once.
 */
export async function* streamTokens(model: GptModel, prompt: ArrayLike<number>, options: GenerateOptions = {}): AsyncGenerator<number> {
  checkGenerate(model, prompt, options);
  const max = options.maxNewTokens ?? 32,
    ctx = model.spec.contextLength;
  const random = seededRandom(options.seed ?? 0);
  const stop = new Set(options.stop ?? []);
  const useCache = options.useCache ?? true;
  const seq = Array.from(prompt);
  let cache: GptCache | undefined;
  try {
    for (let n = 0; n < max; n++) {
      const row = ops.tidy(() => {
        let step: { logits: Tensor; cache: GptCache };
        if (useCache && cache && cache.length < ctx) {
          step = model.forwardCached(ops.tensor([seq.slice(-1)], [1, 1], 'int32'), cache);
        } else {
          const window = seq.slice(-ctx);
          step = model.forwardCached(ops.tensor([window], [1, window.length], 'int32'));
        }
        if (useCache) {
          const old = cache;
          cache = step.cache;
          for (const b of cache.blocks) {
            ops.keep(b.k);
            ops.keep(b.v);
          }
          disposeCache(old);
        }
        return lastRow(step.logits);
      });
      const id = sampleLogits(row, options, random);
      seq.push(id);
      options.onToken?.(id, n);
      yield id;
      if (stop.has(id)) break;
      // Let the event loop run (a page repaints, a stream flushes) between tokens.
      await new Promise((r) => setTimeout(r, 0));
    }
  } finally {
    disposeCache(cache);
  }
}

/** `prompt` followed by up to maxNewTokens sampled tokens (see {@link streamTokens}). */
export async function generate(model: GptModel, prompt: ArrayLike<number>, options: GenerateOptions = {}): Promise<number[]> {
  const out = Array.from(prompt);
  for await (const id of streamTokens(model, prompt, options)) out.push(id);
  return out;
}
