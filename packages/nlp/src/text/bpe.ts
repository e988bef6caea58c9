// Byte-pair encoding (Sennrich et al. 2016, "Neural Machine Translation of Rare
// Words with Subword Units"): words become character sequences ending in an
// end-of-word marker, and the most frequent adjacent pair is merged into a new
// symbol until the vocabulary is full. Rare words then split into known pieces
// instead of all mapping to one out-of-vocabulary id.
//
// Training keeps pair counts and the words each pair occurs in, so a merge only
// revisits the words it touches; a lazy max-heap finds the next pair.

/** Options of {@link BpeTokenizer.train}. */
export interface BpeTrainArgs {
  /** Target vocabulary size, special tokens and single characters included (default 8000). */
  vocabSize?: number;
  /** Pairs seen fewer times are never merged; characters seen fewer times map to the unknown token (default 2). */
  minFrequency?: number;
  /** Lower-case texts first (default true). */
  lowercase?: boolean;
  /** Tokens placed first in the vocabulary (default ['<pad>', '<unk>']: id 0 pads, id 1 is unknown). */
  specialTokens?: string[];
  /** Longest word (in characters) kept whole; longer ones are cut (default 40: base64 runs and URLs). */
  maxWordLength?: number;
}

/** The saved form of a BpeTokenizer. */
export interface BpeTokenizerJSON {
  /** Marks the JSON as a saved BpeTokenizer. */
  format: 'wasmml-bpe';
  /** Format version. */
  version: 1;
  /** Whether texts are lower-cased first. */
  lowercase: boolean;
  /** Longest word kept whole (longer ones are cut). */
  maxWordLength: number;
  /** Tokens at the start of the vocabulary (padding, unknown...). */
  specialTokens: string[];
  /** Tokens by id. */
  vocabulary: string[];
  /** Learnt merges, in the order they apply. */
  merges: Array<[string, string]>;
}

