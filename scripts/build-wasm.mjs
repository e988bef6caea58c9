// Compiles assembly/ into the kernel variants shipped by @wasmml/kernels.
// Four builds: {simd, relaxed} x {shared, single}. A module that imports shared
// memory cannot instantiate on unshared memory (pages without cross-origin
// isolation), so each SIMD level needs both.
// A model package's own kernels (packages/<pkg>/assembly/index.ts) are extra
// entry files of the same compilation: asc exports every entry's exports, so
// they land in the one module (see assembly/README.md, "A model package's own
// kernels").
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { generate } from './gen-ops.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'assembly');
const outDir = join(root, 'packages', 'kernels', 'wasm');
const ifStale = process.argv.includes('--if-stale');

// Keep in step with MAX_PAGES in packages/kernels/src/memory.ts.
const MAX_PAGES = 65536;
// Reserved below the arena for the module's constant data (see assembly/README.md).
const MEMORY_BASE = 1024;

export const variants = [
  { name: 'simd-shared', features: 'simd,threads', shared: true },
  { name: 'simd-single', features: 'simd', shared: false },
  { name: 'relaxed-shared', features: 'simd,threads,relaxed-simd', shared: true },
  { name: 'relaxed-single', features: 'simd,relaxed-simd', shared: false },
];

/** packages/<pkg>/assembly/ folders that have an index.ts, in a stable order. */
export function packageKernelDirs() {
  const pkgs = join(root, 'packages');
  return readdirSync(pkgs)
    .sort()
    .map((p) => join(pkgs, p, 'assembly'))
    .filter((d) => existsSync(join(d, 'index.ts')));
}

/** Every file that can change the module: the kernel folders and what their files import from outside them. */
function sourceFiles() {
  const files = new Set();
  for (const dir of [srcDir, ...packageKernelDirs()]) {
    for (const f of readdirSync(dir)) {
      const path = join(dir, f);
      files.add(path);
      if (!f.endsWith('.ts')) continue;
      // A package's kernels may import a file its TypeScript shares (a table layout, say).
      for (const m of readFileSync(path, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
        const dep = resolve(dir, `${m[1]}.ts`);
        if (existsSync(dep)) files.add(dep);
      }
    }
  }
  return files;
}

function newestSource() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const f of sourceFiles()) newest = Math.max(newest, statSync(f).mtimeMs);
  return newest;
}

function isFresh() {
  const src = newestSource();
  return variants.every((v) => {
    const p = join(outDir, `${v.name}.wasm`);
    return existsSync(p) && statSync(p).mtimeMs >= src;
  });
}

// The op tables' glue first: it is part of the sources compiled below.
await generate();
if (ifStale && isFresh()) process.exit(0);
mkdirSync(outDir, { recursive: true });
const require = createRequire(import.meta.url);
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
for (const v of variants) {
  const args = [
    asc,
    join(srcDir, 'index.ts'),
    ...packageKernelDirs().map((d) => join(d, 'index.ts')),
    '-o',
    join(outDir, `${v.name}.wasm`),
    '--runtime',
    'stub',
    '-O3',
    '--noAssert',
    '--enable',
    v.features,
    '--importMemory',
    '--noExportMemory',
    '--initialMemory',
    '1',
    '--maximumMemory',
    String(MAX_PAGES),
    '--memoryBase',
    String(MEMORY_BASE),
    '--use',
    'abort=',
  ];
  if (v.shared) args.push('--sharedMemory');
  execFileSync(process.execPath, args, { stdio: 'inherit', cwd: root });
}
console.log(`built ${variants.length} kernel variants into ${outDir}`);
