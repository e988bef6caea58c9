// `pnpm release` end to end, in a scratch copy of the repository (it rewrites
// versions and changelogs and consumes the changesets): every public package
// moves to the same next version, gets a CHANGELOG.md holding its changesets,
// builds, packs and passes `npm publish --dry-run`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lastJson, output, repoRoot, run, type RunResult } from '../helpers.js';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
}

const changesetDir = join(repoRoot, '.changeset');
const changesets = readdirSync(changesetDir)
  .filter((f) => f.endsWith('.md') && f !== 'README.md')
  .map((f) => readFileSync(join(changesetDir, f), 'utf8'));
/** Package names each changeset bumps, and its summary's first line. */
const parsed = changesets.map((text) => {
  const [, front = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
  return { packages: [...front.matchAll(/"([^"]+)":/g)].map((m) => m[1]!), summary: body.trim().split('\n')[0]! };
});

const manifests = (root: string): Manifest[] =>
  readdirSync(join(root, 'packages'))
    .map((d) => JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) as Manifest)
    .filter((m) => !m.private);

const nextMinor = (v: string) => {
  const [major, minor] = v.split('.').map(Number);
  return `${major}.${minor! + 1}.0`;
};

describe.runIf(parsed.length > 0)('pnpm release (in a scratch copy)', () => {
  let copy: string;
  let result: RunResult;

  beforeAll(async () => {
    copy = mkdtempSync(join(tmpdir(), 'wasmml-release-'));
    // The tracked files plus new ones not ignored: what a clone of this work would hold.
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && existsSync(join(repoRoot, f)));
    for (const f of files) {
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      cpSync(join(repoRoot, f), join(copy, f));
    }
    const install = await run('pnpm', ['install', '--offline', '--frozen-lockfile'], { cwd: copy, timeoutMs: 300_000 });
    expect(install.code, output(install)).toBe(0);
    result = await run(process.execPath, ['scripts/release.mjs', '--pack-dir', join(copy, 'packs')], { cwd: copy, timeoutMs: 600_000 });
  }, 900_000);

  it('versions every public package together to the next minor and dry-runs their publication', () => {
    expect(result.code, output(result)).toBe(0);
    const before = manifests(repoRoot);
    const after = manifests(copy);
    const expected = nextMinor(before[0]!.version);
    expect(new Set(before.map((m) => m.version)).size).toBe(1);
    for (const m of after) expect(`${m.name}@${m.version}`).toBe(`${m.name}@${expected}`);
    const summary = lastJson<{ version: string; packages: Array<{ name: string; version: string }> }>(result.stdout)!;
    expect(summary.version).toBe(expected);
    expect(summary.packages.map((p) => p.name).sort()).toEqual(after.map((m) => m.name).sort());
    expect(result.stdout).toContain(`npm publish --dry-run passed for ${after.length} packages`);
  });

  it('writes each package a CHANGELOG.md with its changesets, and consumes them', () => {
    const byName = new Map(
      readdirSync(join(copy, 'packages')).map((d) => {
        const m = JSON.parse(readFileSync(join(copy, 'packages', d, 'package.json'), 'utf8')) as Manifest;
        return [m.name, join(copy, 'packages', d)] as const;
      }),
    );
    for (const { packages, summary } of parsed) {
      for (const name of packages) {
        const log = readFileSync(join(byName.get(name)!, 'CHANGELOG.md'), 'utf8');
        expect(log, `${name} CHANGELOG.md`).toContain(summary);
      }
    }
    const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(left).toEqual([]);
    // Private packages (examples, test helpers) are not versioned.
    expect(JSON.parse(readFileSync(join(copy, 'examples', 'node', 'package.json'), 'utf8')).version).toBe('0.0.0');
  });
});
