#!/usr/bin/env node
// The browser example without a person: builds the page, serves it (with or
// without cross-origin isolation), trains in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), prints what the page reports
// and saves a screenshot. `pnpm examples` runs it after the Node and Deno ones.
//   node headless.mjs [--task mnist|spam|movielens|gpt] [--no-isolation] [--epochs n] [--limit n] [--screenshot file.png]
// Epochs and limit default to the task's short run (the Node runner's --quick).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { reachedQuickTarget, tasks } from 'wasmml-example-models';
import { findMovieLens, serve } from './serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    task: { type: 'string', default: 'mnist' },
    'no-isolation': { type: 'boolean', default: false },
    epochs: { type: 'string' },
    limit: { type: 'string' },
    screenshot: { type: 'string' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});

const task = tasks[opts.task];
if (!task) throw new Error(`unknown task '${opts.task}' (known: ${Object.keys(tasks).join(', ')})`);
const query = new URLSearchParams({ task: opts.task, epochs: opts.epochs ?? String(task.quick.epochs), autostart: '1' });
if (opts.limit ?? task.quick.limit) query.set('limit', opts.limit ?? String(task.quick.limit));
const screenshot = opts.screenshot ?? join(here, 'out', `browser-${opts.task}.png`);

execFileSync(process.execPath, [join(here, 'scripts', 'prepare-data.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(here, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: here,
  stdio: 'inherit',
});
const server = await serve({ port: 0, isolation: !opts['no-isolation'], movielens: findMovieLens() });
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wasmml-chromium-')), {
  executablePath: opts.chromium,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${server.url}?${query}`);
  await page.waitForFunction(() => ['done', 'error'].includes(window.wasmmlExample?.phase), null, { timeout: 300_000, polling: 250 });
  // A language model then continues the prompt box, in the page as it writes.
  if (task.generate) {
    await page.waitForFunction(() => window.wasmmlExample.phase !== 'done' || window.wasmmlExample.generation?.done, null, {
      timeout: 120_000,
      polling: 250,
    });
  }
  const state = await page.evaluate(() => window.wasmmlExample);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(
    `browser: kernels ${state.info?.variant}, ${state.info?.threads} thread(s), cross-origin isolated: ${state.info?.crossOriginIsolated}`,
  );
  if (state.phase !== 'done') throw new Error(`the page reported an error: ${state.error}`);
  console.log(`browser: data: ${state.source}`);
  for (const line of state.report) console.log(line);
  console.log(
    `browser: ${Object.entries(state.results)
      .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`)
      .join(', ')}`,
  );
  if (state.generation) console.log(`browser: sample: ${state.generation.prompt}${state.generation.text}`);
  console.log(`browser: screenshot ${screenshot}`);
  if (!reachedQuickTarget(task, state.results))
    throw new Error(`${task.mainMetric} ${state.results[task.mainMetric]} < ${task.quickTarget}`);
  const wantThreads = !opts['no-isolation'];
  if (wantThreads && !(state.info.threads > 1)) throw new Error('the isolated page trained on one thread');
} finally {
  await context.close();
  await server.close();
}
