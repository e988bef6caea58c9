// Packaging as a user meets it: every public package is packed with pnpm (which
// turns workspace: and catalog: ranges into versions), each tarball is checked
// (ESM + declarations, an exports map with types first and runtime conditions
// in order, the .wasm builds and workers, exactly the dependencies its code
// imports), then all tarballs are installed with plain npm into a fresh project
// where a short training runs under Node and under Deno and TypeScript checks
// a consumer against the shipped declarations.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { denoBin, has, lastJson, output, repoRoot, requireTool, run } from '../helpers.js';
import { importedPackages } from './imports.js';
import { blocksOf } from '../docs/code-blocks.js';

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const fixture = join(repoRoot, 'test', 'packaging', 'fixture');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  exports?: Record<string, unknown>;
  imports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  files?: string[];
}

const publicPackages = readdirSync(join(repoRoot, 'packages'))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as Manifest }))
  .filter((p) => !p.manifest.private);

/** The program the README shows after `npm i wasmml`: the first js block after that sh block. */
function readmeProgram(): string {
  const blocks = blocksOf(repoRoot, join(repoRoot, 'README.md'));
  const install = blocks.findIndex((b) => b.lang === 'sh' && /^npm i wasmml$/m.test(b.code));
  const program = blocks.slice(install + 1).find((b) => b.lang === 'js');
  if (install < 0 || !program) throw new Error('README.md: no `npm i wasmml` block followed by a js program');
  return program.code;
}

const tarballName = (m: Manifest) => `${m.name.replace(/^@/, '').replace('/', '-')}-${m.version}.tgz`;

/** Condition keys in the order Node, Deno and bundlers must meet them. */
const ORDER = ['types', 'source', 'deno', 'node', 'browser', 'import', 'default'];

