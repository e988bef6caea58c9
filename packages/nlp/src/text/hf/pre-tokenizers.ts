// Pre-tokenizers of Hugging Face `tokenizer.json` files: normalized text →
// the pieces the model tokenizes one at a time (words, punctuation, byte-level
// runs). Semantics follow the `tokenizers` library's, split behaviours included.
import { GPT2_PATTERN, toByteLevel } from './byte-level.js';
import { regexCut } from './regex-cut.js';

/** A `pre_tokenizer` entry of tokenizer.json. */
export interface PreTokenizerJSON {
  /** Component type, as the tokenizers library names it. */
  type: string;
  [key: string]: unknown;
}

export type PreTokenize = (pieces: string[], first: boolean) => string[];
type Behavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
const BEHAVIORS: readonly Behavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

// Rust regex's \w (Unicode): what the Whitespace pre-tokenizer's \w+|[^\w\s]+ means.
const WORD_CLASS = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const WHITESPACE_WORDS = new RegExp(`[${WORD_CLASS}]+|[^${WORD_CLASS}\\s]+`, 'gu');
const WHITESPACE = /\s+/gu;
// BERT splits off ASCII punctuation ($, +, <, ... are symbols in Unicode) and every Unicode P* character.
const PUNCTUATION = /[!-/:-@[-`{-~]|\p{P}/gu;
const DIGIT = /\p{Nd}/gu;
const DIGITS = /\p{Nd}+/gu;

/** Cuts `text` at the matches of `re` (global), then places each match by `behavior`. */
export function splitBy(text: string, re: RegExp, behavior: Behavior, invert = false): string[] {
  const segs: Array<[string, boolean]> = [];
  for (const [s, m] of regexCut(text, re)) if (m !== null || s.length > 0) segs.push([s, m !== null ? !invert : invert]);
  const out: string[] = [];
  let carry = '';
  for (let i = 0; i < segs.length; i++) {
    const [s, isMatch] = segs[i] as [string, boolean];
    if (!isMatch) {
      out.push(carry + s);
      carry = '';
      continue;
    }
    switch (behavior) {
      case 'Removed':
        break;
      case 'Isolated':
        out.push(s);
        break;
      case 'MergedWithPrevious':
        if (out.length > 0 && !(segs[i - 1]?.[1] ?? true)) out[out.length - 1] += s;
        else out.push(s);
        break;
      case 'MergedWithNext':
        // Only the last of a run of matches joins the part after it (as the Rust crate does).
        if (segs[i + 1] !== undefined && !segs[i + 1]?.[1]) carry = s;
        else out.push(s);
        break;
      case 'Contiguous':
        if (out.length > 0 && (segs[i - 1]?.[1] ?? false)) out[out.length - 1] += s;
        else out.push(s);
        break;
    }
  }
  if (carry) out.push(carry);
  return out.filter((s) => s.length > 0);
}

function behaviorOf(json: PreTokenizerJSON, fallback: Behavior): Behavior {
  const b = (json.behavior ?? fallback) as Behavior;
  if (!BEHAVIORS.includes(b)) {
    throw new Error(
      `tokenizer.json: pre_tokenizer ${json.type} has behavior ${JSON.stringify(b)}; expected one of ${BEHAVIORS.join(', ')}`,
    );
  }
  return b;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The splitting function a pre_tokenizer entry describes; throws for types it does not know. */
export function preTokenizer(json: PreTokenizerJSON | null | undefined): PreTokenize {
  if (json == null) return (pieces) => pieces;
  const each =
    (f: (piece: string) => string[]): PreTokenize =>
    (pieces) =>
      pieces.flatMap(f);
  switch (json.type) {
    case 'ByteLevel': {
      const prefix = json.add_prefix_space === true,
        regex = json.use_regex !== false;
      // Like the Rust crate: every piece reaching this step gets the prefix space.
      return (pieces) =>
        pieces.flatMap((p) => {
          if (prefix && !p.startsWith(' ')) p = ` ${p}`;
          return (regex ? splitBy(p, GPT2_PATTERN, 'Isolated') : [p]).map(toByteLevel);
        });
    }
    case 'BertPreTokenizer':
      return each((p) => splitBy(p, WHITESPACE, 'Removed').flatMap((w) => splitBy(w, PUNCTUATION, 'Isolated')));
    case 'Whitespace':
      return each((p) => splitBy(p, WHITESPACE_WORDS, 'Removed', true));
    case 'WhitespaceSplit':
      return each((p) => splitBy(p, WHITESPACE, 'Removed'));
    case 'Punctuation': {
      const b = behaviorOf(json, 'Isolated');
      return each((p) => splitBy(p, PUNCTUATION, b));
    }
    case 'Digits': {
      const re = json.individual_digits === true ? DIGIT : DIGITS;
      return each((p) => splitBy(p, re, 'Isolated'));
    }
    case 'Split': {
      const pattern = json.pattern as { String?: string; Regex?: string } | undefined;
      const source = pattern?.String !== undefined ? escapeRegExp(pattern.String) : pattern?.Regex;
      if (source === undefined)
        throw new Error(`tokenizer.json: pre_tokenizer Split needs pattern.String or pattern.Regex, got ${JSON.stringify(pattern)}`);
      const re = new RegExp(source, 'gu');
      const b = behaviorOf(json, 'Isolated'),
        invert = json.invert === true;
      return each((p) => splitBy(p, re, b, invert));
    }
    case 'Metaspace': {
      const rep = typeof json.replacement === 'string' ? json.replacement : '\u2581';
      const scheme = (json.prepend_scheme as string | undefined) ?? (json.add_prefix_space === false ? 'never' : 'always');
      const split = json.split !== false;
      const re = new RegExp(escapeRegExp(rep), 'gu');
      return (pieces, first) =>
        pieces.flatMap((p, i) => {
          let s = p.replaceAll(' ', rep);
          if (!s.startsWith(rep) && (scheme === 'always' || (scheme === 'first' && first && i === 0))) s = rep + s;
          return split ? splitBy(s, re, 'MergedWithNext') : [s];
        });
    }
    case 'Sequence': {
      const steps = ((json.pretokenizers as PreTokenizerJSON[] | undefined) ?? []).map(preTokenizer);
      return (pieces, first) => steps.reduce((acc, f) => f(acc, first), pieces);
    }
    default:
      throw new Error(
        `tokenizer.json: unsupported pre_tokenizer type ${JSON.stringify(json.type)}; expected one of ` +
          'ByteLevel, BertPreTokenizer, Whitespace, WhitespaceSplit, Punctuation, Digits, Split, Metaspace, Sequence',
      );
  }
}
