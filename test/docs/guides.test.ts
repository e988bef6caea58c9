// Every `js` code block in the guides (docs/*.md) runs as written, as an ES
// module that imports 'wasmml' the way a user's file would. Blocks meant to be
// read, not run (they need a data directory or show other tools) use ts, sh or text.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { output, repoRoot, run } from '../helpers.js';

const docs = join(repoRoot, 'docs');
// Inside the example workspace package, so that 'wasmml' resolves as it does for a user.
const scratch = join(repoRoot, 'examples', 'node', 'out', 'guide-snippets');

const blocks = readdirSync(docs).filter((f) => f.endsWith('.md')).sort().flatMap((file) => {
  const text = readFileSync(join(docs, file), 'utf8');
  return [...text.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m, i) => ({ name: `${file.replace(/\.md$/, '')}-${i + 1}`, code: m[1]! }));
});

describe('guides', () => {
  it('have runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it.each(blocks.map((b) => [b.name, b] as const))('%s runs', async (_name, { name, code }) => {
    mkdirSync(scratch, { recursive: true });
    const file = join(scratch, `${name}.mjs`);
    writeFileSync(file, code);
    const r = await run(process.execPath, [file], { timeoutMs: 120_000 });
    expect(r.code, output(r)).toBe(0);
  }, 150_000);
});
