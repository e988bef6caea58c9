// deno run --allow-read --allow-env --allow-write=out main.ts [task] [options]
// The Node example's command-line runner and the same model code, under Deno:
// packages come from node_modules (package.json beside this file); the kernel
// threads are node:worker_threads on one shared memory.
import { fileURLToPath } from 'node:url';
import { main } from 'wasmml-example-node/cli';

const outDir = fileURLToPath(new URL('./out', import.meta.url));
Deno.exit(await main(Deno.args, { runtime: 'deno', outDir }));
