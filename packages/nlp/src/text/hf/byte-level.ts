// GPT-2's byte-level alphabet: every byte maps to one printable code point, so
// any UTF-8 text becomes a string of "characters" that BPE can merge and that
// map back to the exact bytes. Bytes that are printable Latin-1 keep their own
// code point; the other 68 are shifted to 256 + k, in byte order (the table
// `bytes_to_unicode` in OpenAI's encoder.py and in Hugging Face tokenizers).

const BYTE_TO_CHAR: string[] = new Array(256);
const CHAR_TO_BYTE = new Map<string, number>();
{
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const ch = String.fromCodePoint(printable(b) ? b : 256 + shifted++);
    BYTE_TO_CHAR[b] = ch;
    CHAR_TO_BYTE.set(ch, b);
  }
}

const encoder = new TextEncoder();

/** The byte-level form of `text`: its UTF-8 bytes, one alphabet character each. */
export function toByteLevel(text: string): string {
  let out = '';
  for (const b of encoder.encode(text)) out += BYTE_TO_CHAR[b];
  return out;
}

/** Bytes of a byte-level string; characters outside the alphabet are UTF-8 encoded as they are. */
export function fromByteLevel(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const ch of text) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
    else for (const x of encoder.encode(ch)) bytes.push(x);
  }
  return Uint8Array.from(bytes);
}

/** The 256 characters of the alphabet, in byte order (BPE's initial vocabulary). */
export function byteLevelAlphabet(): readonly string[] {
  return BYTE_TO_CHAR;
}

/**
 * GPT-2's pre-tokenising pattern: contractions, runs of letters, of digits or
 * of other symbols (each with at most one leading space), and whitespace,
 * where a space before a word stays with the word.
 */
export const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
