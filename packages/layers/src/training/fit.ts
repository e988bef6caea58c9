// fit / trainOnBatch / fitDataset: the training loop.
import {
  checkOptions,
  dispose,
  forkGenerator,
  keep,
  profileScope,
  scalar,
  shuffle,
  variableGrads,
  withGenerator,
  type OptionKeys,
  type Tensor,
} from '@wasmml/tensor';
import { CallbackList, History, toCallbacks, type Callback, type CustomCallbackArgs, type Logs } from '../callbacks/base.js';
import type { LayersModel } from '../model.js';
import type { CompiledState } from './compile.js';
import { progressCallback } from '../callbacks/progress.js';
import { addWeighted, evaluateBatches } from './evaluate.js';
import { range, sampleCount, takeRows, toList, type ModelData } from './data.js';
import { classWeightsPerOutput, sampleWeightsFor, type ClassWeightArg } from './class-weight.js';
import * as ops from '@wasmml/tensor';

/** Arguments of {@link LayersModel.fit} (tfjs `ModelFitArgs`). */
export interface ModelFitArgs {
  /** Samples per gradient step (default 32). */
  batchSize?: number;
  /** Epoch to stop after: training runs from initialEpoch to epochs - 1 (default 1). */
  epochs?: number;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Callbacks (objects, or tfjs-style `{onEpochEnd, ...}` functions) called during training. */
  callbacks?: Callback | CustomCallbackArgs | Array<Callback | CustomCallbackArgs>;
  /** Fraction in (0, 1) of the samples, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /** Inputs and targets evaluated after each epoch (`val_*` logs); takes precedence over validationSplit. */
  validationData?: [ModelData, ModelData];
  /** Whether to shuffle the training samples every epoch (default true). */
  shuffle?: boolean;
  /** Weight of each class in the loss, by class index (per output for several outputs). */
  classWeight?: ClassWeightArg;
  /** Epoch to start at, for resuming training (default 0). */
  initialEpoch?: number;
  /** Batches before an epoch ends (default: all the data). */
  stepsPerEpoch?: number;
  /** Minimum milliseconds between yields to the event loop (default 50). */
  yieldEvery?: number;
}

/** Log keys after 'loss': per-output losses (several outputs only), then metrics. */
function logNames(c: CompiledState): string[] {
  return [...(c.outputNames.length > 1 ? c.outputNames.map((n) => `${n}_loss`) : []), ...c.metrics.flat().map((m) => m.name)];
}

function requireCompiled(model: LayersModel, op: string) {
  if (!model.compiled) throw new Error(`${model.name}.${op}: compile the model first (model.compile({optimizer, loss}))`);
  return model.compiled;
}

/** Result of one training step: the total loss and, for several outputs, each output's own (unweighted) loss. */
export interface StepResult {
  loss: number;
  /** `<output>_loss` for each output when the model has more than one (tfjs/Keras log keys). */
  outputLosses: Record<string, number>;
}

/**
 * One optimisation step on a batch: returns the losses as numbers and updates the
 * compiled metrics. Everything it allocates is freed before it returns.
 */
