// Issue 14: searches over the learning rate, units and dropout of the MNIST MLP on
// real digits (2,000 to train, 1,000 to validate, 3 epochs per trial).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wm from '@wasmml/tensor';
import { HyperParameters, Hyperband, RandomSearch, BayesianOptimization } from '../src/index.js';
import { mlp, mnistSplit } from './helpers.js';

let data: Awaited<ReturnType<typeof mnistSplit>>;
const EPOCHS = 3;
const fitArgs = () => ({ epochs: EPOCHS, batchSize: 32, validationData: [data.val.x, data.val.y] as [wm.Tensor, wm.Tensor] });
let baseline = 0;
let randomBest = 0,
  randomEpochs = 0;
/** Cumulative epochs of the random search, trial by trial, with each trial's score. */
let randomCurve: Array<{ epochs: number; score: number }> = [];

beforeAll(async () => {
  data = await mnistSplit(2000, 1000);
  // The hand-set baseline: the defaults of the hypermodel (128 units, no dropout, Adam 1e-3).
  wm.setSeed(11);
  const model = mlp(new HyperParameters());
  const h = await model.fit(data.train.x, data.train.y, { ...fitArgs(), verbose: 0 });
  baseline = Math.max(...(h.history.val_acc ?? h.history.val_accuracy)!);
  model.dispose();
  console.log(JSON.stringify({ case: 'baseline', valAccuracy: baseline }));
});

afterAll(() => wm.dispose([data.train.x, data.train.y, data.val.x, data.val.y]));

describe('search on the MNIST MLP', () => {
  it('RandomSearch reaches the hand-set baseline within 20 trials', async () => {
    const tuner = new RandomSearch({ hypermodel: mlp, objective: 'val_accuracy', maxTrials: 20, seed: 5, verbose: 0 });
    await tuner.search(data.train.x, data.train.y, fitArgs());
    const best = tuner.bestTrials(1)[0]!;
    randomBest = best.score!;
    randomEpochs = tuner.totalEpochs();
    let sum = 0;
    randomCurve = tuner.trials.map((t) => ({ epochs: (sum += t.metrics.loss!.length), score: t.score! }));
    console.log(JSON.stringify({ case: 'random-search', best: best.score, hp: best.hyperparameters, totalEpochs: randomEpochs }));
    tuner.resultsSummary(5);
    expect(tuner.trials).toHaveLength(20);
    expect(best.score!).toBeGreaterThanOrEqual(baseline);
    const [model] = await tuner.getBestModels(1);
    const [, acc] = (model!.evaluate(data.val.x, data.val.y) as wm.Tensor[]).map((t) => t.dataSync()[0]!);
    // The best model's weights are those at the end of its training; its score is the best epoch's.
    expect(acc).toBeCloseTo(best.metrics.val_acc?.at(-1) ?? best.metrics.val_accuracy!.at(-1)!, 5);
    model!.dispose();
  });
});

