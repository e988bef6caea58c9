// Normalizers of Hugging Face `tokenizer.json` files: text → text before
// pre-tokenization. Each follows the definition in the `tokenizers` library
// (the Rust crate), which the tests check on real text.

/** A `normalizer` entry of tokenizer.json. */
export interface NormalizerJSON {
  /** Component type, as the tokenizers library names it. */
  type: string;
  [key: string]: unknown;
}

export type Normalize = (text: string) => string;

// Rust's char::is_whitespace is Unicode White_Space; tokenizers also counts
// \t \n \r as whitespace and everything else of category Other (C*) as control.
const CONTROL = /\p{C}/u;
const WHITE = /\p{White_Space}/u;
const MARK_NONSPACING = /\p{Mn}/gu;

function isChinese(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\t' || ch === '\n' || ch === '\r') out += ' ';
    else if (cp === 0 || cp === 0xfffd || CONTROL.test(ch)) continue;
    else out += WHITE.test(ch) ? ' ' : ch;
  }
  return out;
}

function padChinese(text: string): string {
  let out = '';
  for (const ch of text) out += isChinese(ch.codePointAt(0) ?? 0) ? ` ${ch} ` : ch;
  return out;
}

const stripAccents = (text: string) => text.normalize('NFD').replace(MARK_NONSPACING, '');

function str(json: NormalizerJSON, key: string): string {
  const v = json[key];
  if (typeof v !== 'string') throw new Error(`tokenizer.json: normalizer ${json.type} needs a string "${key}", got ${JSON.stringify(v)}`);
  return v;
}

/** The text function a normalizer entry describes; throws for types it does not know. */
export function normalizer(json: NormalizerJSON | null | undefined): Normalize {
  if (json == null) return (t) => t;
  switch (json.type) {
    case 'BertNormalizer': {
      const clean = json.clean_text !== false;
      const chinese = json.handle_chinese_chars !== false;
      const lower = json.lowercase !== false;
      const strip = json.strip_accents == null ? lower : json.strip_accents === true;
      return (t) => {
        if (clean) t = cleanText(t);
        if (chinese) t = padChinese(t);
        if (strip) t = stripAccents(t);
        return lower ? t.toLowerCase() : t;
      };
    }
    case 'Lowercase':
      return (t) => t.toLowerCase();
    case 'StripAccents':
      return (t) => t.replace(MARK_NONSPACING, '');
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = json.type;
      return (t) => t.normalize(form);
    }
    case 'Strip': {
      const left = json.strip_left !== false,
        right = json.strip_right !== false;
      return (t) => (left && right ? t.trim() : left ? t.trimStart() : right ? t.trimEnd() : t);
    }
    case 'Prepend': {
      const prefix = str(json, 'prepend');
      return (t) => (t.length > 0 ? prefix + t : t);
    }
    case 'Replace': {
      const pattern = json.pattern as { String?: string; Regex?: string } | undefined;
      const content = str(json, 'content');
      if (pattern?.String !== undefined) {
        const s = pattern.String;
        return (t) => t.split(s).join(content);
      }
      if (pattern?.Regex !== undefined) {
        const re = new RegExp(pattern.Regex, 'gu');
        return (t) => t.replace(re, content);
      }
      throw new Error(`tokenizer.json: normalizer Replace needs pattern.String or pattern.Regex, got ${JSON.stringify(pattern)}`);
    }
    case 'Sequence': {
      const steps = ((json.normalizers as NormalizerJSON[] | undefined) ?? []).map(normalizer);
      return (t) => steps.reduce((acc, f) => f(acc), t);
    }
    default:
      throw new Error(
        `tokenizer.json: unsupported normalizer type ${JSON.stringify(json.type)}; expected one of ` +
          'BertNormalizer, Lowercase, StripAccents, NFC, NFD, NFKC, NFKD, Strip, Prepend, Replace, Sequence',
      );
  }
}