export function trainStep(model: LayersModel, xs: Tensor[], ys: Tensor[], sampleWeights?: Array<Tensor | undefined>): StepResult {
  const c = requireCompiled(model, 'fit');
  const vars = model.trainableWeights;
  if (vars.length === 0) throw new Error(`${model.name}.fit: the model has no trainable weights (all layers frozen?)`);
  let preds: Tensor[] = [];
  const perOutput: Tensor[] = [];
  let result: { value: Tensor; grads: Record<string, Tensor> } | undefined;
  try {
    result = variableGrads(() => {
      const out = model.execute(xs, { training: true });
      // Kept past the gradient's tidy for the metrics; freed below, also when a loss throws.
      preds = out.map((p) => keep(p));
      return profileScope('loss', () => {
        let total: Tensor | undefined;
        out.forEach((p, i) => {
          let per = c.losses[i]!.call(ys[i]!, p);
          const sw = sampleWeights?.[i];
          if (sw) per = ops.mul(per, per.rank === 1 ? sw : ops.reshape(sw, [sw.shape[0]!, ...new Array<number>(per.rank - 1).fill(1)]));
          const mean = ops.mean(per);
          if (out.length > 1) perOutput.push(keep(mean));
          total = addWeighted(total, mean, c.lossWeights[i]!);
        });
        const reg = model.regularizationLoss();
        total ??= scalar(0);
        return reg ? total.add(reg) : total;
      });
    }, vars);
    const grads = result.grads;
    profileScope('optimizer', () => c.optimizer.applyGradients(grads));
    profileScope('metrics', () => c.metrics.forEach((ms, i) => ms.forEach((m) => m.update(ys[i]!, preds[i]!))));
    const outputLosses: Record<string, number> = {};
    perOutput.forEach((t, i) => {
      outputLosses[`${c.outputNames[i]}_loss`] = t.dataSync()[0]!;
    });
    return { loss: result.value.dataSync()[0]!, outputLosses };
  } finally {
    if (result) {
      dispose(result.grads);
      result.value.dispose();
    }
    dispose(preds);
    dispose(perOutput);
  }
}

/**
 * The callbacks of a fit: progress display, the user's, then History (last, as
 * in Keras, so it records what earlier callbacks add to the logs).
 */
function startCallbacks(
  model: LayersModel,
  c: ReturnType<typeof requireCompiled>,
  args: { verbose?: 0 | 1 | 2; callbacks?: ModelFitArgs['callbacks']; initialEpoch?: number },
  p: { epochs: number; samples: number | null; steps: number | null; batchSize: number | null; doValidation: boolean },
): { history: History; cbs: CallbackList } {
  const history = new History();
  const verbose = args.verbose ?? 1;
  const names = logNames(c);
  const cbs = new CallbackList([...(verbose > 0 ? [progressCallback(verbose)] : []), ...toCallbacks(args.callbacks), history]);
  cbs.setModel(model);
  cbs.setParams({
    ...p,
    initialEpoch: args.initialEpoch ?? 0,
    verbose,
    metrics: ['loss', ...names, ...(p.doValidation ? ['val_loss', ...names.map((m) => `val_${m}`)] : [])],
  });
  model.stopTraining = false;
  return { history, cbs };
}

const FIT_KEYS: OptionKeys<ModelFitArgs> = {
  batchSize: true,
  epochs: true,
  verbose: true,
  callbacks: true,
  validationSplit: true,
  validationData: true,
  shuffle: true,
  classWeight: true,
  initialEpoch: true,
  stepsPerEpoch: true,
  yieldEvery: true,
};
const FIT_DATASET_KEYS: OptionKeys<ModelFitDatasetArgs> = {
  epochs: true,
  batchesPerEpoch: true,
  verbose: true,
  callbacks: true,
  validationData: true,
  initialEpoch: true,
  classWeight: true,
};

