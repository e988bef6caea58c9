// compile(): optimizer, loss(es) and metrics attached to a model.
import { getOptimizer, Optimizer } from '@wasmml/optimizers';
import { checkOptions } from '@wasmml/tensor';
import { getLoss, type LossFn, type LossObject } from '../losses.js';
import { getMetric, type Metric, type MetricIdentifier } from '../metrics.js';
import type { LayersModel } from '../model.js';

/** Arguments of {@link LayersModel.compile} (tfjs `ModelCompileArgs`). */
export interface ModelCompileArgs {
  /** An optimizer, or its name with default settings ('sgd', 'adam', 'rmsprop', ...). */
  optimizer: string | Optimizer;
  /** One loss for every output, a list (one per output), or a map by output name. */
  loss: string | LossFn | LossObject | Array<string | LossFn | LossObject> | Record<string, string | LossFn | LossObject>;
  /** Metrics reported in logs and by evaluate: a list for every output, or lists by output name. */
  metrics?: Array<MetricIdentifier | Metric> | Record<string, Array<MetricIdentifier | Metric>>;
  /** Weights of each output's loss in the total: a list (one per output) or a map by output name (Keras). */
  lossWeights?: number[] | Record<string, number>;
}

/** @internal */
export interface CompiledState {
  optimizer: Optimizer;
  losses: LossObject[];
  lossWeights: number[];
  /** Names of the outputs (their layers' names), which prefix per-output logs. */
  outputNames: string[];
  /** metrics[i]: metrics of output i. */
  metrics: Metric[][];
}

export function compileModel(model: LayersModel, args: ModelCompileArgs): void {
  checkOptions(`${model.name}.compile`, args, { optimizer: true, loss: true, metrics: true, lossWeights: true });
  if (!args || args.loss === undefined) throw new Error(`${model.name}.compile: a loss is required`);
  if (!model.built || model.outputs.length === 0) {
    // A Sequential without an input shape gets its graph from the first data; losses
    // are still resolved now (one output).
  }
  const nOut = Math.max(1, model.outputs.length);
  const outNames = model.outputs.map((o) => o.sourceLayer?.name ?? o.name);
  const pick = <T>(v: T | T[] | Record<string, T>, i: number, what: string): T => {
    if (Array.isArray(v)) {
      if (v.length !== nOut) throw new Error(`${model.name}.compile: ${v.length} ${what} for ${nOut} outputs`);
      return v[i]!;
    }
    if (v && typeof v === 'object' && !('call' in (v as object)) && typeof v !== 'function') {
      const r = (v as Record<string, T>)[outNames[i]!];
      if (r === undefined) throw new Error(`${model.name}.compile: no ${what} for output '${outNames[i]}'`);
      return r;
    }
    return v as T;
  };
  const losses = Array.from({ length: nOut }, (_, i) => getLoss(pick(args.loss as never, i, 'losses')));
  const metricIds = args.metrics ?? [];
  const metrics = losses.map((l, i) => {
    const ids = Array.isArray(metricIds) ? metricIds : (metricIds[outNames[i]!] ?? []);
    const units = model.outputs[i]?.shape.at(-1) ?? null;
    const ms = ids.map((m) => getMetric(m, l.name, l.fromLogits ?? false, units));
    if (nOut > 1)
      return ms.map((m) => Object.assign(Object.create(Object.getPrototypeOf(m)), m, { name: `${outNames[i]}_${m.name}` }) as Metric);
    return ms;
  });
  const optimizer = typeof args.optimizer === 'string' ? getOptimizer(args.optimizer) : args.optimizer;
  if (!(optimizer instanceof Optimizer)) throw new Error(`${model.name}.compile: optimizer must be a name or an Optimizer`);
  const lw = args.lossWeights;
  if (Array.isArray(lw) && lw.length !== nOut) throw new Error(`${model.name}.compile: ${lw.length} lossWeights for ${nOut} outputs`);
  const lossWeights = losses.map((_, i) => (lw === undefined ? 1 : Array.isArray(lw) ? lw[i]! : (lw[outNames[i]!] ?? 1)));
  model.compiled = { optimizer, losses, lossWeights, outputNames: outNames, metrics };
}
