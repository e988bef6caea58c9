import { describe, expect, it } from 'vitest';
import { loadSpamAssassin } from '@wasmml/datasets';
import { BpeTokenizer, END_OF_WORD } from '@wasmml/nlp';

describe('BpeTokenizer', () => {
  it('learns the most frequent pairs first (Sennrich et al. example counts)', () => {
    // low x5, lower x2, newest x6, widest x3.
    const text = [...Array(5).fill('low'), ...Array(2).fill('lower'), ...Array(6).fill('newest'), ...Array(3).fill('widest')].join(' ');
    const bpe = BpeTokenizer.train([text], { vocabSize: 100, minFrequency: 2 });
    const merges = bpe.toJSON().merges;
    // e+s and s+t</w> both occur 9 times (ties go to the smaller pair), then es+t</w> (9), l+o (7), then
    // e+w, n+e and w+est</w> at 6 (lo+w is split between lo+w</w>, 5, and lo+w inside lower, 2).
    expect(merges.slice(0, 4)).toEqual([
      ['e', 's'],
      ['es', `t${END_OF_WORD}`],
      ['l', 'o'],
      ['e', 'w'],
    ]);
    expect(bpe.decode(bpe.encode('lowest'))).toBe('lowest');
    expect(bpe.tokenize('newest')).toEqual([`newest${END_OF_WORD}`]);
  });

  it('splits rare words of a real corpus into known pieces, decodes back, and survives JSON', async () => {
    const { texts } = await loadSpamAssassin();
    const sample = texts.slice(0, 300).map((t) => t.slice(0, 2000));
    const bpe = BpeTokenizer.train(sample, { vocabSize: 2000 });
    expect(bpe.vocabularySize()).toBe(2000);
    const rare = 'unsubscribeable remailing';
    const ids = bpe.encode(rare);
    expect(ids.length).toBeGreaterThan(2);
    expect(ids).not.toContain(bpe.unknownId);
    expect(bpe.decode(ids)).toBe(rare);
    const back = BpeTokenizer.fromJSON(JSON.parse(JSON.stringify(bpe.toJSON())));
    const text = texts[400]!.slice(0, 3000);
    expect(back.encode(text)).toEqual(bpe.encode(text));
    // Word pieces cover the text: decoding gives the lower-cased words and punctuation marks.
    expect(bpe.decode(bpe.encode('Hello, World!'))).toBe('hello , world !');
    // Most words of an unseen e-mail need few pieces.
    const words = texts[500]!
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)!
      .slice(0, 200);
    const pieces = words.reduce((s, w) => s + bpe.tokenize(w).length, 0);
    expect(pieces / words.length).toBeLessThan(2.5);
  });

  it('unknown characters map to the unknown id; bad sizes throw', () => {
    const bpe = BpeTokenizer.train(['ab ab ab'], { vocabSize: 10 });
    expect(bpe.encode('z')).toEqual([bpe.unknownId]);
    expect(() => BpeTokenizer.train(['x'], { vocabSize: 2 })).toThrow(/vocabSize must be an integer > 2/);
    expect(() => BpeTokenizer.fromJSON({} as never)).toThrow(/not a saved BpeTokenizer/);
  });
});
