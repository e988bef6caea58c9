#!/usr/bin/env node
// The browser example without a person: builds the page, serves it (with or
// without cross-origin isolation), trains in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), prints what the page reports
// and saves a screenshot. `pnpm examples` runs it after the Node and Deno ones.
//   node headless.mjs [--no-isolation] [--epochs 2] [--limit 2000] [--screenshot file.png]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    'no-isolation': { type: 'boolean', default: false },
    epochs: { type: 'string', default: '2' },
    limit: { type: 'string', default: '2000' },
    screenshot: { type: 'string', default: join(here, 'out', 'browser-example.png') },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});

execFileSync(process.execPath, [join(here, 'scripts', 'prepare-data.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(here, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: here, stdio: 'inherit' });
const server = await serve({ port: 0, isolation: !opts['no-isolation'] });
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wasmml-chromium-')), {
  executablePath: opts.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${server.url}?epochs=${opts.epochs}&limit=${opts.limit}&autostart=1`);
  await page.waitForFunction(() => ['done', 'error'].includes(window.wasmmlExample?.phase), null, { timeout: 300_000, polling: 250 });
  const state = await page.evaluate(() => window.wasmmlExample);
  await page.screenshot({ path: opts.screenshot, fullPage: true });
  console.log(`browser: kernels ${state.info?.variant}, ${state.info?.threads} thread(s), cross-origin isolated: ${state.info?.crossOriginIsolated}`);
  if (state.phase !== 'done') throw new Error(`the page reported an error: ${state.error}`);
  console.log(`browser: validation accuracy ${state.results.valAccuracy.toFixed(4)}, ${state.results.samplesPerSecond} samples/s; screenshot ${opts.screenshot}`);
  const wantThreads = !opts['no-isolation'];
  if (wantThreads && !(state.info.threads > 1)) throw new Error('the isolated page trained on one thread');
} finally {
  await context.close();
  await server.close();
}
