// TextVectorizer: Keras TextVectorization outside the model graph (strings are
// not tensors here). Standardise, split, optional n-grams, then look tokens up
// in a vocabulary built by adapt(): int sequences, or multi-hot / count / TF-IDF
// vectors. Saved and loaded as JSON with the model.
import { tensor, type Tensor } from '@wasmml/tensor';
import { splitText, standardizeText, withNgrams, type Split, type Standardize, type Tokenizer } from './standardize.js';
import { BpeTokenizer, type BpeTokenizerJSON } from './bpe.js';

/** Output modes, with Keras's names. */
export type OutputMode = 'int' | 'multi_hot' | 'count' | 'tf_idf';

/** Options of {@link TextVectorizer} (Keras TextVectorization arguments, camelCase). */
export interface TextVectorizerArgs {
  /** Vocabulary size cap, the padding and OOV tokens included (unlimited by default). */
  maxTokens?: number;
  /** Default 'lower_and_strip_punctuation'. Functions are not saved: pass them again to fromJSON. */
  standardize?: Standardize;
  /** Default 'whitespace'; a BpeTokenizer is saved with the vectorizer. */
  split?: Split;
  /** Also emit n-grams up to this length (Keras `ngrams`). */
  ngrams?: number;
  /** Default 'int'. */
  outputMode?: OutputMode;
  /** 'int' mode: pad with 0 or truncate (keeping the start) to this length; otherwise pad to the longest text. */
  outputSequenceLength?: number;
  /** Vector modes: make vectors maxTokens long even when the vocabulary is smaller. */
  padToMaxTokens?: boolean;
  /** A fixed vocabulary (without the padding / OOV tokens) instead of adapt(). */
  vocabulary?: string[];
  /** tf_idf: inverse document frequencies, one per vocabulary entry, with a fixed vocabulary. */
  idfWeights?: number[];
}

/** The saved form of a TextVectorizer. */
export interface TextVectorizerJSON {
  /** Marks the JSON as a saved TextVectorizer. */
  format: 'wasmml-text-vectorizer';
  /** Format version. */
  version: 1;
  /** Settings, as getConfig() returns them. */
  config: Omit<TextVectorizerArgs, 'standardize' | 'split' | 'vocabulary' | 'idfWeights'> & {
    /** The standardisation step. */
    standardize: Exclude<Standardize, (text: string) => string> | 'custom';
    /** The splitting step. */
    split: Exclude<Split, ((text: string) => string[]) | Tokenizer> | 'custom' | 'bpe';
  };
  /** The full vocabulary as getVocabulary() returns it. */
  vocabulary: string[];
  /** IDF weight of each vocabulary token after the OOV one (tf_idf). */
  idfWeights?: number[];
  /** The BPE tokenizer used to split, if any. */
  bpe?: BpeTokenizerJSON;
}

const PAD = '';
const OOV = '[UNK]';

/** Text -> token ids or vectors, with Keras TextVectorization semantics. */
export class TextVectorizer {
  /** Vocabulary size cap (reserved tokens included), undefined for none. */
  readonly maxTokens: number | undefined;
  /** The standardisation step. */
  readonly standardize: Standardize;
  /** The splitting step. */
  readonly split: Split;
  /** Longest n-gram emitted. */
  readonly ngrams: number;
  /** What apply() returns. */
  readonly outputMode: OutputMode;
  /** Length of int sequences (undefined: the longest text). */
  readonly outputSequenceLength: number | undefined;
  /** Vectors are maxTokens long. */
  readonly padToMaxTokens: boolean;
  private vocab: string[] = [];
  private index = new Map<string, number>();
  private idf: Float32Array | undefined;

  constructor(args: TextVectorizerArgs = {}) {
    this.maxTokens = args.maxTokens;
    this.standardize = args.standardize === undefined ? 'lower_and_strip_punctuation' : args.standardize;
    this.split = args.split === undefined ? 'whitespace' : args.split;
    this.ngrams = args.ngrams ?? 1;
    this.outputMode = args.outputMode ?? 'int';
    this.outputSequenceLength = args.outputSequenceLength;
    this.padToMaxTokens = args.padToMaxTokens ?? false;
    if (!['int', 'multi_hot', 'count', 'tf_idf'].includes(this.outputMode)) {
      throw new Error(`TextVectorizer: outputMode must be 'int', 'multi_hot', 'count' or 'tf_idf', got '${this.outputMode}'`);
    }
    const min = this.reserved().length + 1;
    if (this.maxTokens !== undefined && (!Number.isInteger(this.maxTokens) || this.maxTokens < min)) {
      throw new Error(
        `TextVectorizer: maxTokens must be an integer >= ${min} (it counts the ${this.reserved()
          .map((t) => `'${t}'`)
          .join(' and ')} token(s)), got ${this.maxTokens}`,
      );
    }
    if (
      this.outputSequenceLength !== undefined &&
      (this.outputMode !== 'int' || !Number.isInteger(this.outputSequenceLength) || this.outputSequenceLength < 1)
    ) {
      throw new Error(
        `TextVectorizer: outputSequenceLength must be a positive integer and only goes with outputMode 'int', got ${this.outputSequenceLength} with '${this.outputMode}'`,
      );
    }
    if (!Number.isInteger(this.ngrams) || this.ngrams < 1)
      throw new Error(`TextVectorizer: ngrams must be a positive integer, got ${this.ngrams}`);
    if (this.padToMaxTokens && (this.outputMode === 'int' || this.maxTokens === undefined)) {
      throw new Error("TextVectorizer: padToMaxTokens needs maxTokens and a vector outputMode ('multi_hot', 'count', 'tf_idf')");
    }
    if (args.vocabulary) this.setVocabulary(args.vocabulary, args.idfWeights);
  }

