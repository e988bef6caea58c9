// Runs every benchmark file in its own process (so one's threads and memory do
// not disturb the next) and passes through their JSON lines.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'harness.mjs'].includes(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
let failed = false;
for (const f of files) {
  const r = spawnSync(process.execPath, [join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench ${f} failed (${r.status})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
