// GEMM GFLOP/s of each kernel variant under Node and under Deno (the npm `deno`
// package), each run in its own process, alternating ROUNDS times so drifting
// machine load hits all alike; best per runtime and variant, then what the
// loader picks by default in each runtime and how far Deno's pick is from Node's.
// Env: ROUNDS (default 3), THREADS (default 2), SIZES (default 256,1024).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const deno = join(here, '..', 'node_modules', '.bin', 'deno');
const child = join(here, 'runtimes', 'gemm-child.mjs');
const rounds = Number(process.env.ROUNDS ?? 3);
const env = { THREADS: process.env.THREADS ?? '2', SIZES: process.env.SIZES ?? '256,1024' };

function run(runtime, relaxed) {
  const cmd = runtime === 'node' ? [process.execPath, [child]] : [deno, ['run', '--allow-read', '--allow-env', child]];
  // WASMML_RELAXED_SIMD unset: the loader's own choice.
  const vars = { ...process.env, ...env };
  if (relaxed === undefined) delete vars.WASMML_RELAXED_SIMD;
  else vars.WASMML_RELAXED_SIMD = relaxed ? '1' : '0';
  const out = execFileSync(cmd[0], cmd[1], { cwd: here, env: vars, encoding: 'utf8', timeout: 600_000 });
  return JSON.parse(out.trim().split('\n').at(-1));
}

const runtimes = existsSync(deno) ? ['node', 'deno'] : ['node'];
const best = new Map();
for (let r = 0; r < rounds; r++) {
  for (const runtime of runtimes) {
    for (const relaxed of [false, true, undefined]) {
      const res = run(runtime, relaxed);
      const key = `${runtime} ${relaxed === undefined ? 'default' : res.variant}`;
      const prev = best.get(key);
      const merged = { ...res, picked: relaxed === undefined };
      for (const [n, g] of Object.entries(res.gflops)) merged.gflops[n] = Math.max(g, prev?.gflops[n] ?? 0);
      best.set(key, merged);
    }
  }
}
for (const [key, res] of best) console.log(JSON.stringify({ case: `gemm ${key}`, ...res }));
const node = best.get('node default'),
  denoPick = best.get('deno default');
if (node && denoPick) {
  const ratio = Object.fromEntries(Object.keys(node.gflops).map((n) => [n, Math.round((denoPick.gflops[n] / node.gflops[n]) * 100) / 100]));
  console.log(
    JSON.stringify({ case: 'gemm deno default / node default', node_variant: node.variant, deno_variant: denoPick.variant, ratio }),
  );
}
