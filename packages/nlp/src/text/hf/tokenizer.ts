// A Hugging Face tokenizer from its `tokenizer.json` (the file `tokenizers`
// and `transformers` save): added tokens, normalizer, pre-tokenizer, model
// (byte-level BPE as GPT-2 uses it, WordPiece as BERT uses it), post-processor
// and decoder, giving the same ids as the Python `tokenizers` package.
import { checkOptions, type OptionKeys } from '@wasmml/tensor';
import { platform } from '@wasmml/platform';
import { files } from '../../text-files.js';
import { type ModelJSON, type TokenModel, tokenModel } from './models.js';
import { normalizer, type Normalize, type NormalizerJSON } from './normalizers.js';
import { preTokenizer, type PreTokenize, type PreTokenizerJSON } from './pre-tokenizers.js';
import { regexCut } from './regex-cut.js';
import { type ComponentJSON, type Decode, decoder, type PostProcess, postProcessor } from './processors.js';

/** An entry of tokenizer.json's `added_tokens`. */
export interface AddedTokenJSON {
  /** The token id. */
  id: number;
  /** The token text, matched in the input as it is. */
  content: string;
  /** Special tokens are left out of decoded text by default. */
  special?: boolean;
  /** Matches only as a whole word. */
  single_word?: boolean;
  /** Takes the whitespace before it along. */
  lstrip?: boolean;
  /** Takes the whitespace after it along. */
  rstrip?: boolean;
  /** Matched after normalization (here: matched on the raw text either way). */
  normalized?: boolean;
}

/** tokenizer.json's `truncation`. */
export interface TruncationJSON {
  /** Longest encoding, special tokens included. */
  max_length: number;
  /** Which end is cut (default Right). */
  direction?: 'Left' | 'Right';
}

/** A fixed padded length. */
export interface FixedPadding {
  /** The length every encoding is padded to. */
  Fixed: number;
}

/** tokenizer.json's `padding`. */
export interface PaddingJSON {
  /** Pad to the longest of the batch, or to a fixed length. */
  strategy?: 'BatchLongest' | FixedPadding;
  /** Which side gets the padding (default Right). */
  direction?: 'Left' | 'Right';
  /** Id of the padding token (default 0). */
  pad_id?: number;
  /** Segment id of padding (default 0). */
  pad_type_id?: number;
}

/** The parts of tokenizer.json this class reads (the file keeps any others; `toJSON` returns it whole). */
export interface TokenizerJSON {
  /** Format version written by `tokenizers`. */
  version?: string;
  /** Tokens cut out of the text before anything else. */
  added_tokens?: AddedTokenJSON[];
  /** Text clean-up before pre-tokenization. */
  normalizer?: NormalizerJSON | null;
  /** How text splits into the pieces the model tokenizes. */
  pre_tokenizer?: PreTokenizerJSON | null;
  /** The BPE or WordPiece model: vocabulary (and merges). */
  model: ModelJSON;
  /** Special tokens added around one or two sequences. */
  post_processor?: ComponentJSON | null;
  /** Tokens back to text. */
  decoder?: ComponentJSON | null;
  /** Longest encoding kept (special tokens included), and from which end it is cut. */
  truncation?: TruncationJSON | null;
  /** How encodeBatch pads. */
  padding?: PaddingJSON | null;
  [key: string]: unknown;
}

/** One encoded text. */
export interface Encoding {
  /** Token ids, special tokens included when asked for. */
  ids: number[];
  /** The tokens of `ids`. */
  tokens: string[];
  /** Segment ids (0 for the first sequence, 1 for the second of a pair, as the post-processor sets them). */
  typeIds: number[];
  /** 1 for real tokens, 0 for padding. */
  attentionMask: number[];
}

/** Options of {@link PretrainedTokenizer.encode}. */
export interface EncodeOptions {
  /** Add the post-processor's special tokens ([CLS] … [SEP]); default true. */
  addSpecialTokens?: boolean;
  /** A second text, for pair inputs (BERT's sentence pairs). */
  pair?: string;
  /** Keep at most this many ids (special tokens included), overriding the file's truncation. */
  maxLength?: number;
}

const ENCODE_KEYS: OptionKeys<EncodeOptions> = { addSpecialTokens: true, pair: true, maxLength: true };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD_CHAR = '[\\p{L}\\p{N}_]';

