// pnpm examples: every task of every example in its short mode, one after the
// other — the Node CLI, the Deno CLI, and the browser page in headless
// Chromium. Stops at the first failure.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tasks } from './models/index.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const deno = join(here, '..', 'node_modules', '.bin', 'deno');
const step = (title, cmd, args, cwd) => {
  console.log(`\n== ${title}\n$ ${[cmd, ...args].join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
};

execFileSync(process.execPath, [join(here, 'ensure-built.mjs')], { stdio: 'inherit' });
const names = Object.keys(tasks);
for (const task of names) step(`Node: ${task}`, process.execPath, ['main.mjs', '--task', task, '--quick'], join(here, 'node'));
for (const task of names) {
  step(
    `Deno: ${task}`,
    deno,
    ['run', '--allow-read', '--allow-env', '--allow-write=out', 'main.ts', '--task', task, '--quick'],
    join(here, 'deno'),
  );
}
if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  for (const task of names)
    step(`Browser (headless Chromium): ${task}`, process.execPath, ['headless.mjs', '--task', task], join(here, 'browser'));
} else {
  console.log('\n== Browser: skipped, no Chromium (apt-get install chromium)');
}