export async function fitModel(model: LayersModel, x: ModelData, y: ModelData, args: ModelFitArgs = {}): Promise<History> {
  checkOptions(`${model.name}.fit`, args, FIT_KEYS);
  let xs = toList(model, x, 'inputs', 'fit');
  if (!model.built || model.outputs.length === 0) model.ensureBuilt(xs.map((t) => t.shape));
  let ys = toList(model, y, 'outputs', 'fit');
  const c = requireCompiled(model, 'fit');
  const n0 = sampleCount([xs, ys], model, 'fit');
  const batchSize = args.batchSize ?? 32;
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(batchSize) || batchSize <= 0)
    throw new Error(`${model.name}.fit: batchSize must be a positive integer, got ${batchSize}`);
  let valXs: Tensor[] | undefined, valYs: Tensor[] | undefined;
  const owned: Tensor[] = [];
  if (args.validationData) {
    valXs = toList(model, args.validationData[0], 'inputs', 'fit');
    valYs = toList(model, args.validationData[1], 'outputs', 'fit');
    sampleCount([valXs, valYs], model, 'fit (validationData)');
  } else if (args.validationSplit) {
    const split = args.validationSplit;
    if (!(split > 0 && split < 1)) throw new Error(`${model.name}.fit: validationSplit must be in (0, 1), got ${split}`);
    const at = Math.floor(n0 * (1 - split));
    const trainIds = range(0, at),
      valIds = range(at, n0);
    const [tx, ty, vx, vy] = [takeRows(xs, trainIds), takeRows(ys, trainIds), takeRows(xs, valIds), takeRows(ys, valIds)];
    owned.push(...tx!, ...ty!, ...vx!, ...vy!);
    [xs, ys, valXs, valYs] = [tx!, ty!, vx!, vy!];
  }
  const classWeights = args.classWeight
    ? classWeightsPerOutput(args.classWeight, c.outputNames.length > 0 ? c.outputNames : [model.name], `${model.name}.fit`)
    : undefined;
  const n = xs[0]!.shape[0]!;
  const stepsPerEpoch = args.stepsPerEpoch ?? Math.ceil(n / batchSize);
  // This run's own random stream (shuffles, dropout), forked before the first
  // await: fits interleaved from several async tasks each draw what they would alone.
  const stream = forkGenerator();
  const { history, cbs } = startCallbacks(model, c, args, {
    epochs,
    samples: n,
    steps: stepsPerEpoch,
    batchSize,
    doValidation: !!valXs,
  });
  const yieldEvery = args.yieldEvery ?? 50;
  let lastYield = Date.now();
  try {
    await cbs.onTrainBegin();
    for (let epoch = args.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
      await cbs.onEpochBegin(epoch);
      for (const ms of c.metrics) for (const m of ms) m.reset();
      const order = range(0, n);
      if (args.shuffle ?? true) withGenerator(stream, () => shuffle(order));
      let lossSum = 0,
        seen = 0;
      const outSums: Record<string, number> = {};
      for (let step = 0; step < stepsPerEpoch; step++) {
        const start = (step * batchSize) % n;
        const ids = order.subarray(start, Math.min(start + batchSize, n));
        await cbs.onBatchBegin(step, { batch: step, size: ids.length });
        // One index upload for inputs and targets together; the rows are gathered inside the arena.
        const rows = takeRows([...xs, ...ys], ids);
        const bx = rows.slice(0, xs.length),
          by = rows.slice(xs.length);
        const sw: Array<Tensor | undefined> = [];
        let r: StepResult;
        try {
          if (classWeights) classWeights.forEach((cw, i) => sw.push(cw ? sampleWeightsFor(by[i]!, cw, `${model.name}.fit`) : undefined));
          r = withGenerator(stream, () => trainStep(model, bx, by, classWeights ? sw : undefined));
        } finally {
          dispose([bx, by]);
          dispose(sw.filter((t): t is Tensor => t !== undefined));
        }
        lossSum += r.loss * ids.length;
        seen += ids.length;
        for (const [k, v] of Object.entries(r.outputLosses)) outSums[k] = (outSums[k] ?? 0) + v * ids.length;
        const logs: Logs = { batch: step, size: ids.length, loss: r.loss, ...r.outputLosses };
        for (const ms of c.metrics) for (const m of ms) logs[m.name] = m.result();
        await cbs.onBatchEnd(step, logs);
        if (Date.now() - lastYield >= yieldEvery) {
          await new Promise((r) => setTimeout(r, 0));
          lastYield = Date.now();
        }
        if (model.stopTraining) break;
      }
      const epochLogs: Logs = { loss: lossSum / Math.max(1, seen) };
      for (const [k, v] of Object.entries(outSums)) epochLogs[k] = v / Math.max(1, seen);
      for (const ms of c.metrics) for (const m of ms) epochLogs[m.name] = m.result();
      if (valXs && valYs) {
        const v = evaluateBatches(model, valXs, valYs, batchSize);
        epochLogs.val_loss = v.loss;
        for (const [k, val] of Object.entries(v.metrics)) epochLogs[`val_${k}`] = val;
      }
      await cbs.onEpochEnd(epoch, epochLogs);
    }
    await cbs.onTrainEnd();
  } finally {
    dispose(owned);
  }
  return history;
}

