// The browser example as a visitor meets it, in headless Chromium (Debian's,
// driven by playwright-core): the Vite build of the page, served with and
// without the cross-origin isolation headers. Isolated, training must run on
// more than one thread and a drawn digit must be recognised; not isolated, the
// same page must still train, on one thread. The spam classifier and the
// MovieLens recommender (on the synthetic fixture; on the real files too when
// they are beside the checkout) and the Moby Dick GPT (then writing into the
// page as it samples) train in the same page in short runs; an int8 model made
// in Node, opened in the page, must predict the same bits as Node on the same
// kernel build, and a .keras file that Keras 3 built opens in the "Open a Keras
// model" panel.
// Screenshots are kept in test-results/.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, pageErrors, viteBuild } from '@wasmml/test-utils/browser';
import { movieLensDir } from '@wasmml/test-utils/data';
import { referencePython, runPython } from '@wasmml/test-utils/python';
import type { BrowserContext, Page } from 'playwright-core';
import { lastJson, output, repoRoot, run } from '../helpers.js';
import { likeTheNovel } from './novel.js';

const exampleDir = join(repoRoot, 'examples', 'browser');
const enabled = hasChromium('browser example');

interface PageState {
  task: string;
  phase: 'idle' | 'training' | 'done' | 'error';
  info?: { variant: string; threads: number; sharedMemory: boolean; crossOriginIsolated: boolean };
  source?: string;
  results?: Record<string, number>;
  report: string[];
  history: Array<Record<string, number>>;
  prediction?: { digit: number; probs: number[] } | { spam: number };
  generation?: { prompt: string; text: string; pieces: number; done: boolean; error?: string; tokensPerSecond?: number };
  error?: string;
  keras?: { name: string; layers: number; prediction: number[] };
}

const realMovieLens = movieLensDir('examples tests');
const python = referencePython();

// A small Keras 3 CNN with random (non-zero) biases, so that its prediction on
// zeros, which the panel shows, is not the uniform one; prints that prediction.
const MAKE_KERAS = `
import json, os, sys
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras, numpy as np
from keras import layers
keras.utils.set_random_seed(3)
bias = keras.initializers.RandomNormal(stddev=0.5, seed=4)
m = keras.Sequential([
    keras.Input((12, 12, 1)),
    layers.Conv2D(4, 3, activation="relu", bias_initializer=bias),
    layers.BatchNormalization(),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(8, activation="relu", bias_initializer=bias),
    layers.Dense(3, activation="softmax", bias_initializer=bias),
], name="page_cnn")
m.save(sys.argv[1])
print(json.dumps(np.asarray(m(np.zeros((1, 12, 12, 1), np.float32), training=False)).reshape(-1).tolist()))
`;

interface Server {
  url: string;
  close(): Promise<void>;
}

