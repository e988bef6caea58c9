// The browser example as a visitor meets it, in headless Chromium (Debian's,
// driven by playwright-core): the Vite build of the page, served with and
// without the cross-origin isolation headers. Isolated, training must run on
// more than one thread and a drawn digit must be recognised; not isolated, the
// same page must still train, on one thread. A screenshot is kept in test-results/.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumBin, has, output, repoRoot, requireTool, run } from '../helpers.js';

const exampleDir = join(repoRoot, 'examples', 'browser');
const enabled = requireTool(has(chromiumBin), `Chromium (${chromiumBin}; apt-get install chromium)`);

interface PageState {
  phase: 'idle' | 'training' | 'done' | 'error';
  info?: { variant: string; threads: number; sharedMemory: boolean; crossOriginIsolated: boolean };
  results?: { trainSamples: number; valAccuracy: number; samplesPerSecond: number };
  history: Array<Record<string, number>>;
  prediction?: { digit: number; probs: number[] };
  error?: string;
}

interface Server {
  url: string;
  close(): Promise<void>;
}

describe.runIf(enabled)('browser example in headless Chromium', () => {
  let dist: string;
  let context: BrowserContext;
  const servers: Server[] = [];

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'wasmml-browser-dist-'));
    const data = await run(process.execPath, ['scripts/prepare-data.mjs'], { cwd: exampleDir });
    expect(data.code, output(data)).toBe(0);
    const vite = join(exampleDir, 'node_modules', 'vite', 'bin', 'vite.js');
    const build = await run(process.execPath, [vite, 'build', '--outDir', dist, '--emptyOutDir'], { cwd: exampleDir });
    expect(build.code, output(build)).toBe(0);
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wasmml-chromium-')), {
      executablePath: chromiumBin,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    for (const s of servers) await s.close();
  });

  async function open(isolation: boolean, query: string): Promise<{ page: Page; errors: string[] }> {
    const { serve } = (await import(join(exampleDir, 'serve.mjs'))) as { serve: (o: object) => Promise<Server> };
    const server = await serve({ dir: dist, port: 0, isolation });
    servers.push(server);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.url}?${query}`);
    await page.waitForFunction(() => {
      const s = (window as unknown as { wasmmlExample?: PageState }).wasmmlExample;
      return s?.phase === 'done' || s?.phase === 'error';
    }, null, { timeout: 180_000, polling: 250 });
    return { page, errors };
  }

  const stateOf = (page: Page) => page.evaluate(() => (window as unknown as { wasmmlExample: PageState }).wasmmlExample);

  it('the Vite build carries the four .wasm builds and the kernel and training workers, with no extra configuration', () => {
    const assets = readdirSync(join(dist, 'assets'));
    for (const v of ['simd-shared', 'simd-single', 'relaxed-shared', 'relaxed-single']) {
      expect(assets.some((f) => f.startsWith(`${v}-`) && f.endsWith('.wasm')), `${v}.wasm in ${assets.join(', ')}`).toBe(true);
    }
    expect(assets.some((f) => /^worker-web-.*\.js$/.test(f)), 'kernel pool worker').toBe(true);
    const trainer = assets.find((f) => /^train-worker-.*\.js$/.test(f));
    expect(trainer, 'training worker').toBeDefined();
    // The browser bundle must not load Node built-ins or blob: workers.
    for (const f of assets.filter((a) => a.endsWith('.js'))) {
      const js = readFileSync(join(dist, 'assets', f), 'utf8');
      expect(js, f).not.toMatch(/from\s*["']node:|import\(["']node:/);
      expect(js, f).not.toContain('URL.createObjectURL(new Blob');
    }
  });

  it('cross-origin isolated: trains in a worker on more than one thread, charts it and reads a drawn digit', async () => {
    const { page, errors } = await open(true, 'epochs=2&limit=2000&autostart=1');
    const state = await stateOf(page);
    expect(state.error).toBeUndefined();
    expect(state.phase).toBe('done');
    expect(state.info!.crossOriginIsolated).toBe(true);
    expect(state.info!.sharedMemory).toBe(true);
    expect(state.info!.threads).toBeGreaterThan(1);
    expect(state.history).toHaveLength(2);
    expect(state.results!.trainSamples).toBe(2000);
    expect(state.results!.valAccuracy).toBeGreaterThan(0.85);
    // The live chart drew its two panels.
    const chartText = await page.locator('#chart svg').textContent();
    for (const t of ['loss', 'accuracy', 'validation']) expect(chartText).toContain(t);

    // Draw a one: a straight vertical stroke.
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + 140, box.y + 40);
    await page.mouse.down();
    for (const y of [80, 120, 160, 200, 240]) await page.mouse.move(box.x + 140 - (y - 40) / 50, box.y + y, { steps: 3 });
    await page.mouse.up();
    await page.waitForFunction(() => (window as unknown as { wasmmlExample: PageState }).wasmmlExample.prediction, null, { timeout: 30_000 });
    const { prediction } = await stateOf(page);
    expect(prediction!.digit).toBe(1);
    expect(prediction!.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(await page.locator('#guess').textContent()).toContain('It looks like a 1');

    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-results', 'browser-example.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 240_000);

  it('not isolated: no shared memory, one thread, and training still works', async () => {
    const { page, errors } = await open(false, 'epochs=1&limit=1000&autostart=1');
    const state = await stateOf(page);
    expect(state.error).toBeUndefined();
    expect(state.phase).toBe('done');
    expect(state.info!.crossOriginIsolated).toBe(false);
    expect(state.info!.sharedMemory).toBe(false);
    expect(state.info!.variant).toMatch(/-single$/);
    expect(state.info!.threads).toBe(1);
    expect(state.results!.valAccuracy).toBeGreaterThan(0.5);
    expect(await page.locator('#backend').textContent()).toContain('not cross-origin isolated');
    expect(errors).toEqual([]);
  }, 240_000);
});