/** One step on one batch (tfjs `trainOnBatch`): the loss, or [loss, ...metrics]. */
export async function trainOnBatch(model: LayersModel, x: ModelData, y: ModelData): Promise<number | number[]> {
  const xs = toList(model, x, 'inputs', 'trainOnBatch');
  if (!model.built || model.outputs.length === 0) model.ensureBuilt(xs.map((t) => t.shape));
  const ys = toList(model, y, 'outputs', 'trainOnBatch');
  sampleCount([xs, ys], model, 'trainOnBatch');
  const c = requireCompiled(model, 'trainOnBatch');
  for (const ms of c.metrics) for (const m of ms) m.reset();
  const r = trainStep(model, xs, ys);
  const rest = [...Object.values(r.outputLosses), ...c.metrics.flat().map((m) => m.result())];
  return rest.length === 0 ? r.loss : [r.loss, ...rest];
}

/** An iterator over {xs, ys} batches. */
interface BatchIterator {
  next(): Promise<IteratorResult<{ xs: ModelData; ys: ModelData }>>;
}

/** A dataset of {xs, ys} batches: async-iterable (a @wasmml/datasets Dataset) or with tfjs's `iterator()`. */
export interface BatchDataset {
  /** tfjs-style: returns an iterator over the batches. */
  iterator?: () => Promise<BatchIterator> | BatchIterator;
  /** An async iterator over the batches (used first when present). */
  [Symbol.asyncIterator]?: () => AsyncIterator<{
    /** Inputs of the batch: a tensor, a list or a map by input name. */
    xs: ModelData;
    /** Targets of the batch: a tensor, a list or a map by output name. */
    ys: ModelData;
  }>;
}

/** Arguments of {@link LayersModel.fitDataset} (tfjs `ModelFitDatasetArgs`). */
export interface ModelFitDatasetArgs {
  /** Epoch to stop after: training runs from initialEpoch to epochs - 1 (default 1). */
  epochs?: number;
  /** Batches per epoch (default: until the dataset ends; it is iterated afresh each epoch). */
  batchesPerEpoch?: number;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Callbacks (objects, or tfjs-style `{onEpochEnd, ...}` functions) called during training. */
  callbacks?: Callback | CustomCallbackArgs | Array<Callback | CustomCallbackArgs>;
  /** A dataset, or inputs and targets, evaluated after each epoch (`val_*` logs). */
  validationData?: BatchDataset | [ModelData, ModelData];
  /** Epoch to start at, for resuming training (default 0). */
  initialEpoch?: number;
  /** Weight of each class in the loss, by class index (per output for several outputs). */
  classWeight?: ClassWeightArg;
}