function checkConditions(where: string, entry: unknown): void {
  if (typeof entry !== 'object' || entry === null) return;
  const keys = Object.keys(entry);
  const known = keys.filter((k) => ORDER.includes(k));
  expect(known, `${where}: condition order`).toEqual([...known].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
  for (const [k, v] of Object.entries(entry)) checkConditions(`${where}.${k}`, v);
}

describe('packaging', () => {
  let packs: string;
  let unpacked: string;
  let project: string;

  beforeAll(async () => {
    packs = mkdtempSync(join(tmpdir(), 'wasmml-packs-'));
    const r = await run('pnpm', [
      '-r',
      '--filter',
      './packages/**',
      '--filter',
      '!@wasmml/test-utils',
      'pack',
      '--pack-destination',
      packs,
    ]);
    expect(r.code, output(r)).toBe(0);
    unpacked = mkdtempSync(join(tmpdir(), 'wasmml-unpacked-'));
    for (const { manifest } of publicPackages) {
      const dest = join(unpacked, manifest.name);
      mkdirSync(dest, { recursive: true });
      execFileSync('tar', ['-xzf', join(packs, tarballName(manifest)), '-C', dest, '--strip-components=1']);
    }
  }, 120_000);

  it('packs every public package', () => {
    expect(publicPackages.map((p) => p.manifest.name)).toEqual(
      expect.arrayContaining(['@wasmml/kernels', '@wasmml/tensor', '@wasmml/optimizers', '@wasmml/datasets', '@wasmml/layers', 'wasmml']),
    );
    for (const { manifest } of publicPackages) expect(existsSync(join(packs, tarballName(manifest))), manifest.name).toBe(true);
  });

  it.each(publicPackages.map((p) => [p.manifest.name, p] as const))(
    '%s: ESM with declarations, ordered exports, exact dependencies',
    (name, { manifest }) => {
      const dir = join(unpacked, name);
      const packed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      expect(packed.type).toBe('module');
      expect(existsSync(join(dir, 'dist', 'index.js')), 'dist/index.js').toBe(true);
      expect(existsSync(join(dir, 'dist', 'index.d.ts')), 'dist/index.d.ts').toBe(true);
      const root = packed.exports?.['.'] as Record<string, string>;
      expect(Object.keys(root)[0], 'exports["."]: types first').toBe('types');
      expect(root.types).toBe('./dist/index.d.ts');
      expect(root.default).toBe('./dist/index.js');
      checkConditions('exports', packed.exports);
      checkConditions('imports', packed.imports);
      // Every file an exports/imports entry names is in the tarball (values, not subpath keys such as "./web").
      const targets = JSON.stringify([packed.exports, packed.imports]).match(/:"\.\/[^"*]+"/g) ?? [];
      for (const t of targets) expect(existsSync(join(dir, JSON.parse(t.slice(1)) as string)), `${name}: ${t}`).toBe(true);
      // No workspace or catalog ranges leak into the published manifest.
      expect(JSON.stringify(packed)).not.toMatch(/workspace:|catalog:/);
      // Exactly the dependencies the shipped code imports: none missing, none unused.
      const deps = Object.keys({ ...packed.dependencies, ...packed.peerDependencies }).sort();
      expect(importedPackages(join(dir, 'dist'), builtins), `${name}: imports vs dependencies`).toEqual(deps);
      // Internal dependencies are pinned to the version released together (one fixed group).
      for (const [dep, range] of Object.entries(packed.dependencies ?? {})) {
        if (dep.startsWith('@wasmml/') || dep === 'wasmml') expect(range, dep).toBe(manifest.version);
      }
      expect(
        readdirSync(dir, { recursive: true }).some((f) => /\.test\.ts$/.test(String(f))),
        'no tests shipped',
      ).toBe(false);
    },
  );

  it('@wasmml/kernels ships the four .wasm builds, both pool workers and a worker entry per runtime', () => {
    const dir = join(unpacked, '@wasmml/kernels');
    for (const v of ['simd-shared', 'simd-single', 'relaxed-shared', 'relaxed-single']) {
      expect(existsSync(join(dir, 'wasm', `${v}.wasm`)), `${v}.wasm`).toBe(true);
    }
    for (const f of ['worker-web.js', 'worker-node.js', 'worker-loop.js', 'workers/node.js', 'workers/deno.js', 'workers/web.js']) {
      expect(existsSync(join(dir, 'dist', f)), f).toBe(true);
    }
    // The browser entry must stay free of Node built-ins.
    expect(readFileSync(join(dir, 'dist', 'workers', 'web.js'), 'utf8')).not.toMatch(/['"]node:/);
  });

  it('@wasmml/platform ships an entry per runtime; the browser one and the shared files import no Node built-in', () => {
    const dir = join(unpacked, '@wasmml/platform');
    for (const f of ['node.js', 'deno.js', 'web.js']) expect(existsSync(join(dir, 'dist', f)), f).toBe(true);
    for (const f of ['web.js', 'paths.js', 'types.js', 'index.js', 'random.js']) {
      expect(readFileSync(join(dir, 'dist', f), 'utf8'), f).not.toMatch(/['"]node:/);
    }
  });

  describe('installed with npm into a fresh project', () => {
    beforeAll(async () => {
      project = mkdtempSync(join(tmpdir(), 'wasmml-consumer-'));
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
      for (const f of ['train.mjs', 'consumer.ts']) copyFileSync(join(fixture, f), join(project, f));
      const tarballs = publicPackages.map((p) => join(packs, tarballName(p.manifest)));
      const r = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
        cwd: project,
        timeoutMs: 600_000,
      });
      expect(r.code, output(r)).toBe(0);
    }, 660_000);

    it("runs the README's program (after `npm i wasmml`) exactly as shown", async () => {
      const code = readmeProgram();
      expect(code.trim().split('\n').length, 'about ten lines').toBeLessThanOrEqual(12);
      writeFileSync(join(project, 'readme-train.mjs'), code);
      const r = await run(process.execPath, ['readme-train.mjs'], { cwd: project });
      expect(r.code, output(r)).toBe(0);
      const acc = Number(/validation accuracy (\S+)/.exec(r.stdout)?.[1]);
      expect(acc, output(r)).toBeGreaterThan(0.9);
    }, 180_000);

    it('trains under Node', async () => {
      const r = await run(process.execPath, ['train.mjs'], { cwd: project });
      expect(r.code, output(r)).toBe(0);
      const res = lastJson<{ runtime: string; threads: number; valAcc: number; sameTensorClass: boolean }>(r.stdout)!;
      expect(res.runtime).toBe('node');
      expect(res.threads).toBeGreaterThan(1);
      expect(res.valAcc).toBeGreaterThan(0.8);
      // One copy of each package: the umbrella and @wasmml/tensor share the Tensor class.
      expect(res.sameTensorClass).toBe(true);
    }, 180_000);

    it('trains under Deno', async () => {
      if (!requireTool(has(denoBin), `deno (${denoBin})`)) return;
      const r = await run(denoBin, ['run', '--allow-read', '--allow-env', 'train.mjs'], { cwd: project, env: { NO_COLOR: '1' } });
      expect(r.code, output(r)).toBe(0);
      const res = lastJson<{ runtime: string; threads: number; valAcc: number }>(r.stdout)!;
      expect(res.runtime).toBe('deno');
      expect(res.threads).toBeGreaterThan(1);
      expect(res.valAcc).toBeGreaterThan(0.8);
    }, 180_000);

    it('type-checks a TypeScript consumer against the shipped declarations', async () => {
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: [],
          },
          files: ['consumer.ts'],
        }),
      );
      const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project });
      expect(r.code, output(r)).toBe(0);
    }, 120_000);
  });
});
