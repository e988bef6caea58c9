// TextVectorizer against Keras TextVectorization semantics (values worked out by
// hand from the Keras documentation and its formulas).
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { BpeTokenizer, TextVectorizer } from '@wasmml/nlp';

const corpus = ['The cat sat.', 'the cat ran!', 'A dog sat', 'the dog, the cat'];

describe('TextVectorizer', () => {
  it("int mode: '' and '[UNK]' first, tokens by frequency (ties in first-seen order), lower-cased and punctuation stripped", async () => {
    const v = new TextVectorizer();
    await v.adapt(corpus);
    // the:4, cat:3, sat:2, dog:2, ran:1, a:1
    expect(v.getVocabulary()).toEqual(['', '[UNK]', 'the', 'cat', 'sat', 'dog', 'ran', 'a']);
    expect(v.vocabularySize()).toBe(8);
    const t = v.apply(['The CAT, sat on the mat', 'dog']);
    expect(t.dtype).toBe('int32');
    // Padded to the longest text; unknown words map to 1.
    expect(t.arraySync()).toEqual([
      [2, 3, 4, 1, 2, 1],
      [5, 0, 0, 0, 0, 0],
    ]);
  });

  it('maxTokens counts the reserved tokens; outputSequenceLength pads and truncates at the end', async () => {
    const v = new TextVectorizer({ maxTokens: 4, outputSequenceLength: 3 });
    await v.adapt(corpus);
    expect(v.getVocabulary()).toEqual(['', '[UNK]', 'the', 'cat']);
    expect(v.apply(['cat the dog the cat', 'the']).arraySync()).toEqual([
      [3, 2, 1],
      [2, 0, 0],
    ]);
    expect(v.decode([3, 2, 1, 0])).toEqual(['cat', 'the', '[UNK]']);
  });

  it('multi_hot and count: [UNK] at 0, one column per token', async () => {
    const mh = new TextVectorizer({ outputMode: 'multi_hot' });
    await mh.adapt(corpus);
    expect(mh.getVocabulary()).toEqual(['[UNK]', 'the', 'cat', 'sat', 'dog', 'ran', 'a']);
    expect(Array.from(mh.apply(['the the cat zebra']).dataSync())).toEqual([1, 1, 1, 0, 0, 0, 0]);
    const c = new TextVectorizer({ outputMode: 'count', maxTokens: 5, padToMaxTokens: true });
    await c.adapt(corpus);
    expect(c.apply(['the the cat zebra dog']).shape).toEqual([1, 5]);
    expect(Array.from(c.apply(['the the cat zebra dog']).dataSync())).toEqual([1, 2, 1, 0, 1]);
  });

  it('tf_idf: count * log(1 + docs / (1 + df)), OOV weighted by the mean idf', async () => {
    const v = new TextVectorizer({ outputMode: 'tf_idf' });
    await v.adapt(corpus);
    const df: Record<string, number> = { the: 3, cat: 3, sat: 2, dog: 2, ran: 1, a: 1 };
    const idf = (t: string) => Math.log(1 + 4 / (1 + df[t]!));
    const vocab = v.getVocabulary().slice(1);
    const meanIdf = vocab.reduce((s, t) => s + idf(t), 0) / vocab.length;
    const got = Array.from(v.apply(['the the dog zebra']).dataSync());
    const want = [meanIdf, 2 * idf('the'), 0, 0, idf('dog'), 0, 0];
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
  });

  it('ngrams, custom standardize and split, character split', async () => {
    const v = new TextVectorizer({ ngrams: 2, standardize: null });
    await v.adapt(['a b a b']);
    expect(v.tokenize('a b c')).toEqual(['a', 'b', 'c', 'a b', 'b c']);
    expect(v.getVocabulary()).toEqual(['', '[UNK]', 'a', 'b', 'a b', 'b a']);
    const c = new TextVectorizer({ split: 'character', standardize: (s) => s.toUpperCase() });
    expect(c.tokenize('ab!')).toEqual(['A', 'B', '!']);
  });

  it('saves and loads with its vocabulary (JSON round trip), BPE split included', async () => {
    const v = new TextVectorizer({ outputMode: 'tf_idf', maxTokens: 6 });
    await v.adapt(corpus);
    const back = TextVectorizer.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    expect(back.getVocabulary()).toEqual(v.getVocabulary());
    expect(Array.from(back.apply(corpus).dataSync())).toEqual(Array.from(v.apply(corpus).dataSync()));
    const bpe = BpeTokenizer.train(['lower lowest newer newest'.repeat(3)], { vocabSize: 30, minFrequency: 1 });
    const b = new TextVectorizer({ split: bpe, outputSequenceLength: 8 });
    await b.adapt(['lower newest']);
    const b2 = TextVectorizer.fromJSON(JSON.parse(JSON.stringify(b.toJSON())));
    expect(b2.apply(['newer lowest']).arraySync()).toEqual(b.apply(['newer lowest']).arraySync());
    const custom = new TextVectorizer({ standardize: (s) => s });
    await custom.adapt(['x']);
    expect(() => TextVectorizer.fromJSON(custom.toJSON())).toThrow(/custom standardize function/);
    expect(TextVectorizer.fromJSON(custom.toJSON(), { standardize: (s) => s }).getVocabulary()).toEqual(['', '[UNK]', 'x']);
  });

  it('rejects bad options and use before adapt with clear errors', () => {
    expect(() => new TextVectorizer({ maxTokens: 2 })).toThrow(/maxTokens must be an integer >= 3/);
    expect(() => new TextVectorizer({ outputMode: 'count', outputSequenceLength: 4 })).toThrow(/outputSequenceLength/);
    expect(() => new TextVectorizer({ outputMode: 'bag' as never })).toThrow(/outputMode/);
    expect(() => new TextVectorizer().apply(['x'])).toThrow(/no vocabulary yet/);
    expect(() => new TextVectorizer({ outputMode: 'tf_idf', vocabulary: ['a'] })).toThrow(/idf weight/);
    const before = wm.memory().numTensors;
    expect(() => new TextVectorizer().apply(['x'])).toThrow();
    expect(wm.memory().numTensors).toBe(before);
  });
});