/** Marks the last symbol of a word, so "ab" inside a word and "ab" at its end differ. */
export const END_OF_WORD = '</w>';
const WORD = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/** Max-heap of [count, pair] entries; stale entries are skipped by the caller. */
class PairHeap {
  private items: Array<[number, string]> = [];
  get size() {
    return this.items.length;
  }
  private better(a: [number, string], b: [number, string]) {
    return a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]);
  }
  push(e: [number, string]): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): [number, string] | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < h.length && this.better(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.better(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const SEP = '\u0000';

/** A byte-pair-encoding subword tokenizer: train on a corpus, encode, decode, save. */
export class BpeTokenizer {
  /** Whether texts are lower-cased first. */
  readonly lowercase: boolean;
  /** Longest word kept whole (longer ones are cut). */
  readonly maxWordLength: number;
  /** Tokens at the start of the vocabulary (padding, unknown...). */
  readonly specialTokens: string[];
  private readonly vocab: string[];
  private readonly index: Map<string, number>;
  private readonly merges: Array<[string, string]>;
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, string[]>();

  private constructor(json: Omit<BpeTokenizerJSON, 'format' | 'version'>) {
    this.lowercase = json.lowercase;
    this.maxWordLength = json.maxWordLength;
    this.specialTokens = [...json.specialTokens];
    this.vocab = [...json.vocabulary];
    this.index = new Map(this.vocab.map((t, i) => [t, i]));
    this.merges = json.merges.map(([a, b]) => [a, b]);
    this.ranks = new Map(this.merges.map(([a, b], i) => [a + SEP + b, i]));
  }

  /** Learns merges from texts until the vocabulary reaches vocabSize (or no pair is frequent enough). */
  static train(texts: Iterable<string>, args: BpeTrainArgs = {}): BpeTokenizer {
    const vocabSize = args.vocabSize ?? 8000,
      minFrequency = args.minFrequency ?? 2;
    const lowercase = args.lowercase ?? true,
      maxWordLength = args.maxWordLength ?? 40;
    const specialTokens = args.specialTokens ?? ['<pad>', '<unk>'];
    if (!Number.isInteger(vocabSize) || vocabSize < specialTokens.length + 1) {
      throw new Error(`BpeTokenizer.train: vocabSize must be an integer > ${specialTokens.length} (the special tokens), got ${vocabSize}`);
    }
    const wordCounts = new Map<string, number>();
    for (const text of texts) {
      for (const w of BpeTokenizer.words(text, lowercase, maxWordLength)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    }
    const charCounts = new Map<string, number>();
    const words: Array<{ symbols: string[]; count: number }> = [];
    for (const [w, count] of wordCounts) {
      const symbols = BpeTokenizer.initialSymbols(w);
      for (const s of symbols) charCounts.set(s, (charCounts.get(s) ?? 0) + count);
      words.push({ symbols, count });
    }
    const base = [...charCounts.entries()]
      .filter(([, c]) => c >= minFrequency)
      .map(([s]) => s)
      .sort();
    const vocabulary = [...specialTokens, ...base.filter((s) => !specialTokens.includes(s))];
    const known = new Set(vocabulary);
    const pairCounts = new Map<string, number>(),
      where = new Map<string, Set<number>>();
    const heap = new PairHeap();
    const addPairs = (wi: number, sign: number) => {
      const { symbols, count } = words[wi]!;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = symbols[i]! + SEP + symbols[i + 1]!;
        const c = (pairCounts.get(key) ?? 0) + sign * count;
        pairCounts.set(key, c);
        if (sign > 0) {
          let set = where.get(key);
          if (!set) where.set(key, (set = new Set()));
          set.add(wi);
        }
      }
    };
    words.forEach((_, wi) => addPairs(wi, 1));
    for (const [k, c] of pairCounts) heap.push([c, k]);
    const merges: Array<[string, string]> = [];
    while (vocabulary.length < vocabSize && heap.size > 0) {
      const [count, key] = heap.pop()!;
      const current = pairCounts.get(key);
      if (current !== count) {
        // Stale: the pair's count changed since this entry was pushed; requeue a smaller live count.
        if (current !== undefined && current > 0 && current < count) heap.push([current, key]);
        continue;
      }
      if (count < minFrequency) break;
      const [a, b] = key.split(SEP) as [string, string];
      // Both halves must be known symbols (rare characters stay unknown).
      if (!known.has(a) || !known.has(b)) {
        pairCounts.set(key, -1);
        continue;
      }
      const merged = a + b;
      merges.push([a, b]);
      if (!known.has(merged)) {
        vocabulary.push(merged);
        known.add(merged);
      }
      const touched = new Set<string>();
      for (const wi of where.get(key) ?? []) {
        const w = words[wi]!;
        if (!w.symbols.some((s, i) => s === a && w.symbols[i + 1] === b)) continue;
        addPairs(wi, -1);
        const out: string[] = [];
        for (let i = 0; i < w.symbols.length; i++) {
          if (w.symbols[i] === a && w.symbols[i + 1] === b) {
            out.push(merged);
            i++;
          } else out.push(w.symbols[i]!);
        }
        w.symbols = out;
        addPairs(wi, 1);
        for (let i = 0; i + 1 < out.length; i++) touched.add(out[i]! + SEP + out[i + 1]!);
      }
      where.delete(key);
      pairCounts.delete(key);
      // Pairs whose count fell are found stale when popped; new or grown ones are pushed now.
      for (const k of touched) heap.push([pairCounts.get(k)!, k]);
    }
    return new BpeTokenizer({ lowercase, maxWordLength, specialTokens, vocabulary, merges });
  }

  /** Pre-tokenisation: words (letters and digits) and single punctuation marks. */
  private static words(text: string, lowercase: boolean, maxLen: number): string[] {
    const t = lowercase ? text.toLowerCase() : text;
    const out = t.match(WORD) ?? [];
    return out.map((w) => (w.length > maxLen ? Array.from(w).slice(0, maxLen).join('') : w));
  }

  private static initialSymbols(word: string): string[] {
    const chars = Array.from(word);
    chars[chars.length - 1] += END_OF_WORD;
    return chars;
  }

  /** Vocabulary size (the Embedding's inputDim when ids feed a model). */
  vocabularySize(): number {
    return this.vocab.length;
  }

  /** The vocabulary by id. */
  getVocabulary(): string[] {
    return [...this.vocab];
  }

  /** Id of the unknown token ('<unk>' when present, else the last special token, else 0). */
  get unknownId(): number {
    return this.index.get('<unk>') ?? Math.max(0, this.specialTokens.length - 1);
  }

  private bpeWord(word: string): string[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    let symbols = BpeTokenizer.initialSymbols(word);
    for (;;) {
      let best = -1,
        bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = this.ranks.get(symbols[i]! + SEP + symbols[i + 1]!);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const [a, b] = this.merges[bestRank]!;
      const out: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === a && symbols[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(symbols[i]!);
      }
      symbols = out;
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(word, symbols);
    return symbols;
  }

  /** Subword tokens of a text (symbols outside the vocabulary are kept; encode maps them to the unknown id). */
  tokenize(text: string): string[] {
    return BpeTokenizer.words(text, this.lowercase, this.maxWordLength).flatMap((w) => this.bpeWord(w));
  }

  /** Token ids of a text. */
  encode(text: string): number[] {
    const unk = this.unknownId;
    return this.tokenize(text).map((t) => this.index.get(t) ?? unk);
  }

  /** Text of ids: pieces joined, end-of-word markers turned into spaces, special tokens dropped. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const t = this.vocab[ids[i]!];
      if (t === undefined || this.specialTokens.includes(t)) continue;
      s += t.endsWith(END_OF_WORD) ? `${t.slice(0, -END_OF_WORD.length)} ` : t;
    }
    return s.trimEnd();
  }

  /** The tokenizer as JSON (vocabulary and merges in order). */
  toJSON(): BpeTokenizerJSON {
    return {
      /** Marks the JSON as a saved BpeTokenizer. */
      format: 'wasmml-bpe',
      version: 1,
      lowercase: this.lowercase,
      maxWordLength: this.maxWordLength,
      /** Tokens at the start of the vocabulary (padding, unknown...). */
      specialTokens: [...this.specialTokens],
      vocabulary: this.getVocabulary(),
      merges: this.merges.map(([a, b]) => [a, b]),
    };
  }

  /** Rebuilds a tokenizer from toJSON(). */
  static fromJSON(json: BpeTokenizerJSON): BpeTokenizer {
    if (json?.format !== 'wasmml-bpe') throw new Error('BpeTokenizer.fromJSON: not a saved BpeTokenizer (format field missing)');
    return new BpeTokenizer(json);
  }
}