/**
 * A tokenizer read from a Hugging Face `tokenizer.json`. Load one with
 * {@link PretrainedTokenizer.load} (a file, a model directory, a URL) or
 * {@link PretrainedTokenizer.fromJSON}; `encode` gives the ids `tokenizers` gives.
 */
export class PretrainedTokenizer {
  private readonly normalize: Normalize;
  private readonly preTokenize: PreTokenize;
  private readonly model: TokenModel;
  private readonly post: PostProcess;
  private readonly decodeChain: Decode;
  private readonly added = new Map<string, AddedTokenJSON>();
  private readonly addedById = new Map<number, AddedTokenJSON>();
  private readonly addedPattern: RegExp | undefined;

  private constructor(private readonly json: TokenizerJSON) {
    if (json == null || typeof json !== 'object' || json.model == null) {
      throw new Error('PretrainedTokenizer: not a tokenizer.json (no "model" entry)');
    }
    this.normalize = normalizer(json.normalizer);
    this.preTokenize = preTokenizer(json.pre_tokenizer);
    this.model = tokenModel(json.model);
    this.post = postProcessor(json.post_processor);
    this.decodeChain = decoder(json.decoder);
    const added = json.added_tokens ?? [];
    for (const t of added) {
      this.added.set(t.content, t);
      this.addedById.set(t.id, t);
    }
    // Leftmost match, the longest first at a position (as the crate's Aho-Corasick).
    const alternatives = [...added]
      .filter((t) => t.content.length > 0)
      .sort((a, b) => b.content.length - a.content.length)
      .map(
        (t) =>
          `${t.single_word ? `(?<!${WORD_CHAR})` : ''}${t.lstrip ? '\\s*' : ''}(${escapeRegExp(t.content)})` +
          `${t.rstrip ? '\\s*' : ''}${t.single_word ? `(?!${WORD_CHAR})` : ''}`,
      );
    this.addedPattern = alternatives.length ? new RegExp(alternatives.join('|'), 'gu') : undefined;
  }

  /** From the parsed or unparsed contents of a tokenizer.json. */
  static fromJSON(json: TokenizerJSON | string): PretrainedTokenizer {
    let parsed: TokenizerJSON;
    try {
      parsed = typeof json === 'string' ? (JSON.parse(json) as TokenizerJSON) : json;
    } catch (err) {
      throw new Error(`PretrainedTokenizer.fromJSON: tokenizer.json is not valid JSON (${(err as Error).message})`);
    }
    return new PretrainedTokenizer(parsed);
  }

  /** From the bytes of a tokenizer.json. */
  static fromBytes(bytes: Uint8Array): PretrainedTokenizer {
    return PretrainedTokenizer.fromJSON(new TextDecoder().decode(bytes));
  }

