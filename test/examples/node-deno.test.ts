// The Node and Deno examples in their short (--quick) mode, as a user runs them:
// a real training run on the embedded MNIST digits that must learn, a progress
// line per epoch, and the training-history chart written as SVG.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { denoBin, has, lastJson, output, repoRoot, requireTool, run } from '../helpers.js';

interface Result {
  task: string;
  runtime: string;
  chart: string;
  trainSamples: number;
  valAccuracy: number;
  testAccuracy?: number;
  threads: number;
}

function checkRun(r: Awaited<ReturnType<typeof run>>, runtime: string): Result {
  expect(r.code, output(r)).toBe(0);
  const res = lastJson<Result>(r.stdout);
  expect(res, output(r)).toBeDefined();
  expect(res!.runtime).toBe(runtime);
  expect(res!.trainSamples).toBe(2000);
  // Two epochs over 2,000 real digits: a CNN that learns is near 90% on the held-out tenth.
  expect(res!.valAccuracy).toBeGreaterThan(0.85);
  if (res!.testAccuracy !== undefined) expect(res!.testAccuracy).toBeGreaterThan(0.85);
  expect(res!.threads).toBe(2);
  expect(r.stdout).toMatch(/Epoch 1\/2 .*loss [\d.]+, acc [\d.]+, val_loss/);
  expect(r.stdout).toMatch(/Epoch 2\/2 /);
  const svg = readFileSync(res!.chart, 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  for (const text of ['loss', 'accuracy', 'training', 'validation', 'epoch']) expect(svg).toContain(`>${text}</text>`);
  return res!;
}

describe('examples, short runs', () => {
  it('node examples/node/main.mjs --quick trains the MNIST CNN and writes the chart', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wasmml-node-example-'));
    const r = await run(process.execPath, ['examples/node/main.mjs', '--quick', '--json', '--threads', '2', '--out', out]);
    const res = checkRun(r, 'node');
    expect(res.chart).toBe(join(out, 'mnist-history.svg'));
  });

  it('the Node runner lists the tasks and rejects unknown or pending ones with a reason', async () => {
    const list = await run(process.execPath, ['examples/node/main.mjs', '--list']);
    expect(list.code, output(list)).toBe(0);
    expect(list.stdout).toMatch(/^mnist +MNIST digits/m);
    const bad = await run(process.execPath, ['examples/node/main.mjs', 'cifar']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown task 'cifar' (known: mnist");
    const pending = await run(process.execPath, ['examples/node/main.mjs', 'spam']);
    expect(pending.code).toBe(2);
    expect(pending.stderr).toContain("task 'spam' is not available yet");
    const flag = await run(process.execPath, ['examples/node/main.mjs', '--epochs', 'two']);
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toContain('expected a positive integer');
  });

  it('deno run examples/deno/main.ts --quick trains with two threads under Deno', async () => {
    if (!requireTool(has(denoBin), `deno (${denoBin})`)) return;
    const out = mkdtempSync(join(tmpdir(), 'wasmml-deno-example-'));
    const r = await run(denoBin, ['run', '--allow-read', '--allow-env', `--allow-write=${out}`, 'main.ts', '--quick', '--json', '--threads', '2', '--out', out],
      { cwd: join(repoRoot, 'examples', 'deno'), env: { NO_COLOR: '1' } });
    checkRun(r, 'deno');
  });
});
