// Every code block of the guides (docs/*.md), the package READMEs and the root
// README runs as written or is marked as a fragment on purpose (the rules are
// in code-blocks.ts). Programs run as ES modules in a scratch folder laid out
// as a user's project: node_modules holds every package of packages/ under its
// name (so `import ... from '@wasmml/nlp'` resolves as after `npm i`), and
// ../shared is the data folder beside the checkout, as the READMEs name it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { output, repoRoot, requireTool, run } from '../helpers.js';
import { blocksOf, docFiles, problemOf, programsOf } from './code-blocks.js';

const scratch = join(repoRoot, '.tmp', 'docs-run');
const shared = join(repoRoot, '..', 'shared');

const files = docFiles(repoRoot);
const blocks = files.flatMap((f) => blocksOf(repoRoot, f));
const programs = files.flatMap((f) => programsOf(blocksOf(repoRoot, f)));

/** node_modules/<name> → packages/<dir> for every package, and ../shared → the data beside the checkout. */
function layOut(): void {
  rmSync(join(scratch, 'node_modules'), { recursive: true, force: true });
  for (const dir of readdirSync(join(repoRoot, 'packages'))) {
    const manifest = join(repoRoot, 'packages', dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name;
    const link = join(scratch, 'node_modules', name);
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(join(repoRoot, 'packages', dir), link, 'dir');
  }
  if (existsSync(shared) && !existsSync(join(scratch, 'shared'))) symlinkSync(shared, join(scratch, 'shared'), 'dir');
}

describe('docs code blocks', () => {
  beforeAll(layOut);

  it('every block runs or is marked on purpose (fragment, or not JavaScript)', () => {
    expect(blocks.map(problemOf).filter(Boolean)).toEqual([]);
    // The guides and READMEs are meant to be tried: most of their JavaScript runs.
    expect(programs.length).toBeGreaterThanOrEqual(20);
    console.log(
      `docs test: ${programs.length} programs from ${programs.reduce((n, p) => n + p.parts.length, 0)} blocks:\n  ${programs.map((p) => p.parts.join(' + ')).join('\n  ')}`,
    );
  });

  it.each(programs.map((p) => [p.name, p] as const))(
    '%s runs',
    async (_name, { name, code, parts }) => {
      if (/\.\.\/shared\/datasets/.test(code) && !requireTool(existsSync(shared), `the data folder ${shared} (for ${parts.join(', ')})`))
        return;
      const dir = join(scratch, name.replace(/[/\\]/g, '__'));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'main.mjs'), code);
      const r = await run(process.execPath, ['main.mjs'], { cwd: dir, timeoutMs: 540_000 });
      expect(r.code, `${parts.join(' + ')}\n${output(r)}`).toBe(0);
    },
    600_000,
  );
});
