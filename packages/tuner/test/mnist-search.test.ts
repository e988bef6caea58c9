// Issue 14: searches over the learning rate, units and dropout of the MNIST MLP on
// real digits (2,000 to train, 1,000 to validate, 3 epochs per trial).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wm from '@wasmml/tensor';
import { HyperParameters, Hyperband, RandomSearch, BayesianOptimization, MedianPruner } from '../src/index.js';
import { mlp, mnistSplit } from './helpers.js';

let data: Awaited<ReturnType<typeof mnistSplit>>;
const EPOCHS = 3;
const fitArgs = () => ({ epochs: EPOCHS, batchSize: 32, validationData: [data.val.x, data.val.y] as [wm.Tensor, wm.Tensor] });
let baseline = 0;
let randomBest = 0, randomEpochs = 0;

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
