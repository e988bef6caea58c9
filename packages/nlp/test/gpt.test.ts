// The GPT decoder: logits equal to Hugging Face GPT2LMHeadModel's (PyTorch)
// on the same weights and ids; the key/value cache gives the logits of a full
// re-run; generation is seeded, streams, stops, and keeps memory flat.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ops from '@wasmml/tensor';
import { expectClose } from '@wasmml/test-utils';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeCache,
  generate,
  gpt,
  gptArgsFromGpt2Config,
  gpt2ConfigOf,
  loadGpt2Weights,
  shiftedWindows,
  streamTokens,
  type CheckpointTensor,
  type Gpt2Config,
  type GptCache,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const python = referencePython();

describe.skipIf(python === undefined)('gpt matches transformers GPT2LMHeadModel', () => {
  let dir = '';
  let ref: { ids: number[][]; logits: number[]; short: number[]; weights: Record<string, { shape: number[]; data: number[] }> };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasmml-gpt2-'));
    runPython(readFileSync(join(here, 'fixtures', 'hf_gpt2.py'), 'utf8'), { args: [dir] });
    ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function loaded() {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Gpt2Config;
    const model = gpt(gptArgsFromGpt2Config(config));
    const tensors = new Map<string, CheckpointTensor>(
      Object.entries(ref.weights).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]),
    );
    loadGpt2Weights(model, tensors);
    return model;
  }

  it('logits within 1e-4 at full context and on a shorter prefix', () => {
    const model = loaded();
    const ids = ops.tensor(ref.ids, [2, 24], 'int32');
    const logits = model.predict(ids) as ops.Tensor;
    expect(logits.shape).toEqual([2, 24, 101]);
    expectClose(logits.dataSync(), ref.logits, 0, 1e-4, 'full');
    const short = model.predict(ops.slice(ids, [0, 0], [2, 7])) as ops.Tensor;
    expectClose(short.dataSync(), ref.short, 0, 1e-4, 'short');
    ops.dispose([ids, logits, short]);
    expect(gpt2ConfigOf(model)).toMatchObject({ n_embd: 32, n_layer: 2, n_head: 4, n_positions: 24, vocab_size: 101 });
  });

  it('the cached forward, one token at a time, gives the full forward logits', () => {
    const model = loaded();
    const ids = ref.ids[0] as number[];
    let cache: GptCache | undefined;
    const rows: number[] = [];
    for (let t = 0; t < 12; t++) {
      const step = model.forwardCached(ops.tensor([[ids[t] as number]], [1, 1], 'int32'), cache);
      disposeCache(cache);
      cache = step.cache;
      rows.push(...step.logits.dataSync());
      step.logits.dispose();
    }
    disposeCache(cache);
    expectClose(rows, ref.logits.slice(0, 12 * 101), 0, 1e-4, 'cached');
  });

  it('a checkpoint missing a tensor or with a wrong shape names it and changes nothing', () => {
    const model = loaded();
    const before = model.weights.map((w) => Array.from(w.dataSync()));
    const tensors = new Map<string, CheckpointTensor>(
      Object.entries(ref.weights).map(([k, v]) => [k, { shape: v.shape, data: new Float32Array(v.data.length) }]),
    );
    tensors.delete('transformer.h.1.mlp.c_fc.bias');
    tensors.set('transformer.wpe.weight', { shape: [12, 32], data: new Float32Array(384) });
    expect(() => loadGpt2Weights(model, tensors)).toThrow(/transformer\.h\.1\.mlp\.c_fc\.bias: missing \(expected \[128\]\)/);
    expect(() => loadGpt2Weights(model, tensors)).toThrow(/transformer\.wpe\.weight: shape \[12,32\], expected \[24,32\]/);
    model.weights.forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(before[i]));
    expect(() => gptArgsFromGpt2Config({ model_type: 'llama' } as Gpt2Config)).toThrow(/model_type "llama" is not 'gpt2'/);
  });
});

describe('gpt generation', () => {
  const model = gpt({ vocabSize: 50, contextLength: 16, layers: 2, heads: 2, dim: 16, seed: 3 });

  it('is seeded, the same with and without the cache, and streams each token', async () => {
    const a = await generate(model, [1, 2, 3], { maxNewTokens: 10, seed: 7, topK: 10 });
    const b = await generate(model, [1, 2, 3], { maxNewTokens: 10, seed: 7, topK: 10, useCache: false });
    expect(a).toEqual(b);
    expect(a.slice(0, 3)).toEqual([1, 2, 3]);
    expect(a.length).toBe(13);
    const seen: number[] = [];
    for await (const id of streamTokens(model, [1, 2, 3], { maxNewTokens: 10, seed: 7, topK: 10, onToken: (i) => seen.push(i) })) {
      expect(seen[seen.length - 1]).toBe(id);
    }
    expect(seen).toEqual(a.slice(3));
    const greedy = await generate(model, [4], { maxNewTokens: 5, temperature: 0 });
    expect(await generate(model, [4], { maxNewTokens: 5, temperature: 0, seed: 99 })).toEqual(greedy);
  });

  it('stops at a stop id, runs past the context window, and keeps memory flat', async () => {
    const first = (await generate(model, [5], { maxNewTokens: 1, temperature: 0 }))[1] as number;
    expect(await generate(model, [5], { maxNewTokens: 20, temperature: 0, stop: [first] })).toEqual([5, first]);
    await generate(model, [1], { maxNewTokens: 30 }); // warm-up
    const before = ops.memory();
    const out = await generate(model, [1], { maxNewTokens: 200, seed: 1 });
    expect(out.length).toBe(201);
    const after = ops.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  it('rejects bad options naming them', async () => {
    await expect(generate(model, [], {})).rejects.toThrow(/at least one token/);
    await expect(generate(model, [50], {})).rejects.toThrow(/prompt token 50 is not an id in \[0, 50\)/);
    await expect(generate(model, [1], { topP: 0 })).rejects.toThrow(/topP must be in \(0, 1\]/);
    expect(() => gpt({ vocabSize: 10, contextLength: 8, layers: 1, heads: 3, dim: 16 })).toThrow(/dim 16 must divide by heads 3/);
    expect(() => shiftedWindows([1, 2], { contextLength: 4 })).toThrow(/make no window/);
    expect(() => gpt({ vocabSize: 10, contextLength: 8, layers: 1, heads: 2, dim: 16, num_heads: 2 } as never)).toThrow(/gpt.*num_heads/);
    await expect(generate(model, [1], { max_new_tokens: 3 } as never)).rejects.toThrow(/generate.*max_new_tokens.*maxNewTokens/);
  });
});