  /** Tokens before the learnt vocabulary: padding and OOV in 'int' mode, OOV otherwise (Keras layout). */
  private reserved(): string[] {
    return this.outputMode === 'int' ? [PAD, OOV] : [OOV];
  }

  /** Id of the out-of-vocabulary token. */
  get oovId(): number {
    return this.outputMode === 'int' ? 1 : 0;
  }

  /** The tokens of one text, after standardisation, splitting and n-grams. */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new Error(`TextVectorizer: expected a string, got ${typeof text}`);
    return withNgrams(splitText(standardizeText(text, this.standardize), this.split), this.ngrams);
  }

  /**
   * Builds the vocabulary from texts: the most frequent tokens first (ties in
   * first-seen order), capped by maxTokens; computes IDF weights in 'tf_idf' mode.
   */
  async adapt(texts: Iterable<string> | AsyncIterable<string>): Promise<void> {
    const counts = new Map<string, number>(),
      docFreq = new Map<string, number>();
    let docs = 0;
    for await (const text of texts as AsyncIterable<string>) {
      const toks = this.tokenize(text);
      for (const t of toks) counts.set(t, (counts.get(t) ?? 0) + 1);
      if (this.outputMode === 'tf_idf') for (const t of new Set(toks)) docFreq.set(t, (docFreq.get(t) ?? 0) + 1);
      docs++;
    }
    const reserved = new Set(this.reserved());
    const order = [...counts.entries()].filter(([t]) => !reserved.has(t));
    // Stable sort: equal counts keep first-seen order.
    order.sort((a, b) => b[1] - a[1]);
    const room = this.maxTokens === undefined ? order.length : this.maxTokens - reserved.size;
    const vocab = order.slice(0, room).map(([t]) => t);
    // Keras: idf = log(1 + docs / (1 + df)).
    const idf = this.outputMode === 'tf_idf' ? vocab.map((t) => Math.log(1 + docs / (1 + (docFreq.get(t) ?? 0)))) : undefined;
    this.setVocabulary(vocab, idf);
  }

  /** Sets the vocabulary (without the reserved tokens, or with them in front as getVocabulary() returns them). */
  setVocabulary(vocabulary: string[], idfWeights?: number[]): void {
    const reserved = this.reserved();
    const body = reserved.every((t, i) => vocabulary[i] === t) ? vocabulary.slice(reserved.length) : vocabulary;
    if (this.maxTokens !== undefined && body.length + reserved.length > this.maxTokens) {
      throw new Error(
        `TextVectorizer.setVocabulary: ${body.length} tokens + ${reserved.length} reserved exceed maxTokens ${this.maxTokens}`,
      );
    }
    const index = new Map<string, number>();
    reserved.forEach((t, i) => index.set(t, i));
    body.forEach((t, i) => {
      if (index.has(t)) throw new Error(`TextVectorizer.setVocabulary: token '${t}' appears twice (or is a reserved token)`);
      index.set(t, i + reserved.length);
    });
    let idf: Float32Array | undefined;
    if (this.outputMode === 'tf_idf') {
      if (!idfWeights || idfWeights.length !== body.length) {
        throw new Error(
          `TextVectorizer.setVocabulary: 'tf_idf' needs one idf weight per token (${body.length}), got ${idfWeights?.length ?? 'none'}`,
        );
      }
      // The OOV token gets the mean idf (as Keras does).
      const mean = body.length ? idfWeights.reduce((s, w) => s + w, 0) / body.length : 0;
      idf = Float32Array.from([mean, ...idfWeights]);
    }
    this.vocab = [...reserved, ...body];
    this.index = index;
    this.idf = idf;
  }

  /** The vocabulary by id: '' (padding) and '[UNK]' first in 'int' mode, '[UNK]' first otherwise. */
  getVocabulary(): string[] {
    return [...this.vocab];
  }

  /** Number of ids, reserved tokens included (the Embedding's inputDim). */
  vocabularySize(): number {
    return this.vocab.length;
  }

  /** Whether a vocabulary has been set or adapted. */
  get adapted(): boolean {
    return this.vocab.length > 0;
  }

  private requireVocab(op: string): void {
    if (!this.adapted) throw new Error(`TextVectorizer.${op}: no vocabulary yet; call adapt(texts) or setVocabulary(tokens) first`);
  }

  /** Token ids of one text (no padding or truncation). */
  encode(text: string): number[] {
    this.requireVocab('encode');
    const oov = this.oovId;
    return this.tokenize(text).map((t) => this.index.get(t) ?? oov);
  }

  /** Tokens of ids ('int' mode); padding ids are dropped. */
  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (this.outputMode === 'int' && id === 0) continue;
      out.push(this.vocab[id] ?? OOV);
    }
    return out;
  }

  /** Vectorises a batch of texts: int32 [n, length] in 'int' mode, float32 [n, vocabulary] otherwise. */
  apply(texts: string[] | string): Tensor {
    const list = typeof texts === 'string' ? [texts] : texts;
    if (!Array.isArray(list)) throw new Error('TextVectorizer.apply: expected a string or an array of strings');
    if (this.outputMode === 'int') {
      const { data, length } = this.encodeBatch(list);
      return tensor(data, [list.length, length], 'int32');
    }
    this.requireVocab('apply');
    const width = this.padToMaxTokens ? this.maxTokens! : this.vocab.length;
    const out = new Float32Array(list.length * width);
    list.forEach((text, r) => {
      const row = out.subarray(r * width, (r + 1) * width);
      for (const id of this.encode(text)) {
        if (this.outputMode === 'multi_hot') row[id] = 1;
        else row[id]! += 1;
      }
      if (this.idf) for (let j = 0; j < this.idf.length; j++) row[j]! *= this.idf[j]!;
    });
    return tensor(out, [list.length, width]);
  }

  /** Padded / truncated id rows as a flat Int32Array ('int' mode). */
  encodeBatch(texts: string[]): {
    /** [texts, length] ids, row after row. */
    data: Int32Array;
    /** Ids per text. */
    length: number;
  } {
    if (this.outputMode !== 'int')
      throw new Error(`TextVectorizer.encodeBatch: only for outputMode 'int', this one is '${this.outputMode}'`);
    const rows = texts.map((t) => this.encode(t));
    const length = this.outputSequenceLength ?? Math.max(1, ...rows.map((r) => r.length));
    const data = new Int32Array(texts.length * length);
    rows.forEach((r, i) => data.set(r.length > length ? r.slice(0, length) : r, i * length));
    return { data, length };
  }

  /** Settings (JSON-friendly; functions are reported as 'custom'). */
  getConfig(): TextVectorizerJSON['config'] {
    const std = typeof this.standardize === 'function' ? 'custom' : this.standardize;
    const split =
      typeof this.split === 'function'
        ? 'custom'
        : this.split instanceof BpeTokenizer
          ? 'bpe'
          : typeof this.split === 'object' && this.split !== null
            ? 'custom'
            : this.split;
    return {
      ...(this.maxTokens !== undefined ? { maxTokens: this.maxTokens } : {}),
      standardize: std,
      split,
      ngrams: this.ngrams,
      /** What apply() returns. */
      outputMode: this.outputMode,
      ...(this.outputSequenceLength !== undefined ? { outputSequenceLength: this.outputSequenceLength } : {}),
      /** Vectors are maxTokens long. */
      padToMaxTokens: this.padToMaxTokens,
    };
  }

  /** The vectorizer as JSON: settings, vocabulary, IDF weights and any BPE tokenizer. */
  toJSON(): TextVectorizerJSON {
    return {
      /** Marks the JSON as a saved TextVectorizer. */
      format: 'wasmml-text-vectorizer',
      version: 1,
      config: this.getConfig(),
      vocabulary: this.getVocabulary(),
      ...(this.idf ? { idfWeights: Array.from(this.idf.subarray(1)) } : {}),
      ...(this.split instanceof BpeTokenizer ? { bpe: this.split.toJSON() } : {}),
    };
  }

  /** Rebuilds a vectorizer from toJSON(); custom standardize / split functions must be passed again. */
  static fromJSON(json: TextVectorizerJSON, custom: { standardize?: Standardize; split?: Split } = {}): TextVectorizer {
    if (json?.format !== 'wasmml-text-vectorizer')
      throw new Error('TextVectorizer.fromJSON: not a saved TextVectorizer (format field missing)');
    const c = json.config;
    const need = (what: 'standardize' | 'split') => {
      if (custom[what] === undefined)
        throw new Error(`TextVectorizer.fromJSON: the saved vectorizer used a custom ${what} function; pass it as the second argument`);
      return custom[what];
    };
    const standardize = c.standardize === 'custom' ? (need('standardize') as Standardize) : c.standardize;
    const split = c.split === 'custom' ? (need('split') as Split) : c.split === 'bpe' ? BpeTokenizer.fromJSON(json.bpe!) : c.split;
    return new TextVectorizer({
      ...c,
      standardize,
      split,
      vocabulary: json.vocabulary,
      ...(json.idfWeights ? { idfWeights: json.idfWeights } : {}),
    });
  }
}
