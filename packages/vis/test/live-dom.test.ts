// @wasmml/vis's DOM charts in headless Chromium: test/browser/ is a page built
// by Vite from the built packages, as a user's bundler sees them. It draws a
// confusion matrix and an image grid with render(), and trains a small model
// with liveHistory() as a fit callback; after every epoch a probe records what
// the live chart's SVG holds, so the test sees the chart grow epoch by epoch
// and end with exactly the History that fit returned.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasChromium, launchChromium, pageErrors, type StaticServer, serveStatic, viteBuild } from '@wasmml/test-utils/browser';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Svg {
  width: number;
  height: number;
  text: string;
}
interface VisPage {
  phase: 'running' | 'done' | 'error';
  error?: string;
  static: { confusion: { rects: number; svg: Svg }; grid: { rects: number; white: number; svg: Svg } };
  epochs: Array<{ epoch: number; points: number; lines: number; svg: Svg }>;
  rows: Array<{ epoch: number; metric: string; split: string; value: number }>;
  history: { epoch: number[]; history: Record<string, number[]> };
}

const pageDir = join(dirname(fileURLToPath(import.meta.url)), 'browser');

describe.runIf(hasChromium('@wasmml/vis DOM charts'))('@wasmml/vis DOM charts in headless Chromium', () => {
  let context: BrowserContext;
  let server: StaticServer;
  let state: VisPage;
  let errors: string[];

  beforeAll(async () => {
    server = await serveStatic(await viteBuild(pageDir));
    context = await launchChromium();
    const page = await context.newPage();
    errors = pageErrors(page);
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { visPage?: VisPage }).visPage?.phase !== 'running', null, {
      timeout: 120_000,
      polling: 200,
    });
    state = await page.evaluate(() => (window as unknown as { visPage: VisPage }).visPage);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
  });

  it('the page ran without errors', () => {
    expect(state.error).toBeUndefined();
    expect(state.phase).toBe('done');
    expect(errors).toEqual([]);
  });

  it('render(): a confusion matrix as one cell per class pair, with the counts written in', () => {
    const { rects, svg } = state.static.confusion;
    expect(rects).toBe(9);
    for (const t of ['cat', 'dog', 'bird', 'predicted', 'true', '7', '9']) expect(svg.text).toContain(t);
    expect(svg.width).toBeGreaterThan(3 * 40);
  });

  it('render(): an image grid as one cell per pixel, lit where the image is', () => {
    const { rects, white, svg } = state.static.grid;
    expect(rects).toBe(4 * 36);
    // Each image lights one column of 6 pixels.
    expect(white).toBe(4 * 6);
    // Captions: the predicted label, and the true one where it is wrong.
    for (const t of ['1: 0', '2: 1', '3: 2', '4: 2 (true 3)']) expect(svg.text).toContain(t);
  });

  it('liveHistory(): the chart grows by one point per series each epoch while fit runs', () => {
    expect(state.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    // Four series (loss and accuracy, training and validation), one point each per epoch so far.
    expect(state.epochs.map((e) => e.points)).toEqual([4, 8, 12, 16]);
    for (const e of state.epochs) {
      // Two panels with a line per split.
      expect(e.lines).toBe(4);
      for (const t of ['loss', 'accuracy', 'training', 'validation', 'epoch']) expect(e.svg.text).toContain(t);
      // Both panels fit in the SVG (the view is resized as the panels appear).
      expect(e.svg.width).toBeGreaterThan(2 * 280);
    }
  });

  it('liveHistory(): the chart ends holding exactly the History that fit returned', () => {
    const { epoch, history } = state.history;
    expect(epoch).toEqual([0, 1, 2, 3]);
    const expected = Object.entries(history)
      .filter(([k]) => ['loss', 'acc', 'val_loss', 'val_acc'].includes(k))
      .flatMap(([k, values]) =>
        values.map((value, i) => ({
          epoch: i + 1,
          metric: k.replace('val_', '') === 'acc' ? 'accuracy' : 'loss',
          split: k.startsWith('val_') ? 'validation' : 'training',
          value,
        })),
      );
    expect(expected).toHaveLength(16);
    const key = (r: { epoch: number; metric: string; split: string }) => `${r.metric}/${r.split}/${r.epoch}`;
    const sort = <T extends { epoch: number; metric: string; split: string }>(rows: T[]) =>
      [...rows].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sort(state.rows)).toEqual(sort(expected));
    // A model that learns: its training loss fell.
    expect(history.loss![3]!).toBeLessThan(history.loss![0]!);
  });
});
