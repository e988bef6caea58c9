// Post-processors (special tokens around one or two sequences) and decoders
// (tokens → text) of Hugging Face `tokenizer.json` files.
import { fromByteLevel } from './byte-level.js';

/** A `post_processor` or `decoder` entry of tokenizer.json. */
export interface ComponentJSON {
  /** Component type, as the tokenizers library names it. */
  type: string;
  [key: string]: unknown;
}

/** Ids and segment (type) ids of an encoding. */
export interface Parts {
  ids: number[];
  typeIds: number[];
}

export type PostProcess = (a: number[], b: number[] | undefined) => Parts;
type Piece = { SpecialToken: { id: string; type_id: number } } | { Sequence: { id: 'A' | 'B'; type_id: number } };

const withType = (ids: number[], type: number): Parts => ({ ids, typeIds: ids.map(() => type) });
const concat = (...parts: Parts[]): Parts => ({ ids: parts.flatMap((p) => p.ids), typeIds: parts.flatMap((p) => p.typeIds) });

function tokenPair(json: ComponentJSON, key: string): number {
  const v = json[key] as [string, number] | undefined;
  if (!Array.isArray(v) || typeof v[1] !== 'number') {
    throw new Error(`tokenizer.json: post_processor ${json.type} needs "${key}": [token, id], got ${JSON.stringify(v)}`);
  }
  return v[1];
}

function template(json: ComponentJSON): PostProcess {
  const specials = (json.special_tokens ?? {}) as Record<string, { ids: number[] }>;
  const build = (pieces: Piece[], a: number[], b: number[] | undefined): Parts =>
    concat(
      ...pieces.map((p) => {
        if ('SpecialToken' in p) {
          const s = specials[p.SpecialToken.id];
          if (s === undefined)
            throw new Error(
              `tokenizer.json: TemplateProcessing names special token ${JSON.stringify(p.SpecialToken.id)} that special_tokens lacks`,
            );
          return withType(s.ids, p.SpecialToken.type_id);
        }
        return withType(p.Sequence.id === 'A' ? a : (b ?? []), p.Sequence.type_id);
      }),
    );
  return (a, b) => build((b === undefined ? json.single : json.pair) as Piece[], a, b);
}

/** The post-processing a post_processor entry describes (identity for none and ByteLevel). */
export function postProcessor(json: ComponentJSON | null | undefined): PostProcess {
  const plain: PostProcess = (a, b) => (b === undefined ? withType(a, 0) : concat(withType(a, 0), withType(b, 1)));
  if (json == null) return plain;
  switch (json.type) {
    case 'ByteLevel':
      return plain;
    case 'BertProcessing': {
      const cls = tokenPair(json, 'cls'),
        sep = tokenPair(json, 'sep');
      return (a, b) => (b === undefined ? withType([cls, ...a, sep], 0) : concat(withType([cls, ...a, sep], 0), withType([...b, sep], 1)));
    }
    case 'RobertaProcessing': {
      const cls = tokenPair(json, 'cls'),
        sep = tokenPair(json, 'sep');
      return (a, b) => withType(b === undefined ? [cls, ...a, sep] : [cls, ...a, sep, sep, ...b, sep], 0);
    }
    case 'TemplateProcessing':
      return template(json);
    case 'Sequence': {
      const steps = (json.processors as ComponentJSON[] | undefined) ?? [];
      // Only ByteLevel (ids unchanged) and one special-token step occur in practice.
      const adding = steps.filter((s) => s.type !== 'ByteLevel');
      if (adding.length > 1)
        throw new Error('tokenizer.json: a post_processor Sequence with more than one special-token step is not supported');
      return postProcessor(adding[0]);
    }
    default:
      throw new Error(
        `tokenizer.json: unsupported post_processor type ${JSON.stringify(json.type)}; ` +
          'expected ByteLevel, BertProcessing, RobertaProcessing, TemplateProcessing or Sequence',
      );
  }
}

export type Decode = (tokens: string[]) => string[];
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** clean_up_tokenization of the crate's WordPiece decoder: no space before punctuation and contractions. */
export function cleanUpTokenization(s: string): string {
  return s
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/** The decoding a decoder entry describes: tokens → text chunks (joined by the caller). */
export function decoder(json: ComponentJSON | null | undefined): Decode {
  if (json == null) return (tokens) => [tokens.join(' ')];
  switch (json.type) {
    case 'ByteLevel':
      return (tokens) => [utf8.decode(fromByteLevel(tokens.join('')))];
    case 'WordPiece': {
      const prefix = typeof json.prefix === 'string' ? json.prefix : '##';
      const cleanup = json.cleanup !== false;
      return (tokens) =>
        tokens.map((t, i) => {
          let s = i > 0 ? (t.startsWith(prefix) ? t.slice(prefix.length) : ` ${t}`) : t;
          if (cleanup) s = cleanUpTokenization(s);
          return s;
        });
    }
    case 'Metaspace': {
      const rep = typeof json.replacement === 'string' ? json.replacement : '\u2581';
      const scheme = (json.prepend_scheme as string | undefined) ?? (json.add_prefix_space === false ? 'never' : 'always');
      return (tokens) =>
        tokens.map((t, i) => {
          const s = t.replaceAll(rep, ' ');
          return i === 0 && scheme !== 'never' && s.startsWith(' ') ? s.slice(1) : s;
        });
    }
    case 'BPEDecoder': {
      const suffix = typeof json.suffix === 'string' ? json.suffix : '</w>';
      return (tokens) => tokens.map((t, i) => t.replaceAll(suffix, i === tokens.length - 1 ? '' : ' '));
    }
    case 'Replace': {
      const pattern = json.pattern as { String?: string } | undefined;
      const content = typeof json.content === 'string' ? json.content : '';
      if (pattern?.String === undefined) throw new Error('tokenizer.json: decoder Replace supports pattern.String only');
      const from = pattern.String;
      return (tokens) => tokens.map((t) => t.split(from).join(content));
    }
    case 'ByteFallback':
      return (tokens) => {
        const out: string[] = [];
        let bytes: number[] = [];
        const flush = () => {
          if (bytes.length) out.push(utf8.decode(Uint8Array.from(bytes)));
          bytes = [];
        };
        for (const t of tokens) {
          const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(t);
          if (m) bytes.push(parseInt(m[1] as string, 16));
          else {
            flush();
            out.push(t);
          }
        }
        flush();
        return out;
      };
    case 'Fuse':
      return (tokens) => [tokens.join('')];
    case 'Strip': {
      const content = typeof json.content === 'string' ? json.content : ' ';
      const start = Number(json.start ?? 0),
        stop = Number(json.stop ?? 0);
      return (tokens) =>
        tokens.map((t) => {
          let s = t;
          for (let i = 0; i < start && s.startsWith(content); i++) s = s.slice(content.length);
          for (let i = 0; i < stop && s.endsWith(content); i++) s = s.slice(0, -content.length);
          return s;
        });
    }
    case 'Sequence': {
      const steps = ((json.decoders as ComponentJSON[] | undefined) ?? []).map(decoder);
      return (tokens) => steps.reduce((acc, f) => f(acc), tokens);
    }
    default:
      throw new Error(
        `tokenizer.json: unsupported decoder type ${JSON.stringify(json.type)}; expected one of ` +
          'ByteLevel, WordPiece, Metaspace, BPEDecoder, Replace, ByteFallback, Fuse, Strip, Sequence',
      );
  }
}
