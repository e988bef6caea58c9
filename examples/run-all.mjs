// pnpm examples: every example in its short mode, one after the other — the
// Node CLI, the Deno CLI, and the browser page in headless Chromium. Stops at
// the first failure.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const deno = join(here, '..', 'node_modules', '.bin', 'deno');
const step = (title, cmd, args, cwd) => {
  console.log(`\n== ${title}\n$ ${[cmd, ...args].join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
};

execFileSync(process.execPath, [join(here, 'ensure-built.mjs')], { stdio: 'inherit' });
step('Node', process.execPath, ['main.mjs', '--quick'], join(here, 'node'));
step('Deno', deno, ['run', '--allow-read', '--allow-env', '--allow-write=out', 'main.ts', '--quick'], join(here, 'deno'));
if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  step('Browser (headless Chromium)', process.execPath, ['headless.mjs'], join(here, 'browser'));
} else {
  console.log('\n== Browser: skipped, no Chromium (apt-get install chromium)');
}
