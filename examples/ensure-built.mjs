// Builds the packages (tsc into dist/) when any is missing its build or has a
// source newer than it, so that `pnpm start` works on a fresh clone and after
// edits, and costs nothing otherwise. The kernels' .wasm builds are handled by
// scripts/build-wasm.mjs --if-stale, which runs first.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(dir) {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stale = readdirSync(join(root, 'packages')).filter((dir) => {
  const pkg = join(root, 'packages', dir);
  if (!existsSync(join(pkg, 'package.json')) || !JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).scripts?.build) return false;
  const built = join(pkg, 'dist', 'index.js');
  return !existsSync(built) || newest(join(pkg, 'src')) > statSync(built).mtimeMs;
});
if (stale.length > 0) {
  console.log(`building the packages (stale: ${stale.join(', ')})…`);
  execFileSync('pnpm', ['-r', '--filter', './packages/**', 'run', 'build'], { cwd: root, stdio: 'inherit' });
}
