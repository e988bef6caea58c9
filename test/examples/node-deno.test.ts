// The Node and Deno examples in their short (--quick) mode, as a user runs them:
// real training runs that must learn (the MNIST CNN on the embedded digits, the
// spam classifier on the SpamAssassin corpus, matrix factorisation on MovieLens
// ratings: the synthetic fixture always, the real files when they are beside
// the checkout; a character-level GPT on Moby Dick, then a sample it writes),
// a line per epoch, and the training-history chart as SVG.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { movieLensDir } from '@wasmml/test-utils/data';
import { denoBin, has, lastJson, output, repoRoot, requireTool, run } from '../helpers.js';
import { likeTheNovel } from './novel.js';

interface Result {
  task: string;
  runtime: string;
  chart: string;
  threads: number;
  [metric: string]: number | string;
}

type Runtime = 'node' | 'deno';

/** Runs one example task in --quick mode on two threads, writing the chart to a fresh directory. */
async function quickRun(runtime: Runtime, args: string[]) {
  const out = mkdtempSync(join(tmpdir(), `wasmml-${runtime}-example-`));
  const common = ['--quick', '--json', '--threads', '2', '--out', out, ...args];
  const r =
    runtime === 'node'
      ? await run(process.execPath, ['examples/node/main.mjs', ...common])
      : await run(denoBin, ['run', '--allow-read', '--allow-env', `--allow-write=${out}`, 'main.ts', ...common], {
          cwd: join(repoRoot, 'examples', 'deno'),
          env: { NO_COLOR: '1' },
        });
  expect(r.code, output(r)).toBe(0);
  const res = lastJson<Result>(r.stdout);
  expect(res, output(r)).toBeDefined();
  expect(res!.runtime).toBe(runtime);
  expect(res!.threads).toBe(2);
  expect(res!.chart).toBe(join(out, `${res!.task}-history.svg`));
  return { r, res: res!, svg: readFileSync(res!.chart, 'utf8') };
}

function expectChart(svg: string, texts: string[]) {
  expect(svg.startsWith('<svg')).toBe(true);
  for (const text of ['epoch', 'training', 'validation', ...texts]) expect(svg).toContain(`>${text}</text>`);
}

function checkMnist({ r, res, svg }: Awaited<ReturnType<typeof quickRun>>) {
  expect(res.trainSamples).toBe(2000);
  // Two epochs over 2,000 real digits: a CNN that learns is near 90% on the held-out tenth.
  expect(res.valAccuracy).toBeGreaterThan(0.85);
  if (res.testAccuracy !== undefined) expect(res.testAccuracy).toBeGreaterThan(0.85);
  expect(r.stdout).toMatch(/Epoch 1\/2 .*loss [\d.]+, acc [\d.]+, val_loss/);
  expect(r.stdout).toMatch(/Epoch 2\/2 /);
  expectChart(svg, ['loss', 'accuracy']);
}

function checkSpam({ r, res, svg }: Awaited<ReturnType<typeof quickRun>>) {
  // 1,000 training e-mails, scored on the whole held-out fifth of the 6,046.
  expect(res.trainTexts).toBe(1000);
  expect(res.testTexts).toBe(1210);
  // Two epochs of the LSTM on 1,000 e-mails: about 94 %; a model that does not learn says "ham" (69 %).
  expect(res.testAccuracy).toBeGreaterThan(0.85);
  expect(res.spamF1).toBeGreaterThan(0.75);
  expect(r.stdout).toMatch(/Epoch 2\/2 .*loss [\d.]+, acc [\d.]+, val_loss [\d.]+, val_acc [\d.]+/);
  expect(r.stdout).toMatch(/confusion \(rows: true ham, spam; columns: predicted ham, spam\): \[\d+, \d+\], \[\d+, \d+\]/);
  expectChart(svg, ['loss', 'accuracy']);
}

function checkMovieLens({ r, res, svg }: Awaited<ReturnType<typeof quickRun>>) {
  // Matrix factorisation beats both baselines on held-out ratings, the item mean by 5 % or more.
  expect(res.testRmse).toBeLessThan(res.itemMeanRmse as number);
  expect(res.itemMeanRmse).toBeLessThan(res.globalMeanRmse as number);
  expect(res.rmseGain).toBeGreaterThanOrEqual(0.05);
  expect(r.stdout).toMatch(/Epoch 5\/5 .*loss [\d.]+, rmse [\d.]+, val_rmse [\d.]+/);
  // Ten recommendations with titles and genres.
  expect(r.stdout).toContain('top 10 for user 1');
  expect(r.stdout.match(/^ +\d+\. [\d.]+ {2}\S.* \(\d{4}\) \[.+\]$/gm)).toHaveLength(10);
  expectChart(svg, ['loss', 'rmse']);
}

