// The code blocks of the guides (docs/*.md), the package READMEs
// (packages/*/README.md) and the root README, and what the docs test does
// with each, from the fence's info string:
//
//   ```js                  a program: run as written, as an ES module
//   ```js continued        appended to the previous program of the same file
//                          (a second step that uses the first one's variables)
//   ```js fragment         shown, not run, on purpose (needs a browser, a
//                          server, a user's own data...); any language may
//                          carry `fragment`
//   ```sh / text / json... not JavaScript: shell commands and output, not run
//
// A ts block must say `fragment` (Node 20 cannot run TypeScript as written),
// and every fence must name its language, so no block is left out unnoticed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One fenced block. */
export interface Block {
  /** File it is in, relative to the repository. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** First word of the info string ('' when none). */
  lang: string;
  /** The other words (`fragment`, `continued`). */
  flags: string[];
  code: string;
}

/** A program the test runs: one js block, plus the `continued` blocks after it. */
export interface Program {
  /** `<file>-<n>`, e.g. `docs/recommenders-1`, `packages/nlp/README-2`. */
  name: string;
  /** The blocks it is made of (file:line). */
  parts: string[];
  code: string;
}

const JS = new Set(['js', 'javascript', 'mjs']);
const TS = new Set(['ts', 'typescript']);

/** The markdown files whose blocks are checked: every guide, every package README, the root README. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(root, 'docs', f));
  const readmes = readdirSync(join(root, 'packages'))
    .sort()
    .map((d) => join(root, 'packages', d, 'README.md'))
    .filter((p) => existsSync(p));
  return [join(root, 'README.md'), ...docs, ...readmes];
}

/** Every fenced block of a markdown file (``` or ~~~ fences, any length of three or more). */
export function blocksOf(root: string, path: string): Block[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const [lang = '', ...flags] = open[2]!.trim().split(/\s+/).filter(Boolean);
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i]!.startsWith(fence) && lines[i]!.slice(fence.length).trim() === ''); i++) body.push(lines[i]!);
    out.push({ file: relative(root, path), line: start + 1, lang: lang.toLowerCase(), flags, code: `${body.join('\n')}\n` });
  }
  return out;
}

/** Why a block breaks the rules above, or undefined. */
export function problemOf(b: Block): string | undefined {
  if (b.lang === '')
    return `${b.file}:${b.line}: a fence without a language; name it (js, sh, text...) so the docs test knows what to do with it`;
  if (TS.has(b.lang) && !b.flags.includes('fragment')) {
    return `${b.file}:${b.line}: a ts block is never run; write it as js (it is then run) or mark it \`ts fragment\` on purpose`;
  }
  const unknown = b.flags.filter((f) => f !== 'fragment' && f !== 'continued');
  if (unknown.length) return `${b.file}:${b.line}: unknown fence flag(s) ${unknown.join(', ')} (known: fragment, continued)`;
  if (b.flags.includes('continued') && !JS.has(b.lang)) return `${b.file}:${b.line}: only js blocks can be continued`;
  return undefined;
}

/** The programs of a file's blocks, in order. */
export function programsOf(blocks: Block[]): Program[] {
  const out: Program[] = [];
  for (const b of blocks) {
    if (!JS.has(b.lang) || b.flags.includes('fragment')) continue;
    const where = `${b.file}:${b.line}`;
    if (b.flags.includes('continued')) {
      const prev = out.at(-1);
      if (!prev) throw new Error(`${where}: a continued block with no program before it in the file`);
      prev.parts.push(where);
      prev.code += b.code;
      continue;
    }
    out.push({ name: `${b.file.replace(/\.md$/, '')}-${out.length + 1}`, parts: [where], code: b.code });
  }
  return out;
}
