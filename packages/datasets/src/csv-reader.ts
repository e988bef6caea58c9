// Streaming CSV rows. Parsing is PapaParse's core Parser, fed one chunk at a
// time: each chunk is parsed with its last (possibly partial) row held back and
// prepended to the next chunk, which is how PapaParse streams internally. This
// works the same in Node, Deno and browsers and never holds the whole file as
// one string (ml-25m's ratings.csv is larger than V8's longest string).
import Papa from 'papaparse';
import { maybeGunzipStream, type Resource } from './io/resource.js';

/** Options of {@link readCsvChunks}. */
export interface CsvReadOptions {
  /** Field separator. Default ','. */
  delimiter?: string;
  /** Quote character. Default '"'. */
  quoteChar?: string;
  /** Lines starting with this string are skipped. */
  comments?: string;
  /** Text encoding of the file (default 'utf-8'; ml-100k's u.item is 'latin1'). */
  encoding?: string;
  /**
   * Longest row, in characters, before reading stops with an error (default 4 Mi). An unclosed
   * quote or a file without line breaks would otherwise be held in memory whole.
   */
  maxRowLength?: number;
}

/** Default of {@link CsvReadOptions.maxRowLength}. */
export const DEFAULT_MAX_ROW_LENGTH = 1 << 22;

/** One parsed row and the 1-based line it starts on. */
export interface CsvRow {
  /** The raw field texts. */
  fields: string[];
  /** Line number (1-based) where the row starts. */
  line: number;
}

/** Thrown for malformed CSV input; names the file and the line. */
export class CsvError extends Error {
  /**
   * @param file The path, URL or name of the input.
   * @param line The 1-based line of the offending row.
   * @param detail What is wrong there.
   */
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}, line ${line}: ${detail}`);
    this.name = 'CsvError';
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Yields the rows of a CSV resource (gzip is detected and decompressed), batched per chunk for speed. */
export async function* readCsvChunks(resource: Resource, options: CsvReadOptions = {}): AsyncGenerator<CsvRow[]> {
  const delimiter = options.delimiter ?? ',';
  const quoteChar = options.quoteChar ?? '"';
  const stream = (await maybeGunzipStream(await resource.stream())).pipeThrough(
    new TextDecoderStream(options.encoding ?? 'utf-8') as unknown as ReadableWritablePair<string, Uint8Array>,
  );
  const reader = stream.getReader();
  let tail = '';
  let line = 1;
  let newline: '\n' | '\r\n' | '\r' | undefined;
  const maxRow = options.maxRowLength ?? DEFAULT_MAX_ROW_LENGTH;
  let heldBack = 0;
  const checkTail = () => {
    if (tail.length <= maxRow) return;
    const unclosed = tail.startsWith(quoteChar) || tail.includes(`${delimiter}${quoteChar}`);
    throw new CsvError(
      resource.name,
      line,
      `a row longer than ${maxRow} characters (maxRowLength)` +
        (unclosed ? `: a quote (${quoteChar}) opened here is never closed?` : newline ? '' : ': no line break found'),
    );
  };
  try {
    for (let done = false; !done; ) {
      const r = await reader.read();
      done = r.done;
      let text = r.done ? tail : tail + r.value;
      // Gather small network chunks before parsing; and when a long row is held
      // back, wait until the text has doubled, so a row of n characters is parsed
      // O(log n) times rather than once per chunk.
      if (!done && text.length < Math.max(1 << 16, 2 * heldBack)) {
        tail = text;
        checkTail();
        continue;
      }
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      newline ??= detectNewline(text, done);
      if (!newline) {
        tail = text;
        checkTail();
        continue;
      }
      const parser = new Papa.Parser({ delimiter, quoteChar, newline, comments: options.comments ?? false });
      const res = parser.parse(text, 0, !done) as Papa.ParseResult<string[]>;
      const quoted = text.includes(quoteChar);
      const rows: CsvRow[] = [];
      const errorAt = new Map<number, string>();
      for (const e of res.errors) if (e.row !== undefined && !errorAt.has(e.row)) errorAt.set(e.row, e.message);
      for (let i = 0; i < res.data.length; i++) {
        const fields = res.data[i]!;
        const start = line;
        if (quoted) for (const f of fields) if (f.includes('\n')) line += countNewlines(f);
        line += 1;
        const err = errorAt.get(i);
        if (err !== undefined) throw new CsvError(resource.name, start, `malformed row: ${err}`);
        if (fields.length === 1 && fields[0] === '') continue; // blank line
        rows.push({ fields, line: start });
      }
      tail = done ? '' : text.slice(res.meta.cursor);
      heldBack = tail.length;
      checkTail();
      if (rows.length) yield rows;
    }
  } finally {
    reader.releaseLock();
    await stream.cancel().catch(() => undefined);
  }
}

function detectNewline(text: string, done: boolean): '\n' | '\r\n' | '\r' | undefined {
  const n = text.indexOf('\n');
  const r = text.indexOf('\r');
  if (n < 0 && r < 0) return done ? '\n' : undefined;
  if (r >= 0 && (n < 0 || r < n)) return text[r + 1] === '\n' ? '\r\n' : '\r';
  return '\n';
}