async function checkGpt({ r, res, svg }: Awaited<ReturnType<typeof quickRun>>) {
  // 4,000 windows of 64 characters, two epochs; validated on 512 held-out windows.
  expect(res.trainWindows).toBe(4000);
  expect(res.trainTokens).toBe(2 * 4000 * 64);
  // The baselines are the held-out text's: a bigram model beats a unigram one, and
  // the short run beats both (guessing among the 89 characters scores 4.49 nats; the
  // unigram level, where training first stalls, 3.06; the short run reaches 2.2-2.3).
  expect(res.bigramLoss).toBeLessThan(res.unigramLoss as number);
  expect(res.valLoss).toBeLessThan((res.bigramLoss as number) - 0.05);
  expect(r.stdout).toMatch(/Epoch 2\/2 .*loss [\d.]+, val_loss [\d.]+/);
  expect(r.stdout).toMatch(/validation loss [\d.]+ nats per character; baselines on the held-out text: unigram [\d.]+, bigram [\d.]+/);
  // The sample, 200 characters after the prompt, printed as it was written.
  const sample = res.sample as string;
  expect([...sample]).toHaveLength(200);
  expect(r.stdout).toContain(`sample: Call me Ishmael. ${sample}\n`);
  expect(res.sampleTokensPerSecond).toBeGreaterThan(0);
  const like = await likeTheNovel(sample);
  expect(like.letters).toBeGreaterThan(0.8);
  expect(like.novelWords).toBeGreaterThan(0.12);
  expectChart(svg, ['loss']);
}

const realMovieLens = movieLensDir('examples tests');

describe('examples, short runs', () => {
  it('node examples/node/main.mjs --quick trains the MNIST CNN and writes the chart', async () => {
    checkMnist(await quickRun('node', []));
  });

  it('node --task spam --quick trains the LSTM spam classifier on SpamAssassin', async () => {
    checkSpam(await quickRun('node', ['--task', 'spam']));
  });

  it('node movielens --quick --data fixture trains matrix factorisation on the synthetic fixture', async () => {
    const run = await quickRun('node', ['movielens', '--data', 'fixture']);
    expect(run.r.stdout).toContain('data (ratings): the synthetic MovieLens-format fixture');
    expect(run.res.trainRatings).toBe(19756);
    checkMovieLens(run);
  });

  it.runIf(realMovieLens)('node movielens --quick trains on the real MovieLens latest-small beside the checkout', async () => {
    const run = await quickRun('node', ['movielens', '--data', realMovieLens!]);
    expect(run.res.trainRatings).toBe(80669);
    expect(run.res.testRatings).toBe(20167);
    expect(run.res.testRmse).toBeLessThan(0.9);
    expect(run.r.stdout).toContain('Shawshank Redemption');
    checkMovieLens(run);
  });

  it('node --task gpt --quick trains a character-level GPT on Moby Dick and streams a sample', async () => {
    await checkGpt(await quickRun('node', ['--task', 'gpt']));
  });

  it('the Node runner lists the tasks and rejects unknown tasks and bad flags with a reason', async () => {
    const list = await run(process.execPath, ['examples/node/main.mjs', '--list']);
    expect(list.code, output(list)).toBe(0);
    expect(list.stdout).toMatch(/^mnist +MNIST digits/m);
    expect(list.stdout).toMatch(/^spam +SpamAssassin/m);
    expect(list.stdout).toMatch(/^movielens +MovieLens/m);
    expect(list.stdout).toMatch(/^gpt +Moby Dick/m);
    expect(list.stdout).not.toContain('pending');
    const bad = await run(process.execPath, ['examples/node/main.mjs', 'cifar']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown task 'cifar' (known: mnist, spam, movielens, gpt)");
    const both = await run(process.execPath, ['examples/node/main.mjs', 'spam', '--task', 'movielens']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("two different tasks given: 'spam' and --task 'movielens'");
    const flag = await run(process.execPath, ['examples/node/main.mjs', '--epochs', 'two']);
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toContain('expected a positive integer');
  });

  describe.runIf(requireTool(has(denoBin), `deno (${denoBin})`))('under Deno', () => {
    it('deno run examples/deno/main.ts --quick trains the MNIST CNN with two threads', async () => {
      checkMnist(await quickRun('deno', []));
    });

    it('deno run main.ts --task spam --quick trains the spam classifier', async () => {
      checkSpam(await quickRun('deno', ['--task', 'spam']));
    });

    it('deno run main.ts --task movielens --quick trains matrix factorisation on the fixture', async () => {
      checkMovieLens(await quickRun('deno', ['--task', 'movielens', '--data', 'fixture']));
    });

    it('deno run main.ts --task gpt --quick trains the Moby Dick GPT and streams a sample', async () => {
      await checkGpt(await quickRun('deno', ['--task', 'gpt']));
    });
  });
});