describe.runIf(enabled)('browser example in headless Chromium', () => {
  let dist: string;
  let context: BrowserContext;
  const servers: Server[] = [];

  beforeAll(async () => {
    const data = await run(process.execPath, ['scripts/prepare-data.mjs'], { cwd: exampleDir });
    expect(data.code, output(data)).toBe(0);
    // The example's own Vite, as `pnpm build` there runs it.
    dist = await viteBuild(exampleDir, { vite: join(exampleDir, 'node_modules', 'vite', 'bin', 'vite.js') });
    context = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    for (const s of servers) await s.close();
  });

  /** The page served with or without isolation; unless `idle`, after the run the query starts has ended. */
  async function open(isolation: boolean, query: string, movielens?: string, idle = false): Promise<{ page: Page; errors: string[] }> {
    const { serve } = (await import(join(exampleDir, 'serve.mjs'))) as { serve: (o: object) => Promise<Server> };
    const server = await serve({ dir: dist, port: 0, isolation, movielens });
    servers.push(server);
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(`${server.url}?${query}`);
    await page.waitForFunction(
      (idle) => {
        const s = (window as unknown as { wasmmlExample?: PageState }).wasmmlExample;
        return idle ? s !== undefined : s?.phase === 'done' || s?.phase === 'error';
      },
      idle,
      { timeout: 180_000, polling: 250 },
    );
    return { page, errors };
  }

  const stateOf = (page: Page) => page.evaluate(() => (window as unknown as { wasmmlExample: PageState }).wasmmlExample);

  /** A short isolated run of a task: trained in the worker on more than one thread, without errors. */
  async function shortRun(query: string, movielens?: string) {
    const { page, errors } = await open(true, `${query}&autostart=1`, movielens);
    const state = await stateOf(page);
    expect(state.error).toBeUndefined();
    expect(state.phase).toBe('done');
    expect(state.info!.crossOriginIsolated).toBe(true);
    expect(state.info!.threads).toBeGreaterThan(1);
    return { page, errors, state, results: state.results! };
  }

  async function screenshot(page: Page, name: string) {
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-results', name), fullPage: true });
  }

  it('the Vite build carries the four .wasm builds and the kernel and training workers, with no extra configuration', () => {
    const assets = readdirSync(join(dist, 'assets'));
    for (const v of ['simd-shared', 'simd-single', 'relaxed-shared', 'relaxed-single']) {
      expect(
        assets.some((f) => f.startsWith(`${v}-`) && f.endsWith('.wasm')),
        `${v}.wasm in ${assets.join(', ')}`,
      ).toBe(true);
    }
    expect(
      assets.some((f) => /^worker-web-.*\.js$/.test(f)),
      'kernel pool worker',
    ).toBe(true);
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
    await page.waitForFunction(() => (window as unknown as { wasmmlExample: PageState }).wasmmlExample.prediction, null, {
      timeout: 30_000,
    });
    const prediction = (await stateOf(page)).prediction as { digit: number; probs: number[] };
    expect(prediction.digit).toBe(1);
    expect(prediction.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(await page.locator('#guess').textContent()).toContain('It looks like a 1');

    await screenshot(page, 'browser-example.png');
    expect(errors).toEqual([]);
  }, 240_000);

  it('spam: trains the LSTM classifier on SpamAssassin on more than one thread, charts it and classifies a held-out e-mail', async () => {
    const { page, errors, state, results } = await shortRun('task=spam&epochs=2&limit=1000');
    expect(state.task).toBe('spam');
    expect(state.history).toHaveLength(2);
    expect(results.trainTexts).toBe(1000);
    expect(results.testTexts).toBe(1210);
    // The Node runner's short run reaches about 94 %; one that does not learn says "ham" (69 %).
    expect(results.testAccuracy).toBeGreaterThan(0.85);
    expect(results.spamF1).toBeGreaterThan(0.75);
    expect(state.report.join('\n')).toMatch(/confusion .*: \[\d+, \d+\], \[\d+, \d+\]/);
    const chartText = await page.locator('#chart svg').textContent();
    for (const t of ['loss', 'accuracy', 'validation']) expect(chartText).toContain(t);
    await screenshot(page, 'browser-spam.png');

    // A spam and a ham e-mail of the held-out fifth, typed into the box.
    const models = (await import(join(repoRoot, 'examples', 'models', 'index.mjs'))) as {
      tasks: { spam: { load: (o: object) => Promise<{ data: { corpus: object } }> } };
      splitCorpus: (c: object) => { test: { texts: string[]; labels: number[] } };
    };
    const { data } = await models.tasks.spam.load({ repoRoot });
    const { test } = models.splitCorpus(data.corpus);
    const spamProbability = async (text: string) => {
      await page.evaluate(() => {
        (window as unknown as { wasmmlExample: PageState }).wasmmlExample.prediction = undefined;
      });
      await page.locator('#message').fill(text);
      await page.locator('#classify').click();
      await page.waitForFunction(() => (window as unknown as { wasmmlExample: PageState }).wasmmlExample.prediction, null, {
        timeout: 30_000,
      });
      return ((await stateOf(page)).prediction as { spam: number }).spam;
    };
    const spam = await spamProbability(test.texts[test.labels.indexOf(1)]!);
    const ham = await spamProbability(test.texts[test.labels.indexOf(0)]!);
    expect(spam).toBeGreaterThan(0.5);
    expect(ham).toBeLessThan(0.5);
    expect(await page.locator('#verdict').textContent()).toMatch(/^Not spam \(spam probability [\d.]+%\)\.$/);
    expect(errors).toEqual([]);
  }, 240_000);

  it('movielens without MovieLens files on the server: matrix factorisation on the synthetic fixture, with a top 10', async () => {
    const { page, errors, state, results } = await shortRun('task=movielens&epochs=5');
    expect(state.source).toContain('synthetic');
    expect(state.history).toHaveLength(5);
    // The same split and model as the Node runner's --data fixture run.
    expect(results.trainRatings).toBe(19756);
    expect(results.testRmse).toBeLessThan(results.itemMeanRmse!);
    expect(results.rmseGain).toBeGreaterThanOrEqual(0.05);
    expect(state.report).toContain('top 10 for user 1 (score = predicted rating, unclipped; movies they have not rated):');
    expect(state.report.filter((l) => /^ +\d+\. [\d.]+ {2}The .* \(\d{4}\) \[.+\]$/.test(l))).toHaveLength(10);
    const chartText = await page.locator('#chart svg').textContent();
    for (const t of ['loss', 'rmse', 'training', 'validation']) expect(chartText).toContain(t);
    expect(await page.locator('#report').textContent()).toContain('top 10 for user 1');
    await screenshot(page, 'browser-movielens.png');
    expect(errors).toEqual([]);
  }, 240_000);

  it.runIf(realMovieLens)(
    'movielens with the real latest-small files served by serve.mjs',
    async () => {
      const { errors, state, results } = await shortRun('task=movielens&epochs=5', realMovieLens);
      expect(state.source).toContain('MovieLens latest-small');
      expect(results.trainRatings).toBe(80669);
      expect(results.testRmse).toBeLessThan(0.9);
      expect(results.rmseGain).toBeGreaterThanOrEqual(0.05);
      expect(state.report.join('\n')).toContain('Shawshank Redemption');
      expect(errors).toEqual([]);
    },
    240_000,
  );

  it('an int8 model made in Node predicts the same bits in the page as in Node, isolated (threads) and not (one thread)', async () => {
    // Trained and quantised here, on Node's build (plain SIMD on Node 20); the page runs Chromium's (relaxed SIMD).
    const models = (await import(join(repoRoot, 'examples', 'models', 'index.mjs'))) as {
      trainMnist: (o: object) => Promise<{ model: { dispose(): void } }>;
      quantizeMnist: (m: object, d: object) => Promise<{ int8: { dispose(): void; layers: Array<{ runs: string }> }; bytes: Uint8Array }>;
      predictDigits: (m: object, d: object) => { probs: Float32Array; accuracy: number; count: number };
    };
    const { loadMnistFiles } = (await import(join(repoRoot, 'examples', 'models', 'mnist-files.mjs'))) as {
      loadMnistFiles: (dir?: string) => Promise<{ digits: object }>;
    };
    const { digits } = await loadMnistFiles(undefined);
    const { model } = await models.trainMnist({ digits, epochs: 1, limit: 2000 });
    const { int8, bytes } = await models.quantizeMnist(model, digits);
    // Both convolutions and the first Dense hand u7 bytes on: the whole int8 chain runs.
    expect(int8.layers.map((l) => l.runs)).toEqual(['int8 → u7', 'fused', 'int8 → u7', 'fused', 'u7', 'int8 → u7', 'int8']);
    const here = models.predictDigits(int8, digits);
    expect(here.accuracy).toBeGreaterThan(0.8);
    const file = join(mkdtempSync(join(tmpdir(), 'wasmml-int8-')), 'mnist-int8.wmlc');
    writeFileSync(file, bytes);
    // The int8 kernels give the same bits on both builds, but the softmax after the last int8 layer runs in float,
    // and the relaxed build fuses its multiply-adds: the page (relaxed SIMD) is compared with Node on the same build,
    // the file loaded from disk as a user would.
    const script = `
      import * as wm from 'wasmml';
      import { predictDigits } from 'wasmml-example-models/compress';
      import { loadMnistFiles } from 'wasmml-example-models/mnist-files';
      const model = await wm.compression.loadCompressed(${JSON.stringify(file)});
      const { digits } = await loadMnistFiles(undefined);
      const { probs, accuracy } = predictDigits(model, digits);
      console.log(JSON.stringify({ variant: wm.backendInfo().variant, accuracy, probs: Array.from(probs) }));
    `;
    const ran = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(repoRoot, 'examples', 'models'),
      env: { WASMML_RELAXED_SIMD: '1' },
    });
    expect(ran.code, output(ran)).toBe(0);
    const node = lastJson<{ variant: string; accuracy: number; probs: number[] }>(ran.stdout)!;
    expect(node.variant).toBe('relaxed-shared');
    // Node's plain-SIMD build (this process) differs from it by the softmax's rounding only.
    expect(node.accuracy).toBe(here.accuracy);
    node.probs.forEach((p, i) => expect(Math.abs(p - here.probs[i]!)).toBeLessThan(1e-6));
    for (const isolation of [true, false]) {
      const { page, errors } = await open(isolation, '', undefined, true);
      await page.locator('#wmlc-file').setInputFiles(file);
      await page.waitForFunction(() => (window as unknown as { wasmmlExample: { compressed?: object } }).wasmmlExample.compressed, null, {
        timeout: 120_000,
      });
      const got = await page.evaluate(
        () => (window as unknown as { wasmmlExample: { compressed: Record<string, unknown> } }).wasmmlExample.compressed,
      );
      expect(got.error).toBeUndefined();
      expect(got.int8).toBe(true);
      expect(got.bytes).toBe(bytes.length);
      expect(got.variant).toMatch(isolation ? /^relaxed-shared$/ : /^relaxed-single$/);
      expect(got.count).toBe(1000);
      expect(got.probs).toEqual(node.probs);
      expect(got.accuracy).toBe(node.accuracy);
      expect(await page.locator('#wmlc-summary').textContent()).toContain(
        `accuracy on 1000 of the embedded digits: ${(node.accuracy * 100).toFixed(2)} %`,
      );
      if (isolation) await screenshot(page, 'browser-int8.png');
      expect(errors).toEqual([]);
    }
    int8.dispose();
    model.dispose();
  }, 300_000);

  it.runIf(python)(
    '"Open a Keras model": a .keras file built by Keras 3 loads from its bytes and predicts what Keras does',
    async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'wasmml-page-keras-')), 'page_cnn.keras');
      const keras = JSON.parse(
        runPython(MAKE_KERAS, { args: [file] })
          .trim()
          .split('\n')
          .pop()!,
      ) as number[];
      const { serve } = (await import(join(exampleDir, 'serve.mjs'))) as { serve: (o: object) => Promise<Server> };
      const server = await serve({ dir: dist, port: 0, isolation: true });
      servers.push(server);
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(server.url);
      await page.locator('#keras-file').setInputFiles(file);
      await page.waitForFunction(
        () =>
          (window as unknown as { wasmmlExample: PageState }).wasmmlExample.keras ||
          (!document.getElementById('keras-summary')!.textContent!.startsWith('loading') &&
            document.getElementById('keras-summary')!.textContent),
        null,
        { timeout: 120_000, polling: 250 },
      );
      const summary = await page.locator('#keras-summary').textContent();
      const loaded = (await stateOf(page)).keras;
      expect(loaded, summary ?? '').toBeDefined();
      expect(loaded!.name).toBe('page_cnn.keras');
      // Conv2D, BatchNormalization, MaxPooling2D, Flatten, Dense, Dense.
      expect(loaded!.layers).toBe(6);
      for (const c of ['Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Dense']) expect(summary).toContain(c);
      expect(loaded!.prediction).toHaveLength(3);
      for (let i = 0; i < 3; i++) expect(Math.abs(loaded!.prediction[i]! - keras[i]!), `class ${i}`).toBeLessThan(1e-4);
      // Not the uniform prediction: the biases moved it, so the check above compares real numbers.
      expect(Math.max(...keras) - Math.min(...keras)).toBeGreaterThan(0.05);
      expect(summary).toContain('prediction on zeros: [');
      expect(errors).toEqual([]);
    },
    240_000,
  );

  it("every task's form defaults pass the form's own validation (the Train button submits them)", async () => {
    const { serve } = (await import(join(exampleDir, 'serve.mjs'))) as { serve: (o: object) => Promise<Server> };
    const server = await serve({ dir: dist, port: 0 });
    servers.push(server);
    const page = await context.newPage();
    for (const task of ['mnist', 'spam', 'movielens', 'gpt']) {
      await page.goto(`${server.url}?task=${task}`);
      const [valid, message] = await page.evaluate(() => {
        const form = document.getElementById('settings') as HTMLFormElement;
        return [form.checkValidity(), [...form.elements].map((e) => (e as HTMLInputElement).validationMessage).join(' ')];
      });
      expect(valid, `${task}: ${message}`).toBe(true);
    }
    await page.close();
  });

  it('gpt: trains the character GPT on Moby Dick, charts the loss, then writes into the page as it samples', async () => {
    const { page, errors, state, results } = await shortRun('task=gpt&epochs=2&limit=4000');
    const generationDone = () =>
      page.waitForFunction(() => (window as unknown as { wasmmlExample: PageState }).wasmmlExample.generation?.done, null, {
        timeout: 60_000,
      });
    expect(state.source).toContain('Moby Dick');
    expect(state.history).toHaveLength(2);
    expect(results.trainWindows).toBe(4000);
    // The Node runner's short run: below the held-out text's bigram baseline, which beats its unigram one.
    expect(results.bigramLoss).toBeLessThan(results.unigramLoss!);
    expect(results.valLoss).toBeLessThan(results.bigramLoss! - 0.05);
    const chartText = await page.locator('#chart svg').textContent();
    for (const t of ['loss', 'training', 'validation']) expect(chartText).toContain(t);

    // After training the page continues the prompt box at once.
    await generationDone();
    const first = (await stateOf(page)).generation!;
    expect(first.error).toBeUndefined();
    expect(first.prompt).toBe('Call me Ishmael. ');
    expect(first.pieces).toBe(200);
    expect(await page.locator('#generated').textContent()).toBe(first.prompt + first.text);
    const like = await likeTheNovel(first.text);
    expect(like.letters).toBeGreaterThan(0.8);
    expect(like.novelWords).toBeGreaterThan(0.12);
    await screenshot(page, 'browser-gpt.png');

    // A prompt of one's own: the text appears piece by piece (the panel seen many
    // times mid-sentence), not all at the end.
    await page.evaluate(() => {
      const lengths: number[] = [];
      (window as unknown as { seenLengths: number[] }).seenLengths = lengths;
      const out = document.getElementById('generated')!;
      new MutationObserver(() => lengths.push(out.textContent!.length)).observe(out, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    await page.locator('#prompt').fill('The whale ');
    await page.locator('#generate').click();
    await generationDone();
    const second = (await stateOf(page)).generation!;
    expect(second.prompt).toBe('The whale ');
    expect([...second.text]).toHaveLength(200);
    const seen = await page.evaluate(() => (window as unknown as { seenLengths: number[] }).seenLengths);
    expect(new Set(seen.filter((n) => n > 'The whale '.length && n < 'The whale '.length + 200)).size).toBeGreaterThan(20);
    expect(await page.locator('#generation').textContent()).toMatch(
      /^200 characters, \d+ tokens\/s\. Edit the prompt and press Generate\.$/,
    );
    // Characters the novel never uses are left out of the prompt, and the page says so.
    await page.locator('#prompt').fill('Queequeg ☃ ');
    await page.locator('#generate').click();
    await page.waitForFunction(
      () => (window as unknown as { wasmmlExample: PageState }).wasmmlExample.generation?.prompt === 'Queequeg ☃ ',
    );
    await generationDone();
    expect(await page.locator('#generation').textContent()).toContain('left out of the prompt: ☃');
    expect(await page.locator('#generated b').textContent()).toBe('Queequeg  ');
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
