// BERT: hidden states and pooled output equal to Hugging Face BertModel's
// (PyTorch) on the same weights and padded ids; a classifier on top trains.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ops from '@wasmml/tensor';
import { expectClose } from '@wasmml/test-utils';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bert,
  bertArgsFromConfig,
  bertClassifier,
  bertConfigOf,
  loadBertWeights,
  type BertConfig,
  type CheckpointTensor,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const python = referencePython();

describe.skipIf(python === undefined)('bert matches transformers BertModel', () => {
  let dir = '';
  let ref: { ids: number[][]; hidden: number[]; pooled: number[]; weights: Record<string, { shape: number[]; data: number[] }> };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasmml-bert-'));
    runPython(readFileSync(join(here, 'fixtures', 'hf_bert.py'), 'utf8'), { args: [dir] });
    ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tensors = () =>
    new Map<string, CheckpointTensor>(
      Object.entries(ref.weights).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]),
    );

  it('last_hidden_state and pooler_output within 1e-4, padding masked', () => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as BertConfig;
    const model = bert(bertArgsFromConfig(config));
    model.predict(ops.zeros([1, 2], 'int32')); // builds the weights
    loadBertWeights(model, tensors());
    const ids = ops.tensor(ref.ids, [3, 17], 'int32');
    const pooled = model.predict(ids) as ops.Tensor;
    expectClose(pooled.dataSync(), ref.pooled, 0, 1e-4, 'pooled');
    const hidden = model.sequenceOutput(ids);
    expectClose(hidden.dataSync(), ref.hidden, 0, 1e-4, 'hidden');
    expect(bertConfigOf(model)).toMatchObject({ hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64 });
    ops.dispose([ids, pooled, hidden]);
  });

  it('a classifier on the loaded encoder fine-tunes (loss falls)', async () => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as BertConfig;
    const encoder = bert({ ...bertArgsFromConfig(config), dropout: 0 });
    encoder.predict(ops.zeros([1, 2], 'int32'));
    loadBertWeights(encoder, tensors());
    const clf = bertClassifier(encoder, { numClasses: 2, dropout: 0 });
    clf.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    // Label: whether token 7 occurs.
    const rows = Array.from({ length: 64 }, (_, i) => Array.from({ length: 10 }, (_, j) => ((i * 31 + j * 17) % 97) + 1));
    rows.forEach((r, i) => {
      if (i % 2 === 0) r[(i * 3) % 10] = 7;
      else for (let j = 0; j < 10; j++) if (r[j] === 7) r[j] = 8;
    });
    const x = ops.tensor(rows, [64, 10], 'int32'),
      y = ops.tensor(
        rows.map((_, i) => (i % 2 === 0 ? 1 : 0)),
        [64],
        'int32',
      );
    const h = await clf.fit(x, y, { epochs: 15, batchSize: 16, verbose: 0 });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1] as number).toBeLessThan((loss[0] as number) * 0.5);
    ops.dispose([x, y]);
  });

  it('a checkpoint that does not fit names the tensors', () => {
    const model = bert({ vocabSize: 99, hiddenSize: 32, layers: 3, heads: 4, intermediateSize: 64, maxPositions: 40 });
    model.predict(ops.zeros([1, 2], 'int32'));
    expect(() => loadBertWeights(model, tensors())).toThrow(
      /encoder\.layer\.2\.attention\.self\.query\.weight: missing \(expected \[32,32\]\)/,
    );
    expect(() => bertArgsFromConfig({ model_type: 'roberta' } as BertConfig)).toThrow(/model_type "roberta" is not 'bert'/);
  });
});
