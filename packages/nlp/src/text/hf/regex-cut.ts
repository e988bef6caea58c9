// Walking the non-empty matches of a global regex through a text: the one loop
// under pre-tokenizer splits and the cutting-out of added tokens.

/**
 * The text around the non-empty matches of the global `re`, in order: the gap
 * before each match (possibly empty) with `null`, the match with its exec
 * result, and the rest after the last match with `null`.
 */
export function* regexCut(text: string, re: RegExp): Generator<[string, RegExpExecArray | null]> {
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    yield [text.slice(last, m.index), null];
    yield [m[0], m];
    last = m.index + m[0].length;
  }
  yield [text.slice(last), null];
}
