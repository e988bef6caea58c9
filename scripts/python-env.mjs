// Makes (once) and prints the Python virtual environment holding the reference
// libraries of test/python/requirements.txt. The environment is cached under
// ~/.cache/wasmml, keyed by the requirements' hash, so a second run is instant;
// it is built in a temporary folder and renamed, so a killed install never
// leaves a half-made environment that looks finished.
//
//   node scripts/python-env.mjs            ensure it exists, print its python
//   node scripts/python-env.mjs --check    print it if it exists, exit 1 if not
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requirements = join(root, 'test', 'python', 'requirements.txt');
const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
const cache = process.env.WASMML_PYENV_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'wasmml');
const dir = join(cache, `pyenv-${hash}`);
const python = join(dir, 'bin', 'python');

function findPython() {
  for (const cmd of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    try {
      const v = execFileSync(cmd, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
      const [major, minor] = v.split('.').map(Number);
      if (major === 3 && minor >= 10) return cmd;
    } catch {
      /* not this one */
    }
  }
  return undefined;
}

if (existsSync(join(dir, '.complete'))) {
  console.log(python);
  process.exit(0);
}
if (process.argv.includes('--check')) process.exit(1);
const base = findPython();
if (base === undefined) {
  console.error('python-env: no Python >= 3.10 found (set PYTHON)');
  process.exit(1);
}
mkdirSync(cache, { recursive: true });
const tmp = `${dir}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
const t0 = Date.now();
execFileSync(base, ['-m', 'venv', tmp], { stdio: 'inherit' });
execFileSync(join(tmp, 'bin', 'python'), ['-m', 'pip', 'install', '-q', '--no-input', '--retries', '0', '-r', requirements], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
execFileSync(join(tmp, 'bin', 'python'), ['-c', 'open(__import__("sys").prefix + "/.complete", "w").write("ok")']);
// venv scripts hard-code their folder; the interpreter itself does not, and
// the tests only ever call bin/python, so renaming the finished folder is safe.
rmSync(dir, { recursive: true, force: true });
renameSync(tmp, dir);
console.error(`python-env: made ${dir} in ${Math.round((Date.now() - t0) / 1000)} s`);
console.log(python);