async function* batches(ds: BatchDataset): AsyncGenerator<{ xs: ModelData; ys: ModelData }> {
  if (ds[Symbol.asyncIterator]) {
    yield* { [Symbol.asyncIterator]: ds[Symbol.asyncIterator]!.bind(ds) } as AsyncIterable<{ xs: ModelData; ys: ModelData }>;
    return;
  }
  if (!ds.iterator) throw new Error('fitDataset: the dataset must be async-iterable or have iterator()');
  const it = await ds.iterator();
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

/** Trains from a dataset yielding {xs, ys} batches (tfjs `fitDataset`). */
export async function fitDatasetModel(model: LayersModel, dataset: BatchDataset, args: ModelFitDatasetArgs = {}): Promise<History> {
  checkOptions(`${model.name}.fitDataset`, args, FIT_DATASET_KEYS);
  const c = requireCompiled(model, 'fitDataset');
  const epochs = args.epochs ?? 1;
  const stream = forkGenerator();
  const { history, cbs } = startCallbacks(model, c, args, {
    epochs,
    samples: null,
    steps: args.batchesPerEpoch ?? null,
    batchSize: null,
    doValidation: !!args.validationData,
  });
  await cbs.onTrainBegin();
  for (let epoch = args.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
    await cbs.onEpochBegin(epoch);
    for (const ms of c.metrics) for (const m of ms) m.reset();
    let lossSum = 0,
      seen = 0,
      step = 0;
    const outSums: Record<string, number> = {};
    for await (const b of batches(dataset)) {
      const xs = toList(model, b.xs, 'inputs', 'fitDataset');
      if (!model.built || model.outputs.length === 0) model.ensureBuilt(xs.map((t) => t.shape));
      const ys = toList(model, b.ys, 'outputs', 'fitDataset');
      const size = sampleCount([xs, ys], model, 'fitDataset');
      await cbs.onBatchBegin(step, { batch: step, size });
      const names = c.outputNames.length > 0 ? c.outputNames : [model.name];
      const sw: Array<Tensor | undefined> = [];
      let r: StepResult;
      try {
        if (args.classWeight) {
          classWeightsPerOutput(args.classWeight, names, `${model.name}.fitDataset`).forEach((cw, i) =>
            sw.push(cw ? sampleWeightsFor(ys[i]!, cw, `${model.name}.fitDataset`) : undefined),
          );
        }
        r = withGenerator(stream, () => trainStep(model, xs, ys, args.classWeight ? sw : undefined));
      } finally {
        dispose([xs, ys]);
        dispose(sw.filter((t): t is Tensor => t !== undefined));
      }
      lossSum += r.loss * size;
      seen += size;
      for (const [k, v] of Object.entries(r.outputLosses)) outSums[k] = (outSums[k] ?? 0) + v * size;
      const logs: Logs = { batch: step, size, loss: r.loss, ...r.outputLosses };
      for (const ms of c.metrics) for (const m of ms) logs[m.name] = m.result();
      await cbs.onBatchEnd(step, logs);
      step++;
      if (model.stopTraining || (args.batchesPerEpoch !== undefined && step >= args.batchesPerEpoch)) break;
    }
    const epochLogs: Logs = { loss: lossSum / Math.max(1, seen) };
    for (const [k, v] of Object.entries(outSums)) epochLogs[k] = v / Math.max(1, seen);
    for (const ms of c.metrics) for (const m of ms) epochLogs[m.name] = m.result();
    if (args.validationData) {
      const v = Array.isArray(args.validationData)
        ? evaluateBatches(
            model,
            toList(model, args.validationData[0], 'inputs', 'fitDataset'),
            toList(model, args.validationData[1], 'outputs', 'fitDataset'),
            32,
          )
        : await evaluateDatasetBatches(model, args.validationData);
      epochLogs.val_loss = v.loss;
      for (const [k, val] of Object.entries(v.metrics)) epochLogs[`val_${k}`] = val;
    }
    await cbs.onEpochEnd(epoch, epochLogs);
  }
  await cbs.onTrainEnd();
  return history;
}

/** Loss and metrics over a dataset of batches. */
export async function evaluateDatasetBatches(
  model: LayersModel,
  ds: BatchDataset,
): Promise<{ loss: number; metrics: Record<string, number> }> {
  const c = requireCompiled(model, 'evaluateDataset');
  for (const ms of c.metrics) for (const m of ms) m.reset();
  let lossSum = 0,
    seen = 0;
  const outSums: Record<string, number> = {};
  const lossKeys = c.losses.length > 1 ? c.outputNames.map((n) => `${n}_loss`) : [];
  for await (const b of batches(ds)) {
    const xs = toList(model, b.xs, 'inputs', 'evaluateDataset');
    if (!model.built || model.outputs.length === 0) model.ensureBuilt(xs.map((t) => t.shape));
    const ys = toList(model, b.ys, 'outputs', 'evaluateDataset');
    const size = sampleCount([xs, ys], model, 'evaluateDataset');
    try {
      const r = evaluateBatches(model, xs, ys, size, false);
      lossSum += r.loss * size;
      seen += size;
      for (const k of lossKeys) outSums[k] = (outSums[k] ?? 0) + r.metrics[k]! * size;
    } finally {
      dispose([xs, ys]);
    }
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(outSums)) metrics[k] = v / Math.max(1, seen);
  for (const ms of c.metrics) for (const m of ms) metrics[m.name] = m.result();
  return { loss: lossSum / Math.max(1, seen), metrics };
}
