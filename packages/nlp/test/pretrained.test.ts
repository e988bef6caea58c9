// Hugging Face checkpoint folders (config.json + model.safetensors, as
// save_pretrained writes them) load for GPT-2 and BERT with transformers'
// outputs, and what we save back loads in transformers with our outputs.
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ops from '@wasmml/tensor';
import { expectClose } from '@wasmml/test-utils';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BertModel, GptModel, loadPretrained, pretrainedToFiles } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const python = referencePython();
const fixture = (name: string) => readFileSync(join(here, 'fixtures', name), 'utf8');

describe.skipIf(python === undefined)('loadPretrained / pretrainedToFiles with transformers', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasmml-pretrained-'));
    mkdirSync(join(dir, 'gpt2'));
    mkdirSync(join(dir, 'bert'));
    runPython(fixture('hf_gpt2.py'), { args: [join(dir, 'gpt2')] });
    runPython(fixture('hf_bert.py'), { args: [join(dir, 'bert')] });
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads both architectures from their folders, saves them back, transformers agrees', async () => {
    const gref = JSON.parse(readFileSync(join(dir, 'gpt2', 'reference.json'), 'utf8')) as { ids: number[][]; logits: number[] };
    const bref = JSON.parse(readFileSync(join(dir, 'bert', 'reference.json'), 'utf8')) as { ids: number[][]; pooled: number[] };
    const g = await loadPretrained(join(dir, 'gpt2'));
    const b = await loadPretrained(join(dir, 'bert'));
    expect(g.architecture).toBe('gpt2');
    expect(b.architecture).toBe('bert');
    expect(g.model).toBeInstanceOf(GptModel);
    expect(b.model).toBeInstanceOf(BertModel);
    const gids = ops.tensor(gref.ids, [2, 24], 'int32'),
      bids = ops.tensor(bref.ids, [3, 17], 'int32');
    expectClose((g.model.predict(gids) as ops.Tensor).dataSync(), gref.logits, 0, 1e-4, 'gpt2 loaded');
    expectClose((b.model.predict(bids) as ops.Tensor).dataSync(), bref.pooled, 0, 1e-4, 'bert loaded');
    // Change the weights (so a stale file would show), save, and let transformers read ours.
    for (const m of [g.model, b.model]) for (const w of m.weights) ops.tidy(() => w.assign(ops.mul(w, 0.9)));
    const ours = {
      gpt2: Array.from((g.model.predict(gids) as ops.Tensor).dataSync()),
      bert: Array.from((b.model.predict(bids) as ops.Tensor).dataSync()),
    };
    for (const [name, m] of [
      ['gpt2-saved', g.model],
      ['bert-saved', b.model],
    ] as const) {
      mkdirSync(join(dir, name));
      for (const [file, bytes] of Object.entries(pretrainedToFiles(m))) writeFileSync(join(dir, name, file), bytes);
    }
    writeFileSync(join(dir, 'ids.json'), JSON.stringify({ gpt2: gref.ids, bert: bref.ids }));
    const theirs = JSON.parse(
      runPython(fixture('hf_reload.py'), { args: [join(dir, 'gpt2-saved'), join(dir, 'bert-saved'), join(dir, 'ids.json')] })
        .trim()
        .split('\n')
        .pop() as string,
    ) as { gpt2: number[]; bert: number[] };
    expectClose(theirs.gpt2, ours.gpt2, 0, 1e-4, 'gpt2 saved');
    expectClose(theirs.bert, ours.bert, 0, 1e-4, 'bert saved');
    ops.dispose([gids, bids]);
  });

  it('downloads from a URL once into the cache', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      try {
        const body = readFileSync(join(dir, 'gpt2', (req.url ?? '/').slice(1)));
        res.writeHead(200, { 'content-length': String(body.length) }).end(body);
      } catch {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const cacheDir = join(dir, 'cache');
      const first = await loadPretrained(url, { cacheDir });
      const n = hits.length;
      expect(hits.filter((h) => h === '/model.safetensors').length).toBe(1);
      const again = await loadPretrained(url, { cacheDir });
      expect(hits.filter((h) => h === '/model.safetensors').length).toBe(1);
      expect(hits.length - n).toBeLessThanOrEqual(1); // only the absent tokenizer.json is asked for again
      const ids = ops.tensor([[1, 2, 3]], [1, 3], 'int32');
      expectClose((again.model.predict(ids) as ops.Tensor).dataSync(), (first.model.predict(ids) as ops.Tensor).dataSync(), 0, 0, 'cached');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('names what is wrong: unknown architecture, missing files, wrong dtype', async () => {
    const weights = new Uint8Array(readFileSync(join(dir, 'gpt2', 'model.safetensors')));
    await expect(loadPretrained({ 'config.json': '{"model_type": "llama"}', 'model.safetensors': weights })).rejects.toThrow(
      /unsupported architecture \["llama"\]/,
    );
    await expect(loadPretrained(join(dir, 'nowhere'))).rejects.toThrow(/config\.json/);
    await expect(loadPretrained({ 'config.json': '{"model_type": ', 'model.safetensors': weights })).rejects.toThrow(
      /config\.json is not valid JSON/,
    );
  });
});
