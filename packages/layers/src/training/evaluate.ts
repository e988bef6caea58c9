// evaluate and predict: batched forward passes with training off.
import { checkOptions, concat, dispose, scalar, tidy, type Tensor } from '@wasmml/tensor';
import * as ops from '@wasmml/tensor';
import type { LayersModel } from '../model.js';
import { range, sampleCount, takeRows, toList, type ModelData } from './data.js';

/** `total + weight * loss` (just `loss` for the first output of weight 1: no scalar uploaded per step). */
export function addWeighted(total: Tensor | undefined, loss: Tensor, weight: number): Tensor {
  const term = weight === 1 ? loss : loss.mul(weight);
  return total === undefined ? term : total.add(term);
}

/** Mean loss and metric results over the data, in batches. */
export function evaluateBatches(
  model: LayersModel,
  xs: Tensor[],
  ys: Tensor[],
  batchSize: number,
  resetMetrics = true,
): { loss: number; metrics: Record<string, number> } {
  const c = model.compiled;
  if (!c) throw new Error(`${model.name}.evaluate: compile the model first`);
  if (resetMetrics) for (const ms of c.metrics) for (const m of ms) m.reset();
  const n = sampleCount([xs, ys], model, 'evaluate');
  let lossSum = 0;
  const outSums = new Float64Array(c.losses.length);
  for (let start = 0; start < n; start += batchSize) {
    const ids = range(start, Math.min(n, start + batchSize));
    const whole = start === 0 && ids.length === n;
    const rows = whole ? [...xs, ...ys] : takeRows([...xs, ...ys], ids);
    const bx = rows.slice(0, xs.length),
      by = rows.slice(xs.length);
    try {
      lossSum +=
        tidy(() => {
          const preds = model.execute(bx, { training: false });
          let total: Tensor | undefined;
          preds.forEach((p, i) => {
            const mean = ops.mean(c.losses[i]!.call(by[i]!, p));
            if (preds.length > 1) outSums[i]! += mean.dataSync()[0]! * ids.length;
            total = addWeighted(total, mean, c.lossWeights[i]!);
            for (const m of c.metrics[i]!) m.update(by[i]!, p);
          });
          return total === undefined ? 0 : total.dataSync()[0]!;
        }) * ids.length;
    } finally {
      if (!whole) dispose(rows);
    }
  }
  // Per-output losses first (several outputs only), then metrics: tfjs's order of evaluate() results.
  const metrics: Record<string, number> = {};
  if (c.losses.length > 1)
    c.outputNames.forEach((name, i) => {
      metrics[`${name}_loss`] = n === 0 ? 0 : outSums[i]! / n;
    });
  for (const ms of c.metrics) for (const m of ms) metrics[m.name] = m.result();
  return { loss: n === 0 ? 0 : lossSum / n, metrics };
}

/** Arguments of {@link LayersModel.evaluate} and {@link LayersModel.predict} (tfjs `ModelEvaluateArgs`/`ModelPredictArgs`). */
export interface ModelPredictArgs {
  /** Samples per forward pass (default 32). */
  batchSize?: number;
  /** Accepted for tfjs compatibility; evaluate and predict print nothing. */
  verbose?: number;
}

const PREDICT_KEYS = { batchSize: true, verbose: true } as const;

/** tfjs `evaluate`: the loss scalar, or [loss, ...metrics]. */
export function evaluateModel(model: LayersModel, x: ModelData, y: ModelData, args: ModelPredictArgs = {}): Tensor | Tensor[] {
  checkOptions(`${model.name}.evaluate`, args, PREDICT_KEYS);
  const xs = toList(model, x, 'inputs', 'evaluate');
  if (!model.built || model.outputs.length === 0) model.ensureBuilt(xs.map((t) => t.shape));
  const ys = toList(model, y, 'outputs', 'evaluate');
  const r = evaluateBatches(model, xs, ys, args.batchSize ?? 32);
  const vals = [r.loss, ...Object.values(r.metrics)];
  return vals.length === 1 ? scalar(vals[0]!) : vals.map((v) => scalar(v));
}

/** tfjs `predict`: outputs for every sample, computed in batches. */
export function predictModel(model: LayersModel, x: ModelData, args: ModelPredictArgs = {}): Tensor | Tensor[] {
  checkOptions(`${model.name}.predict`, args, PREDICT_KEYS);
  const xs = toList(model, x, 'inputs', 'predict');
  if (!model.built || model.outputs.length === 0) model.ensureBuilt(xs.map((t) => t.shape));
  const n = sampleCount([xs], model, 'predict');
  const batchSize = args.batchSize ?? 32;
  const parts: Tensor[][] = [];
  for (let start = 0; start < n || (n === 0 && start === 0); start += batchSize) {
    const ids = range(start, Math.min(n, start + batchSize));
    const whole = start === 0 && ids.length === n;
    const bx = whole ? xs : takeRows(xs, ids);
    try {
      parts.push(tidy(() => model.execute(bx, { training: false })));
    } catch (e) {
      dispose(parts);
      throw e;
    } finally {
      if (!whole) dispose(bx);
    }
    if (n === 0) break;
  }
  const outs = model.outputs.map((_, i) => {
    const ps = parts.map((p) => p[i]!);
    if (ps.length === 1) return ps[0]!;
    const joined = concat(ps, 0);
    dispose(ps);
    return joined;
  });
  return outs.length === 1 ? outs[0]! : outs;
}
