// Tokenizer models of Hugging Face `tokenizer.json` files: one pre-tokenized
// piece → token ids. BPE (GPT-2 and most decoders; byte-level when the
// pre-tokenizer maps bytes to characters) and WordPiece (BERT).

/** The `model` entry of tokenizer.json. */
export interface ModelJSON {
  /** Component type, as the tokenizers library names it. */
  type: string;
  /** Token to id. */
  vocab: Record<string, number> | Array<[string, number]>;
  /** BPE merges, highest priority first. */
  merges?: Array<string | [string, string]>;
  /** Token for what the vocabulary lacks. */
  unk_token?: string | null;
  /** Prefix of non-initial pieces (WordPiece ##). */
  continuing_subword_prefix?: string | null;
  /** Suffix of word-final pieces. */
  end_of_word_suffix?: string | null;
  /** Merge runs of unknown tokens into one. */
  fuse_unk?: boolean;
  /** Unknown characters as <0xNN> byte tokens. */
  byte_fallback?: boolean;
  /** Take a whole word that is in the vocabulary as it is. */
  ignore_merges?: boolean;
  /** Longer words become the unknown token. */
  max_input_chars_per_word?: number;
  [key: string]: unknown;
}

/** A model: piece → ids, plus the vocabulary both ways. */
export interface TokenModel {
  tokenize(piece: string): number[];
  readonly vocab: ReadonlyMap<string, number>;
  readonly idToToken: readonly (string | undefined)[];
}

function vocabMap(json: ModelJSON): Map<string, number> {
  if (json.vocab == null || typeof json.vocab !== 'object') {
    throw new Error(`tokenizer.json: model ${json.type} has no vocab object`);
  }
  return new Map(Array.isArray(json.vocab) ? json.vocab : Object.entries(json.vocab));
}

function inverse(vocab: Map<string, number>): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const [t, id] of vocab) out[id] = t;
  return out;
}

function idOf(vocab: Map<string, number>, token: string, what: string): number {
  const id = vocab.get(token);
  if (id === undefined) throw new Error(`tokenizer.json: ${what} ${JSON.stringify(token)} is not in the vocabulary`);
  return id;
}

const SEP = '\u0001';

/** Byte-pair encoding by merge rank: the lowest-ranked adjacent pair merges first, leftmost first. */
class Bpe implements TokenModel {
  readonly vocab: Map<string, number>;
  readonly idToToken: (string | undefined)[];
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();
  private readonly unk: number | undefined;
  private readonly prefix: string;
  private readonly suffix: string;

  constructor(private readonly json: ModelJSON) {
    this.vocab = vocabMap(json);
    this.idToToken = inverse(this.vocab);
    (json.merges ?? []).forEach((m, rank) => {
      const pair = typeof m === 'string' ? splitMerge(m) : m;
      this.ranks.set(pair[0] + SEP + pair[1], rank);
    });
    this.unk = json.unk_token == null ? undefined : idOf(this.vocab, json.unk_token, 'unk_token');
    this.prefix = json.continuing_subword_prefix ?? '';
    this.suffix = json.end_of_word_suffix ?? '';
  }

  tokenize(piece: string): number[] {
    const hit = this.cache.get(piece);
    if (hit) return hit;
    const ids = this.encodeWord(piece);
    if (this.cache.size < 100_000) this.cache.set(piece, ids);
    return ids;
  }

  private encodeWord(piece: string): number[] {
    if (this.json.ignore_merges === true) {
      const whole = this.vocab.get(piece);
      if (whole !== undefined) return [whole];
    }
    const chars = Array.from(piece);
    const syms = chars.map((c, i) => (i > 0 ? this.prefix : '') + c + (i === chars.length - 1 ? this.suffix : ''));
    for (;;) {
      let best = -1,
        bestRank = Infinity;
      for (let i = 0; i + 1 < syms.length; i++) {
        const r = this.ranks.get(syms[i] + SEP + syms[i + 1]);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      syms.splice(best, 2, (syms[best] as string) + this.stripPrefix(syms[best + 1] as string));
    }
    const ids: number[] = [];
    let lastUnk = false;
    for (const s of syms) {
      const id = this.vocab.get(s);
      if (id !== undefined) {
        ids.push(id);
        lastUnk = false;
        continue;
      }
      if (this.json.byte_fallback === true) {
        const bytes = new TextEncoder().encode(s.slice(this.prefix.length && s.startsWith(this.prefix) ? this.prefix.length : 0));
        const byteIds = Array.from(bytes, (b) => this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
        if (byteIds.every((x) => x !== undefined)) {
          ids.push(...(byteIds as number[]));
          lastUnk = false;
          continue;
        }
      }
      if (this.unk === undefined) continue; // the crate drops symbols it cannot map when there is no unk token
      if (!(lastUnk && this.json.fuse_unk === true)) ids.push(this.unk);
      lastUnk = true;
    }
    return ids;
  }

  // A merge "a ##b" names b with its continuing-subword prefix; the merged token drops it.
  private stripPrefix(s: string): string {
    return this.prefix && s.startsWith(this.prefix) ? s.slice(this.prefix.length) : s;
  }
}

function splitMerge(m: string): [string, string] {
  const i = m.indexOf(' ', 1);
  if (i < 0) throw new Error(`tokenizer.json: merge ${JSON.stringify(m)} is not "left right"`);
  return [m.slice(0, i), m.slice(i + 1)];
}

/** WordPiece: greedy longest match from the left, continuation pieces carry the prefix (##). */
class WordPiece implements TokenModel {
  readonly vocab: Map<string, number>;
  readonly idToToken: (string | undefined)[];
  private readonly unk: number;
  private readonly prefix: string;
  private readonly maxChars: number;

  constructor(json: ModelJSON) {
    this.vocab = vocabMap(json);
    this.idToToken = inverse(this.vocab);
    this.unk = idOf(this.vocab, json.unk_token ?? '[UNK]', 'unk_token');
    this.prefix = json.continuing_subword_prefix ?? '##';
    this.maxChars = json.max_input_chars_per_word ?? 100;
  }

  tokenize(piece: string): number[] {
    const chars = Array.from(piece);
    if (chars.length > this.maxChars) return [this.unk];
    const ids: number[] = [];
    for (let start = 0; start < chars.length; ) {
      let end = chars.length,
        found: number | undefined;
      for (; end > start; end--) {
        const sub = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
        found = this.vocab.get(sub);
        if (found !== undefined) break;
      }
      if (found === undefined) return [this.unk];
      ids.push(found);
      start = end;
    }
    return ids;
  }
}

/** The model a tokenizer.json `model` entry describes; throws for types it does not know. */
export function tokenModel(json: ModelJSON | null | undefined): TokenModel {
  const type = json?.type ?? (json && 'merges' in json ? 'BPE' : undefined);
  if (json == null || type === undefined) throw new Error('tokenizer.json: missing "model" (expected a BPE or WordPiece model)');
  if (type === 'BPE') return new Bpe(json);
  if (type === 'WordPiece') return new WordPiece(json);
  throw new Error(`tokenizer.json: unsupported model type ${JSON.stringify(type)}; expected BPE or WordPiece`);
}