  /**
   * From a tokenizer.json file, a model directory holding one (as
   * `save_pretrained` writes it), or an http(s) URL of either.
   */
  static async load(source: string | URL): Promise<PretrainedTokenizer> {
    const s = String(source);
    const path = s.endsWith('.json') ? s : `${s.replace(/\/+$/, '')}/tokenizer.json`;
    if (/^https?:\/\//.test(path)) {
      const res = await fetch(path);
      if (!res.ok) throw new Error(`PretrainedTokenizer.load: GET ${path} answered ${res.status} ${res.statusText}`);
      return PretrainedTokenizer.fromJSON(await res.text());
    }
    if (!platform.hasFileSystem) throw new Error(`PretrainedTokenizer.load: no file system here; pass a URL or use fromJSON (${path})`);
    return PretrainedTokenizer.fromJSON(await files.readText(path.replace(/^file:\/\//, '')));
  }

  /** The tokenizer.json this was made from (unchanged, so saving round-trips). */
  toJSON(): TokenizerJSON {
    return this.json;
  }

  /** Writes tokenizer.json to `path` (a file ending in .json, or a directory). */
  async save(path: string): Promise<void> {
    if (!platform.hasFileSystem) throw new Error('PretrainedTokenizer.save: no file system here; keep toJSON() instead');
    const file = path.endsWith('.json') ? path : `${path.replace(/\/+$/, '')}/tokenizer.json`;
    await files.writeText(file, JSON.stringify(this.json));
  }

  /** Vocabulary size: the model's tokens plus added ones. */
  get vocabSize(): number {
    let n = this.model.idToToken.length;
    for (const id of this.addedById.keys()) n = Math.max(n, id + 1);
    return n;
  }

  /** The id of a token, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.added.get(token)?.id ?? this.model.vocab.get(token);
  }

  /** The token of an id, or undefined. */
  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.model.idToToken[id];
  }

  /** Encodes one text (or a pair). */
  encode(text: string, options: EncodeOptions = {}): Encoding {
    if (typeof text !== 'string') throw new Error(`PretrainedTokenizer.encode: text must be a string, got ${typeof text}`);
    checkOptions('PretrainedTokenizer.encode', options, ENCODE_KEYS);
    const a = this.tokenizeText(text);
    const b = options.pair === undefined ? undefined : this.tokenizeText(options.pair);
    const max = options.maxLength ?? this.json.truncation?.max_length;
    const special = options.addSpecialTokens !== false;
    if (max !== undefined) {
      const extra = special ? this.post([], b === undefined ? undefined : []).ids.length : 0;
      truncate(a, b, Math.max(0, max - extra), this.json.truncation?.direction === 'Left');
    }
    const parts = special ? this.post(a, b) : { ids: [...a, ...(b ?? [])], typeIds: [...a.map(() => 0), ...(b ?? []).map(() => 1)] };
    return {
      ids: parts.ids,
      tokens: parts.ids.map((id) => this.idToToken(id) ?? ''),
      typeIds: parts.typeIds,
      attentionMask: parts.ids.map(() => 1),
    };
  }

  /** Encodes several texts, padded as the file's `padding` says (no padding when it has none). */
  encodeBatch(texts: string[], options: Omit<EncodeOptions, 'pair'> = {}): Encoding[] {
    const out = texts.map((t) => this.encode(t, options));
    const pad = this.json.padding;
    if (pad == null) return out;
    const length = typeof pad.strategy === 'object' ? pad.strategy.Fixed : Math.max(0, ...out.map((e) => e.ids.length));
    const padId = pad.pad_id ?? 0,
      left = pad.direction === 'Left';
    for (const e of out) {
      const n = Math.max(0, length - e.ids.length);
      const fill = <T>(xs: T[], v: T) => (left ? [...new Array<T>(n).fill(v), ...xs] : [...xs, ...new Array<T>(n).fill(v)]);
      e.ids = fill(e.ids, padId);
      e.tokens = fill(e.tokens, this.idToToken(padId) ?? '');
      e.typeIds = fill(e.typeIds, pad.pad_type_id ?? 0);
      e.attentionMask = fill(e.attentionMask, 0);
    }
    return out;
  }

  /** Text of `ids`; special tokens left out unless `skipSpecialTokens` is false. */
  decode(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    const skip = options.skipSpecialTokens !== false;
    const tokens: string[] = [];
    for (const id of Array.from(ids)) {
      const t = this.idToToken(id);
      if (t === undefined) continue;
      if (skip && this.addedById.get(id)?.special === true) continue;
      tokens.push(t);
    }
    return this.decodeChain(tokens).join('');
  }

  // Added tokens are cut out first; the text between them goes through
  // normalizer, pre-tokenizer and model.
  private tokenizeText(text: string): number[] {
    const ids: number[] = [];
    let first = true;
    const plain = (s: string) => {
      if (s.length === 0) return;
      for (const piece of this.preTokenize([this.normalize(s)], first)) ids.push(...this.model.tokenize(piece));
      first = false;
    };
    const re = this.addedPattern;
    if (re === undefined) {
      plain(text);
      return ids;
    }
    for (const [s, m] of regexCut(text, re)) {
      if (m === null) {
        plain(s);
        continue;
      }
      const content = m.slice(1).find((g) => g !== undefined) as string;
      ids.push((this.added.get(content) as AddedTokenJSON).id);
      first = false;
    }
    return ids;
  }
}

// LongestFirst: drop one id at a time from the longer sequence.
function truncate(a: number[], b: number[] | undefined, max: number, left: boolean): void {
  while (a.length + (b?.length ?? 0) > max) {
    const from = b !== undefined && b.length > a.length ? b : a;
    if (left) from.shift();
    else from.pop();
  }
}
