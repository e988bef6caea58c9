// Keras TextVectorization's standardisation and splitting steps.

/** A standardisation mode (Keras names) or a function of one text. */
export type Standardize = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation' | null | ((text: string) => string);

/** Something that splits a text into tokens (a BpeTokenizer, for instance). */
export interface Tokenizer {
  /** The tokens of one text. */
  tokenize(text: string): string[];
}

/** A splitting mode (Keras names), a function, or a tokenizer object. */
export type Split = 'whitespace' | 'character' | null | ((text: string) => string[]) | Tokenizer;

// Keras's DEFAULT_STRIP_REGEX: ASCII punctuation.
const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;

/** Applies a standardisation mode to one text. */
export function standardizeText(text: string, mode: Standardize): string {
  if (mode === null) return text;
  if (typeof mode === 'function') return mode(text);
  switch (mode) {
    case 'lower':
      return text.toLowerCase();
    case 'strip_punctuation':
      return text.replace(PUNCTUATION, '');
    case 'lower_and_strip_punctuation':
      return text.toLowerCase().replace(PUNCTUATION, '');
    default:
      throw new Error(
        `TextVectorizer: unknown standardize mode '${String(mode)}' (lower_and_strip_punctuation, lower, strip_punctuation, null or a function)`,
      );
  }
}

/** Splits one standardised text into tokens. */
export function splitText(text: string, mode: Split): string[] {
  if (mode === null) return [text];
  if (typeof mode === 'function') return mode(text);
  if (typeof mode === 'object') return mode.tokenize(text);
  switch (mode) {
    case 'whitespace':
      return text.split(/\s+/).filter((t) => t.length > 0);
    case 'character':
      return Array.from(text);
    default:
      throw new Error(`TextVectorizer: unknown split mode '${String(mode)}' (whitespace, character, null, a function or a tokenizer)`);
  }
}

/** Tokens followed by their n-grams up to `ngrams` (joined with a space, as Keras). */
export function withNgrams(tokens: string[], ngrams: number): string[] {
  if (ngrams <= 1) return tokens;
  const out = [...tokens];
  for (let n = 2; n <= ngrams; n++) {
    for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  }
  return out;
}