describe('Hyperband, Bayesian optimisation, seeds, resuming and errors on the MNIST MLP', () => {
  it('Hyperband reaches the baseline with fewer total epochs than the random search spent to reach the same best', async () => {
    const tuner = new Hyperband({
      hypermodel: mlp,
      objective: 'val_accuracy',
      maxEpochs: EPOCHS,
      factor: 3,
      hyperbandIterations: 3,
      seed: 5,
      verbose: 0,
    });
    await tuner.search(data.train.x, data.train.y, fitArgs());
    const best = tuner.bestTrials(1)[0]!;
    const promoted = tuner.trials.filter((t) => t.parentId !== undefined);
    // What the random search had spent when it first reached Hyperband's best (all of it if it never did).
    const randomToSameBest = randomCurve.find((p) => p.score >= best.score!)?.epochs ?? randomEpochs;
    console.log(
      JSON.stringify({
        case: 'hyperband',
        best: best.score,
        hp: best.hyperparameters,
        totalEpochs: tuner.totalEpochs(),
        trials: tuner.trials.length,
        random: {
          best: randomBest,
          totalEpochs: randomEpochs,
          epochsToHyperbandBest: randomToSameBest,
        },
        baseline,
      }),
    );
    expect(promoted.length).toBeGreaterThan(0);
    // A promoted trial trains only the epochs its parent did not.
    for (const t of promoted) expect(t.metrics.loss!.length).toBe(t.epochs - t.initialEpoch);
    expect(best.score!).toBeGreaterThanOrEqual(baseline);
    expect(tuner.totalEpochs()).toBeLessThan(randomEpochs);
    // The comparison: fewer epochs than the random search needed for the same best value.
    expect(tuner.totalEpochs()).toBeLessThan(randomToSameBest);
  });

  it('BayesianOptimization reaches the baseline within 12 trials', async () => {
    const tuner = new BayesianOptimization({
      hypermodel: mlp,
      objective: 'val_accuracy',
      maxTrials: 12,
      numInitialPoints: 4,
      seed: 5,
      verbose: 0,
    });
    await tuner.search(data.train.x, data.train.y, fitArgs());
    const best = tuner.bestTrials(1)[0]!;
    console.log(JSON.stringify({ case: 'bayesian', best: best.score, hp: best.hyperparameters, totalEpochs: tuner.totalEpochs() }));
    expect(best.score!).toBeGreaterThanOrEqual(baseline);
  });

  it('the same seed gives the same trials (values and scores); another seed other values', async () => {
    const run = async (seed: number) => {
      const tuner = new RandomSearch({ hypermodel: mlp, objective: 'val_loss', maxTrials: 3, seed, verbose: 0 });
      await tuner.search(data.train.x, data.train.y, { ...fitArgs(), epochs: 1 });
      return tuner.trials.map((t) => ({ hp: t.hyperparameters, score: t.score }));
    };
    const before = wm.memory().numTensors;
    const [a, b, c] = [await run(21), await run(21), await run(22)];
    expect(wm.memory().numTensors).toBe(before);
    expect(b).toEqual(a);
    expect(c.map((t) => t.hp)).not.toEqual(a.map((t) => t.hp));
  });

  it('parallelTrials 2 runs every trial with the values of the sequential search; shared callback objects are refused', async () => {
    const run = async (parallelTrials: number) => {
      const tuner = new RandomSearch({ hypermodel: mlp, objective: 'val_accuracy', maxTrials: 4, seed: 31, parallelTrials, verbose: 0 });
      let ends = 0;
      await tuner.search(data.train.x, data.train.y, {
        ...fitArgs(),
        epochs: 1,
        callbacks: () => ({
          onTrainEnd: () => {
            ends++;
          },
        }),
      });
      expect(ends).toBe(4);
      return tuner.trials;
    };
    const [seq, par] = [await run(1), await run(2)];
    expect(par.map((t) => t.hyperparameters)).toEqual(seq.map((t) => t.hyperparameters));
    expect(par.every((t) => t.status === 'COMPLETED' && t.score! > 0.5)).toBe(true);
    const tuner = new RandomSearch({ hypermodel: mlp, objective: 'val_accuracy', maxTrials: 2, parallelTrials: 2, verbose: 0 });
    await expect(tuner.search(data.train.x, data.train.y, { ...fitArgs(), callbacks: [{ onEpochEnd: () => {} }] })).rejects.toThrow(
      /with parallelTrials > 1 pass callbacks as a function/,
    );
  });

  it('a search saved in a project directory resumes: finished trials are skipped, the rest continue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmml-tuner-'));
    try {
      let builds = 0;
      const counted = (hp: HyperParameters) => {
        builds++;
        return mlp(hp);
      };
      const args = { hypermodel: counted, objective: 'val_accuracy', directory: dir, projectName: 'mlp', seed: 8, verbose: 0 as const };
      const first = new RandomSearch({ ...args, maxTrials: 2 });
      await first.search(data.train.x, data.train.y, { ...fitArgs(), epochs: 1 });
      const saved = JSON.parse(readFileSync(join(dir, 'mlp', 'oracle.json'), 'utf8')) as { trials: unknown[] };
      expect(saved.trials).toHaveLength(2);
      builds = 0;
      const resumed = new RandomSearch({ ...args, maxTrials: 4 });
      await resumed.search(data.train.x, data.train.y, { ...fitArgs(), epochs: 1 });
      expect(builds).toBe(2); // two new trials; the space came from disk
      expect(resumed.trials.slice(0, 2)).toEqual(first.trials);
      // The same trials as one uninterrupted 4-trial search.
      const whole = new RandomSearch({ hypermodel: mlp, objective: 'val_accuracy', maxTrials: 4, seed: 8, verbose: 0 });
      await whole.search(data.train.x, data.train.y, { ...fitArgs(), epochs: 1 });
      expect(resumed.trials.map((t) => [t.hyperparameters, t.score])).toEqual(whole.trials.map((t) => [t.hyperparameters, t.score]));
      const [model] = await resumed.getBestModels();
      expect(model!.countParams()).toBeGreaterThan(0);
      model!.dispose();
      await expect(new Hyperband({ ...args, maxEpochs: 3 }).search(data.train.x, data.train.y, fitArgs())).rejects.toThrow(
        /holds a RandomSearch search/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an objective that is not logged stops the search with the logged names, and records nothing', async () => {
    const tuner = new RandomSearch({ hypermodel: mlp, objective: { name: 'val_acuracy', direction: 'max' }, maxTrials: 2, verbose: 0 });
    await expect(tuner.search(data.train.x, data.train.y, { ...fitArgs(), epochs: 1 })).rejects.toThrow(
      /objective 'val_acuracy' is not among the logged values \(loss, acc(uracy)?, val_loss, val_acc(uracy)?\)/,
    );
    expect(tuner.trials).toHaveLength(0);
    const before = wm.memory().numTensors;
    await expect(tuner.search(data.train.x, data.train.y, { ...fitArgs(), epochs: 1 })).rejects.toThrow(/not among the logged values/);
    expect(wm.memory().numTensors).toBe(before);
  });

  it('bad hyper-parameters in the hypermodel reject the search with the hyper-parameter named', async () => {
    const search = (build: (hp: HyperParameters) => ReturnType<typeof mlp>) =>
      new RandomSearch({ hypermodel: build, objective: 'val_loss', maxTrials: 1, verbose: 0 }).search(data.train.x, data.train.y, {
        ...fitArgs(),
        epochs: 1,
      });
    await expect(
      search((hp) => {
        hp.choice('act', []);
        return mlp(hp);
      }),
    ).rejects.toThrow(/hp.choice\('act'\): values must be a non-empty array/);
    await expect(
      search((hp) => {
        hp.float('lr', 0.1, 0.01);
        return mlp(hp);
      }),
    ).rejects.toThrow(/hp.float\('lr'\): minValue 0.1 is greater than maxValue 0.01/);
    await expect(
      search((hp) => {
        const m = mlp(hp);
        hp.get('learningrate');
        return m;
      }),
    ).rejects.toThrow(/no hyper-parameter named 'learningrate' \(did you mean 'learningRate'\?\); known: units, dropout, learningRate/);
    expect(() => new RandomSearch({ hypermodel: mlp, objective: 'val_accuracy', maxTrial: 3 } as never)).toThrow(
      /unknown option 'maxTrial'; did you mean 'maxTrials'\?/,
    );
    expect(() => new RandomSearch({ hypermodel: mlp, objective: 'val_score' })).toThrow(/cannot tell whether objective 'val_score'/);
    await expect(
      new RandomSearch({ hypermodel: mlp, objective: 'val_loss', verbose: 0 }).search(data.train.x, data.train.y, { epochs: 1 }),
    ).rejects.toThrow(/validation value; pass validationData or validationSplit/);
  });
});
