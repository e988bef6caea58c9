#!/usr/bin/env node
// pnpm release: version every package from the pending changesets (all
// @wasmml/* and wasmml move together: the `fixed` group in .changeset/config.json),
// write their CHANGELOG.md, build, pack each public package with pnpm (which
// turns workspace: and catalog: ranges into versions) and run
// `npm publish --dry-run` on each tarball. Publishing for real is the same
// command without --dry-run, by someone holding the npm token.
//
//   node scripts/release.mjs [--no-version] [--pack-dir <dir>]
//     --no-version   skip `changeset version` (re-check an already versioned tree)
//     --pack-dir     where the tarballs go (default .tmp/release)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values: args } = parseArgs({
  options: {
    'no-version': { type: 'boolean', default: false },
    'pack-dir': { type: 'string', default: join(root, '.tmp', 'release') },
  },
});

function sh(cmd, argv, opts = {}) {
  console.log(`$ ${cmd} ${argv.join(' ')}`);
  return execFileSync(cmd, argv, { cwd: root, stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', ...opts });
}

const manifest = (dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
const publicPackages = () =>
  readdirSync(join(root, 'packages'))
    .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
    .map((dir) => ({ dir, ...manifest(dir) }))
    .filter((p) => !p.private);

// 1. Versions and changelogs from the changesets.
const pending = readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
if (args['no-version']) console.log('skipping changeset version (--no-version)');
else if (pending.length === 0) console.log('no pending changesets: versions stay as they are');
else sh(process.execPath, [join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version']);

const packages = publicPackages();
const versions = new Set(packages.map((p) => p.version));
if (versions.size !== 1) {
  throw new Error(
    `release: the packages must share one version (fixed group), found ${packages.map((p) => `${p.name}@${p.version}`).join(', ')}`,
  );
}
const [version] = versions;

// 2. Build everything from scratch.
sh(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')]);
sh('pnpm', ['-r', '--filter', './packages/**', 'run', 'build']);

// 3. Pack with pnpm, dry-run publish each tarball with npm.
const packDir = resolve(args['pack-dir']);
rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir, { recursive: true });
const published = [];
for (const p of packages) {
  sh('pnpm', ['pack', '--pack-destination', packDir], { cwd: join(root, 'packages', p.dir), stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = join(packDir, `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`);
  if (!existsSync(tarball)) throw new Error(`release: pnpm pack did not write ${tarball}`);
  const out = sh('npm', ['publish', tarball, '--dry-run', '--access', 'public', '--tag', 'latest', '--json'], { capture: true });
  const report = JSON.parse(out.slice(out.indexOf('{')));
  const info = report[p.name] ?? report;
  if (info.name !== p.name || info.version !== p.version) {
    throw new Error(`release: npm publish --dry-run of ${tarball} reported ${info.name}@${info.version}`);
  }
  published.push({ name: p.name, version: p.version, files: info.entryCount, size: info.size, tarball });
}
console.log(`\nrelease ${version}: npm publish --dry-run passed for ${published.length} packages`);
for (const p of published) console.log(`  ${p.name}@${p.version}  ${p.files} files, ${(p.size / 1024).toFixed(1)} kB packed`);
console.log(JSON.stringify({ version, packages: published }));
